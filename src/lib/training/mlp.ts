// A multilayer perceptron with explicit, seeded parameters (no tf.layers), so init is reproducible
// across backends and parameters can be checkpointed by name.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';
import type { Model } from './model';

export interface MlpShape {
	inputSize: number;
	hiddenWidth: number;
	/** Number of hidden layers (0 = logistic regression). */
	depth: number;
	classes: number;
	/** Dropout rate after each hidden ReLU while training (0 = off). */
	dropout?: number;
}

/** Logits for a batch: [batch, inputSize] → [batch, classes]. */
export type Mlp = Model;

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
				const z = tf.add(
					tf.matMul(h, params[2 * layer] as tf.Tensor2D),
					params[2 * layer + 1]!
				) as tf.Tensor2D;
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
