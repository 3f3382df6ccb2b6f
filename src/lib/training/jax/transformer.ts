// The decoder-only character transformer as a pure function of its named parameters: token + learned
// position embeddings, pre-norm residual blocks (x + attention(norm(x)), then x + mlp(norm(x))), a final
// norm and a linear head; causal attention. Same names, shapes and init as the TF.js model.
// The embedding is a one-hot matrix times the table: the gradient of np.take fails under jit in
// jax-js 0.1.25, and attention is written with matmuls (nn.dotProductAttention needs an iterator
// helper Node 20 lacks).
import { nn, numpy as np } from '@jax-js/jax';
import { maybeDrop, type Dropout } from './dropout';
import { byName, type ParamSpec } from './params';

export interface TransformerShape {
	vocab: number;
	contextLength: number;
	dModel: number;
	nHead: number;
	nLayer: number;
}

/** Init scale of every weight matrix (the GPT-2 choice); residual output projections are scaled down more. */
const INIT_STD = 0.02;
/** Added to the scores of future positions; softmax gives them exactly 0 in float32. */
const MASKED = -1e9;
const LAYER_NORM_EPSILON = 1e-5;

/** Every parameter in creation order (the order checkpoints store them in). */
export function transformerParams(shape: Omit<TransformerShape, 'nHead'>): ParamSpec[] {
	const { vocab, contextLength: T, dModel: d, nLayer } = shape;
	const std = { std: INIT_STD };
	const residual = { std: INIT_STD / Math.sqrt(2 * nLayer) };
	const specs: ParamSpec[] = [
		{ name: 'embed/tokens', shape: [vocab, d], init: std },
		{ name: 'embed/positions', shape: [T, d], init: std }
	];
	for (let l = 0; l < nLayer; l++) {
		const b = `block${l}`;
		specs.push(
			{ name: `${b}/norm1/gain`, shape: [d], init: 'ones' },
			{ name: `${b}/norm1/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/attention/qkv/kernel`, shape: [d, 3 * d], init: std },
			{ name: `${b}/attention/qkv/bias`, shape: [3 * d], init: 'zeros' },
			{ name: `${b}/attention/out/kernel`, shape: [d, d], init: residual },
			{ name: `${b}/attention/out/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/norm2/gain`, shape: [d], init: 'ones' },
			{ name: `${b}/norm2/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/mlp/in/kernel`, shape: [d, 4 * d], init: std },
			{ name: `${b}/mlp/in/bias`, shape: [4 * d], init: 'zeros' },
			{ name: `${b}/mlp/out/kernel`, shape: [4 * d, d], init: residual },
			{ name: `${b}/mlp/out/bias`, shape: [d], init: 'zeros' }
		);
	}
	specs.push(
		{ name: 'final-norm/gain', shape: [d], init: 'ones' },
		{ name: 'final-norm/bias', shape: [d], init: 'zeros' },
		{ name: 'head/kernel', shape: [d, vocab], init: std },
		{ name: 'head/bias', shape: [vocab], init: 'zeros' }
	);
	return specs;
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
