// The decoder-only character transformer as a pure function of its named parameters: token + learned
// position embeddings, pre-norm residual blocks (x + attention(norm(x)), then x + mlp(norm(x))), a final
// norm and a linear head; causal attention. Same names, shapes and init as the TF.js model.
// The embedding is a one-hot matrix times the table: the gradient of np.take fails under jit in
// jax-js 0.1.25, and attention is written with matmuls (nn.dotProductAttention needs an iterator
// helper Node 20 lacks).
import { nn, numpy as np } from '@jax-js/jax';
import { maybeDrop, type Dropout, type DropoutSites } from './dropout';
import { byName, type ParamSpec } from './params';
import { perTrialProduct, sharedProduct, type TrialProducts } from './trial-products';
import {
	LAYER_NORM_EPSILON,
	MASKED,
	transformerParams as sharedTransformerParams,
	type TransformerShape as SharedTransformerShape
} from '../model-spec';

/** The shared transformer shape (training/model-spec.ts); dropout reaches the forward pass as a Dropout. */
export type TransformerShape = Omit<SharedTransformerShape, 'dropout'>;

/**
 * Every parameter in creation order, the TF.js engine's list (training/model-spec.ts) in this engine's
 * form, so the two engines' checkpoints name and order their arrays the same way.
 */
export function transformerParams(shape: Omit<TransformerShape, 'nHead'>): ParamSpec[] {
	return sharedTransformerParams(shape).map(({ name, shape: dims, init }) => ({
		name,
		shape: dims,
		init: typeof init === 'number' ? { std: init } : init
	}));
}

/** Dropout sites: the embeddings, then each block's two residual branches. */
export function transformerDropoutSites(shape: TransformerShape): number {
	return 1 + 2 * shape.nLayer;
}

function layerNorm(x: np.Array, gain: np.Array, bias: np.Array): np.Array {
	const mean = x.ref.mean(-1, { keepdims: true });
	const centered = x.sub(mean);
	const variance = np.square(centered.ref).mean(-1, { keepdims: true });
	return centered
		.div(np.sqrt(variance.add(LAYER_NORM_EPSILON)))
		.mul(gain)
		.add(bias);
}

/** GELU, tanh form; the cube is x·x·x (as in the TF.js model). */
function gelu(x: np.Array): np.Array {
	const cube = x.ref.mul(x.ref).mul(x.ref);
	const inner = x.ref.add(cube.mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
	return x.mul(0.5).mul(np.tanh(inner).add(1));
}

/** Logits [batch·length, vocab] from token ids [batch, length] (int32); consumes `params` and `x`. */
export function transformerForward(
	shape: TransformerShape,
	params: np.Array[],
	x: np.Array,
	dropout: Dropout | null
): np.Array {
	const { vocab, dModel: d, nHead, nLayer } = shape;
	if (d % nHead !== 0) throw new Error(`nHead ${nHead} must divide dModel ${d}`);
	const headSize = d / nHead;
	const [batch, length] = x.shape as [number, number];
	if (length > shape.contextLength)
		throw new Error(`a window of ${length} tokens is longer than the context`);
	const rows = batch * length;
	const p = byName(transformerParams(shape), params);
	const dense = (h: np.Array, prefix: string) => np.matmul(h, p(`${prefix}/kernel`)).add(p(`${prefix}/bias`));
	const norm = (h: np.Array, prefix: string) => layerNorm(h, p(`${prefix}/gain`), p(`${prefix}/bias`));

	const tokens = np.matmul(nn.oneHot(x.reshape([rows]), vocab), p('embed/tokens'));
	const positions = p('embed/positions').slice([0, length], []);
	let h = maybeDrop(dropout, tokens.reshape([batch, length, d]).add(positions));
	// 0 on and below the diagonal, MASKED above it.
	const causal = np.tri(length).sub(1).mul(-MASKED);
	const heads = (t: np.Array) => t.reshape([batch, length, nHead, headSize]).transpose([0, 2, 1, 3]);
	for (let l = 0; l < nLayer; l++) {
		const b = `block${l}`;
		const normed = norm(h.ref, `${b}/norm1`).reshape([rows, d]);
		const [q, k, v] = np.split(dense(normed, `${b}/attention/qkv`), 3, 1) as [np.Array, np.Array, np.Array];
		const scores = np
			.matmul(heads(q), heads(k).transpose([0, 1, 3, 2]))
			.mul(1 / Math.sqrt(headSize))
			.add(causal.ref);
		const attended = np.matmul(nn.softmax(scores, -1), heads(v)).transpose([0, 2, 1, 3]).reshape([rows, d]);
		h = h.add(maybeDrop(dropout, dense(attended, `${b}/attention/out`).reshape([batch, length, d])));
		const normed2 = norm(h.ref, `${b}/norm2`).reshape([rows, d]);
		const hidden = gelu(dense(normed2, `${b}/mlp/in`));
		h = h.add(maybeDrop(dropout, dense(hidden, `${b}/mlp/out`).reshape([batch, length, d])));
	}
	causal.dispose();
	return dense(norm(h, 'final-norm').reshape([rows, d]), 'head');
}

/**
 * Logits [K, batch·length, vocab] of K trials (batched-step.ts). Every parameter comes with a leading
 * trial axis: tables and kernels [K, in, out], gains and biases [K, 1, n]. Per-token work (layer norm,
 * GELU, softmax, dropout) runs on any leading shape; attention folds the trials into its batch axis
 * ([K·batch, heads, length, head size]); the embedding (a one-hot matrix times the table, as in
 * transformerForward) and the projections are per-trial products [K, batch·length, in] · [K, in, out]
 * (trial-products.ts, `products`). Each trial's products and reductions run over the same terms in the
 * same order as transformerForward's. `x` holds each trial's token ids [K, batch, length] (int32), or
 * with `shared` one set [batch, length] read by every trial (the embedding is then one plain product
 * with the K tables side by side). Consumes params and x.
 */
export function transformerBatchedForward(
	shape: TransformerShape,
	params: np.Array[],
	x: np.Array,
	dropout: DropoutSites | null,
	shared: boolean,
	products: TrialProducts
): np.Array {
	const { vocab, dModel: d, nHead, nLayer } = shape;
	if (d % nHead !== 0) throw new Error(`nHead ${nHead} must divide dModel ${d}`);
	const headSize = d / nHead;
	const trials = params[0]!.shape[0]!;
	const [batch, length] = x.shape.slice(shared ? 0 : 1) as [number, number];
	if (length > shape.contextLength)
		throw new Error(`a window of ${length} tokens is longer than the context`);
	const rows = batch * length;
	const p = byName(transformerParams(shape), params);
	const dense = (h: np.Array, prefix: string) =>
		perTrialProduct(h, p(`${prefix}/kernel`), products).add(p(`${prefix}/bias`));
	// Norms run on [K, batch, length, d] as transformerForward's on [batch, length, d].
	const norm = (h: np.Array, prefix: string) =>
		layerNorm(
			h,
			p(`${prefix}/gain`).reshape([trials, 1, 1, d]),
			p(`${prefix}/bias`).reshape([trials, 1, 1, d])
		);

	const tokens = shared
		? sharedProduct(nn.oneHot(x.reshape([rows]), vocab), p('embed/tokens'))
		: perTrialProduct(nn.oneHot(x.reshape([trials, rows]), vocab), p('embed/tokens'), products);
	const positions = p('embed/positions').slice([], [0, length], []).reshape([trials, 1, length, d]);
	let h = maybeDrop(dropout, tokens.reshape([trials, batch, length, d]).add(positions));
	// 0 on and below the diagonal, MASKED above it.
	const causal = np.tri(length).sub(1).mul(-MASKED);
	const heads = (t: np.Array) => t.reshape([trials * batch, length, nHead, headSize]).transpose([0, 2, 1, 3]);
	const tokenRows = (t: np.Array) => t.reshape([trials, batch, length, d]);
	for (let l = 0; l < nLayer; l++) {
		const b = `block${l}`;
		const normed = norm(h.ref, `${b}/norm1`).reshape([trials, rows, d]);
		const [q, k, v] = np.split(dense(normed, `${b}/attention/qkv`), 3, 2) as [np.Array, np.Array, np.Array];
		const scores = np
			.matmul(heads(q), heads(k).transpose([0, 1, 3, 2]))
			.mul(1 / Math.sqrt(headSize))
			.add(causal.ref);
		const attended = np
			.matmul(nn.softmax(scores, -1), heads(v))
			.transpose([0, 2, 1, 3])
			.reshape([trials, rows, d]);
		h = h.add(maybeDrop(dropout, tokenRows(dense(attended, `${b}/attention/out`))));
		const normed2 = norm(h.ref, `${b}/norm2`).reshape([trials, rows, d]);
		const hidden = gelu(dense(normed2, `${b}/mlp/in`));
		h = h.add(maybeDrop(dropout, tokenRows(dense(hidden, `${b}/mlp/out`))));
	}
	causal.dispose();
	return dense(norm(h, 'final-norm').reshape([trials, rows, d]), 'head');
}
