// A decoder-only character transformer: token + learned position embeddings, `layers` pre-norm
// residual blocks (x + attention(norm(x)), then x + mlp(norm(x)): the normalisation sits inside the
// residual branch, which keeps the residual stream an identity path), a final norm and a linear head.
// Attention is causal: position t only sees positions ≤ t.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';
import { causalMask, LAYER_NORM_EPSILON, transformerParams, type TransformerShape } from '../../model-spec';
import type { Model } from './model';

export type { TransformerShape };

export function createTransformer(shape: TransformerShape, seed: number): Model {
	const { vocab, contextLength: T, dModel: d, nHead, nLayer } = shape;
	if (d % nHead !== 0) throw new Error(`nHead ${nHead} must divide dModel ${d}`);
	const headSize = d / nHead;
	const random = new Random(seed);
	const params: tf.Variable[] = [];
	const paramNames: string[] = [];
	const byName = new Map<string, tf.Variable>();
	const add = (name: string, dims: number[], init: 'zeros' | 'ones' | number) => {
		const size = dims.reduce((a, b) => a * b, 1);
		const values = new Float32Array(size);
		if (init === 'ones') values.fill(1);
		else if (typeof init === 'number') for (let i = 0; i < size; i++) values[i] = random.normal() * init;
		const variable = tf.tidy(() => tf.variable(tf.tensor(values, dims)));
		params.push(variable);
		paramNames.push(name);
		byName.set(name, variable);
	};
	for (const param of transformerParams(shape)) add(param.name, param.shape, param.init);
	const p = (name: string) => byName.get(name)!;

	const mask = tf.tensor2d(causalMask(T), [T, T]);

	const layerNorm = (x: tf.Tensor, prefix: string) => {
		const { mean, variance } = tf.moments(x, -1, true);
		const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
		return tf.add(tf.mul(normed, p(`${prefix}/gain`)), p(`${prefix}/bias`));
	};
	const dense = (x: tf.Tensor2D, prefix: string) =>
		tf.add(tf.matMul(x, p(`${prefix}/kernel`) as tf.Tensor2D), p(`${prefix}/bias`)) as tf.Tensor2D;
	// GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). The cube is x·x·x, not tf.pow:
	// WebGPU's pow is undefined for a negative base, and it gave NaN losses on the WebGPU backend.
	const gelu = (x: tf.Tensor) => {
		const cube = tf.mul(tf.mul(x, x), x);
		const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, cube)));
		return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
	};

	return {
		params,
		paramNames,
		forward(x, training, seed = 0) {
			const [batch, length] = x.shape as [number, number];
			if (length > T) throw new Error(`a window of ${length} tokens is longer than contextLength ${T}`);
			const rows = batch * length;
			const rate = training ? (shape.dropout ?? 0) : 0;
			let dropSeed = seed;
			const drop = (t: tf.Tensor) => (rate > 0 ? tf.dropout(t, rate, undefined, dropSeed++) : t);
			// Embedding as one-hot × table: a plain matMul forward and backward on every backend.
			const tokens = tf.matMul(tf.oneHot(x.reshape([rows]), vocab), p('embed/tokens') as tf.Tensor2D);
			const positions = p('embed/positions').slice([0, 0], [length, d]);
			let h: tf.Tensor = drop(tf.add(tokens.reshape([batch, length, d]), positions));
			const causal = mask.slice([0, 0], [length, length]);
			const heads = (t: tf.Tensor) => t.reshape([batch, length, nHead, headSize]).transpose([0, 2, 1, 3]);
			for (let l = 0; l < nLayer; l++) {
				const normed = layerNorm(h, `block${l}/norm1`).reshape([rows, d]) as tf.Tensor2D;
				const [q, k, v] = tf.split(dense(normed, `block${l}/attention/qkv`), 3, 1);
				const scores = tf.add(
					tf.mul(tf.matMul(heads(q!), heads(k!), false, true), 1 / Math.sqrt(headSize)),
					causal
				);
				const attended = tf.matMul(tf.softmax(scores), heads(v!)).transpose([0, 2, 1, 3]).reshape([rows, d]);
				h = tf.add(
					h,
					drop(dense(attended as tf.Tensor2D, `block${l}/attention/out`).reshape([batch, length, d]))
				);
				const normed2 = layerNorm(h, `block${l}/norm2`).reshape([rows, d]) as tf.Tensor2D;
				const hidden = gelu(dense(normed2, `block${l}/mlp/in`)) as tf.Tensor2D;
				h = tf.add(h, drop(dense(hidden, `block${l}/mlp/out`).reshape([batch, length, d])));
			}
			return dense(layerNorm(h, 'final-norm').reshape([rows, d]) as tf.Tensor2D, 'head');
		},
		dispose() {
			for (const v of params) v.dispose();
			mask.dispose();
		}
	};
}
