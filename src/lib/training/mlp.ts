// A multilayer perceptron with explicit, seeded parameters (no tf.layers), so init is reproducible
// across backends and parameters can be checkpointed by name.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';

export interface MlpShape {
	inputSize: number;
	hiddenWidth: number;
	/** Number of hidden layers (0 = logistic regression). */
	depth: number;
	classes: number;
}

export interface Mlp {
	params: tf.Variable[];
	/** Stable names for checkpoints ("hidden0/kernel"…); tfjs variable names are engine-unique instead. */
	paramNames: string[];
	/** Logits for a batch: [batch, inputSize] → [batch, classes]. */
	forward(x: tf.Tensor2D): tf.Tensor2D;
	dispose(): void;
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
		forward(x) {
			let h: tf.Tensor2D = x;
			for (let layer = 0; layer <= shape.depth; layer++) {
				const z = tf.add(
					tf.matMul(h, params[2 * layer] as tf.Tensor2D),
					params[2 * layer + 1]!
				) as tf.Tensor2D;
				h = layer === shape.depth ? z : tf.relu(z);
			}
			return h;
		},
		dispose() {
			for (const p of params) p.dispose();
		}
	};
}

/** Per-example softmax cross-entropy in nats, from logits and integer labels. */
export function crossEntropyPerExample(
	logits: tf.Tensor2D,
	labels: tf.Tensor1D,
	classes: number
): tf.Tensor1D {
	const oneHot = tf.oneHot(labels, classes);
	return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}
