// A multilayer perceptron with explicit, seeded parameters (no tf.layers), so init is reproducible
// across backends and parameters can be checkpointed by name.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';
import type { MlpShape } from '../../model-spec';
import type { Model } from './model';

export type { MlpShape };

/** Logits for a batch: [batch, inputSize] → [batch, classes]. */
export type Mlp = Model;

/**
 * The dense layer x·W + b with a hand-written gradient that keeps tfjs-wasm on its fast paths:
 * dx = dy·transpose(W), dW = transpose(x)·dy, db = ones[1, batch]·dy. tfjs's own gradients multiply with
 * transposed operands (an order of magnitude slower than a plain product on tfjs-wasm,
 * docs/engineering-notes.md §1) and
 * sum the bias gradient over the batch axis (a transpose plus a reduction); an explicit transpose costs
 * one copy. The same products, so results differ from tf.matMul's only by float rounding.
 * `dataInput` marks a first layer fed by data: its dx is not needed, so it is zeros (no product).
 */
export function denseFastGrad(
	x: tf.Tensor2D,
	w: tf.Tensor2D,
	b: tf.Tensor1D,
	dataInput = false
): tf.Tensor2D {
	const op = tf.customGrad((a, kernel, bias, save) => {
		(save as tf.GradSaveFunc)([a as tf.Tensor2D, kernel as tf.Tensor2D]);
		return {
			value: tf.add(tf.matMul(a as tf.Tensor2D, kernel as tf.Tensor2D), bias as tf.Tensor1D),
			gradFunc: (dy, saved) => {
				const [sa, sk] = saved as [tf.Tensor2D, tf.Tensor2D];
				const d = dy as tf.Tensor2D;
				const da = dataInput ? tf.zerosLike(sa) : tf.matMul(d, tf.transpose(sk));
				const db = tf.matMul(tf.ones([1, d.shape[0]]), d).reshape([d.shape[1]]);
				return [da, tf.matMul(tf.transpose(sa), d), db];
			}
		};
	}) as (a: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
	return op(x, w, b);
}

function normalMatrix(rows: number, cols: number, std: number, random: Random): Float32Array {
	const values = new Float32Array(rows * cols);
	for (let i = 0; i < values.length; i++) values[i] = random.normal() * std;
	return values;
}

export function parameterCount(shape: MlpShape): number {
	let count = 0;
	let fanIn = shape.inputSize;
	for (let layer = 0; layer <= shape.depth; layer++) {
		const fanOut = layer === shape.depth ? shape.classes : shape.hiddenWidth;
		count += fanIn * fanOut + fanOut;
		fanIn = fanOut;
	}
	return count;
}

/** He-normal init for ReLU layers (std √(2/fan-in)), √(1/fan-in) for the output layer, zero biases. */
export function createMlp(shape: MlpShape, seed: number): Mlp {
	const random = new Random(seed);
	const params: tf.Variable[] = [];
	const paramNames: string[] = [];
	let fanIn = shape.inputSize;
	for (let layer = 0; layer <= shape.depth; layer++) {
		const isOutput = layer === shape.depth;
		const fanOut = isOutput ? shape.classes : shape.hiddenWidth;
		const std = Math.sqrt((isOutput ? 1 : 2) / fanIn);
		const name = isOutput ? 'output' : `hidden${layer}`;
		const kernel = normalMatrix(fanIn, fanOut, std, random);
		// tidy disposes the initial tensors; the variables keep their own reference to the data.
		params.push(tf.tidy(() => tf.variable(tf.tensor2d(kernel, [fanIn, fanOut]))));
		params.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]))));
		paramNames.push(`${name}/kernel`, `${name}/bias`);
		fanIn = fanOut;
	}
	return {
		params,
		paramNames,
		forward(x, training, seed = 0) {
			let h = x as tf.Tensor2D;
			const rate = training ? (shape.dropout ?? 0) : 0;
			for (let layer = 0; layer <= shape.depth; layer++) {
				const kernel = params[2 * layer] as tf.Tensor2D;
				const z = denseFastGrad(h, kernel, params[2 * layer + 1] as tf.Tensor1D, layer === 0);
				h = layer === shape.depth ? z : tf.relu(z);
				if (rate > 0 && layer < shape.depth) h = tf.dropout(h, rate, undefined, seed + layer) as tf.Tensor2D;
			}
			return h;
		},
		dispose() {
			for (const p of params) p.dispose();
		}
	};
}
