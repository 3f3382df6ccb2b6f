// A small convolutional classifier of the classic shape (as in the well-known Keras MNIST convnet):
// `depth` blocks of conv 3×3 ('same' padding) → ReLU → 2×2 max-pool, the first with `width` filters and
// each later one with twice the previous; then flatten → dropout → one dense layer to the classes.
// Convolution and pooling are written with slices, concat, matMul and max, not tf.conv2d/tf.maxPool:
// tfjs's wasm backend has no kernels for their gradients (Conv2DBackpropFilter is not registered), and
// one formulation keeps the arithmetic the same on every backend.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';
import type { CnnShape } from '../../model-spec';
import type { Model } from './model';

export type { CnnShape };

/** Height and width left after the conv blocks; an error when a block would get an empty image. */
export function cnnOutputSize(shape: Pick<CnnShape, 'height' | 'width' | 'blocks'>): [number, number] {
	let h = shape.height;
	let w = shape.width;
	for (let b = 0; b < shape.blocks; b++) {
		h = Math.floor(h / 2);
		w = Math.floor(w / 2);
		if (h < 1 || w < 1) {
			throw new Error(
				`cnnDepth ${shape.blocks} is too deep for ${shape.height}×${shape.width} images: block ${b + 1} ` +
					`would pool the image below 1×1`
			);
		}
	}
	return [h, w];
}

/**
 * 3×3 convolution, stride 1, zero 'same' padding, as im2col: the nine shifted views of the padded
 * input side by side on the channel axis ([n, h, w, 9·c], ordered (dy, dx, c) like the kernel's
 * [3, 3, c, out] layout), times the kernel as a [9·c, out] matrix.
 */
export function conv3x3Same(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
	const [n, h, w, c] = x.shape;
	const out = kernel.shape[3];
	const padded = tf.pad(x, [
		[0, 0],
		[1, 1],
		[1, 1],
		[0, 0]
	]);
	const views: tf.Tensor4D[] = [];
	for (let dy = 0; dy < 3; dy++) {
		for (let dx = 0; dx < 3; dx++) views.push(padded.slice([0, dy, dx, 0], [n, h, w, c]));
	}
	const patches = tf.concat(views, 3).reshape([n * h * w, 9 * c]) as tf.Tensor2D;
	return tf.matMul(patches, kernel.reshape([9 * c, out]) as tf.Tensor2D).reshape([n, h, w, out]);
}

/** 2×2 max-pool with stride 2; an odd last row or column is dropped (like 'valid' padding). */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
	const [n, h, w, c] = x.shape;
	const h2 = Math.floor(h / 2);
	const w2 = Math.floor(w / 2);
	const even = h === 2 * h2 && w === 2 * w2 ? x : x.slice([0, 0, 0, 0], [n, 2 * h2, 2 * w2, c]);
	return tf.max(even.reshape([n, h2, 2, w2, 2, c]), [2, 4]) as tf.Tensor4D;
}

function normal(count: number, std: number, random: Random): Float32Array {
	const values = new Float32Array(count);
	for (let i = 0; i < count; i++) values[i] = random.normal() * std;
	return values;
}

/** He-normal kernels (std √(2/fan-in), fan-in = 9·input channels), √(1/fan-in) for the dense layer. */
export function createCnn(shape: CnnShape, seed: number): Model {
	const random = new Random(seed);
	const params: tf.Variable[] = [];
	const paramNames: string[] = [];
	const add = (name: string, values: Float32Array | null, dims: number[]) => {
		params.push(tf.tidy(() => tf.variable(values ? tf.tensor(values, dims) : tf.zeros(dims))));
		paramNames.push(name);
	};
	let channels = 1;
	for (let b = 0; b < shape.blocks; b++) {
		const out = shape.filters * 2 ** b;
		add(`conv${b}/kernel`, normal(9 * channels * out, Math.sqrt(2 / (9 * channels)), random), [
			3,
			3,
			channels,
			out
		]);
		add(`conv${b}/bias`, null, [out]);
		channels = out;
	}
	const [h, w] = cnnOutputSize(shape);
	const flat = h * w * channels;
	add('output/kernel', normal(flat * shape.classes, Math.sqrt(1 / flat), random), [flat, shape.classes]);
	add('output/bias', null, [shape.classes]);

	return {
		params,
		paramNames,
		forward(x, training, seed = 0) {
			let y = x.reshape([-1, shape.height, shape.width, 1]) as tf.Tensor4D;
			for (let b = 0; b < shape.blocks; b++) {
				const conv = conv3x3Same(y, params[2 * b] as tf.Tensor4D);
				y = maxPool2x2(tf.relu(tf.add(conv, params[2 * b + 1]!)) as tf.Tensor4D);
			}
			let features = y.reshape([-1, flat]) as tf.Tensor2D;
			const rate = training ? (shape.dropout ?? 0) : 0;
			if (rate > 0) features = tf.dropout(features, rate, undefined, seed) as tf.Tensor2D;
			const last = 2 * shape.blocks;
			return tf.add(tf.matMul(features, params[last] as tf.Tensor2D), params[last + 1]!) as tf.Tensor2D;
		},
		dispose() {
			for (const p of params) p.dispose();
		}
	};
}
