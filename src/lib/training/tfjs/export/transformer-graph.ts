// The character transformer as a TensorFlow.js GraphModel (model.json + weights.bin) that
// `tf.loadGraphModel` reads. tf.layers has no causal self-attention layer, so instead of rebuilding
// the model from layers (layers-model.ts does that for the MLP and CNN), this writes the graph of
// models/transformer.ts's inference forward pass op by op: the same pre-norm blocks, the same causal mask,
// the same tanh GELU, the checkpoint's weights as constants. Two deliberate differences, both exact:
// the token embedding is a row lookup (GatherV2) instead of one-hot × table, and the logits come out
// shaped [batch, length, vocab] instead of [batch·length, vocab].
//
// Input `tokens`: int32 [batch, length], 1 ≤ length ≤ contextLength, ids into the vocabulary.
// Output `logits`: float32 [batch, length, vocab]; row t scores the token that follows position t.
import type { TrialConfig } from '$lib/study/trial-config';
import type { SavedWeights } from '../../checkpoint-data';
import { causalMask, LAYER_NORM_EPSILON, transformerParams, transformerShapeOf } from '../../model-spec';
import { FLOAT, GraphDefBuilder } from './graph-def';

export interface TransformerExport {
	modelJson: string;
	weights: Uint8Array;
	contextLength: number;
}

export function exportTransformer(
	config: TrialConfig,
	vocab: number,
	saved: SavedWeights
): TransformerExport {
	if (config.model !== 'transformer') throw new Error(`a ${config.model} trial is not a transformer`);
	const shape = transformerShapeOf(config, vocab);
	const { contextLength: T, dModel: d, nHead, nLayer } = shape;
	const headSize = d / nHead;
	const expected = transformerParams(shape);
	if (saved.paramNames.join() !== expected.map((e) => e.name).join()) {
		throw new Error(
			`the checkpoint holds parameters [${saved.paramNames.join(', ')}], ` +
				`the transformer needs [${expected.map((e) => e.name).join(', ')}]`
		);
	}

	const g = new GraphDefBuilder();
	const tokens = g.placeholder('tokens', 'int32', [-1, -1]);
	const weight = new Map<string, string>();
	expected.forEach((e, i) => {
		const values = saved.params[i]!;
		const size = e.shape.reduce((a, b) => a * b, 1);
		if (values.length !== size)
			throw new Error(`parameter ${e.name} has ${values.length} values, the model needs ${size}`);
		weight.set(e.name, g.constant(e.name, values, e.shape));
	});
	const w = (name: string) => weight.get(name)!;

	// Shapes known only at run time: [batch, length] of the input, extended for each reshape.
	const axis0 = g.constant('const/axis0', Int32Array.of(0), []);
	const lastAxis = g.ints('const/last-axis', [-1]);
	const batchLength = g.op('shape/batch-length', 'Shape', [tokens], {
		T: { type: 'DT_INT32' },
		out_type: { type: 'DT_INT32' }
	});
	const lengthOnly = g.op('shape/length', 'Slice', [
		batchLength,
		g.ints('const/one', [1]),
		g.ints('const/count-one', [1])
	]);
	const concat = (name: string, parts: string[]) =>
		g.op(name, 'ConcatV2', [...parts, axis0], { N: { i: String(parts.length) }, T: { type: 'DT_INT32' } });
	const shapeHeads = concat('shape/heads', [batchLength, g.ints('const/heads', [nHead, headSize])]);
	const shapeModel = concat('shape/model', [batchLength, g.ints('const/d-model', [d])]);
	const shapeLogits = concat('shape/logits', [batchLength, g.ints('const/vocab', [vocab])]);
	const rowsOfModel = g.ints('const/rows-d-model', [-1, d]);
	const zeroZero = g.ints('const/origin', [0, 0]);

	// Embeddings: table rows for the tokens plus the first `length` learned positions.
	const embedded = g.op('embed/lookup', 'GatherV2', [w('embed/tokens'), tokens, axis0], {
		batch_dims: { i: '0' },
		Tparams: { type: 'DT_FLOAT' },
		Tindices: { type: 'DT_INT32' },
		Taxis: { type: 'DT_INT32' }
	});
	const positionsSize = concat('shape/positions', [lengthOnly, g.ints('const/all', [-1])]);
	const positions = g.op('embed/positions-used', 'Slice', [w('embed/positions'), zeroZero, positionsSize]);
	let h = g.op('embed/sum', 'AddV2', [embedded, positions], FLOAT);

	const mask = g.constant('attention/causal-mask', causalMask(T), [T, T]);
	const maskSize = concat('shape/mask', [lengthOnly, lengthOnly]);
	const causal = g.op('attention/causal-mask-used', 'Slice', [mask, zeroZero, maskSize]);

	const epsilon = g.scalar('const/layer-norm-epsilon', LAYER_NORM_EPSILON);
	const layerNorm = (x: string, prefix: string) => {
		const mean = g.op(`${prefix}/mean`, 'Mean', [x, lastAxis], { keep_dims: { b: true }, T: FLOAT.T });
		const centred = g.op(`${prefix}/centred`, 'Sub', [x, mean], FLOAT);
		const squared = g.op(`${prefix}/squared`, 'Mul', [centred, centred], FLOAT);
		const variance = g.op(`${prefix}/variance`, 'Mean', [squared, lastAxis], {
			keep_dims: { b: true },
			T: FLOAT.T
		});
		const sd = g.op(
			`${prefix}/sd`,
			'Sqrt',
			[g.op(`${prefix}/variance-eps`, 'AddV2', [variance, epsilon], FLOAT)],
			FLOAT
		);
		const normed = g.op(`${prefix}/normed`, 'RealDiv', [centred, sd], FLOAT);
		const scaled = g.op(`${prefix}/scaled`, 'Mul', [normed, w(`${prefix}/gain`)], FLOAT);
		return g.op(`${prefix}/out`, 'AddV2', [scaled, w(`${prefix}/bias`)], FLOAT);
	};
	const dense = (x: string, prefix: string) => {
		const product = g.op(`${prefix}/matmul`, 'MatMul', [x, w(`${prefix}/kernel`)], {
			transpose_a: { b: false },
			transpose_b: { b: false },
			T: FLOAT.T
		});
		return g.op(`${prefix}/out`, 'AddV2', [product, w(`${prefix}/bias`)], FLOAT);
	};
	const reshape = (name: string, x: string, to: string) =>
		g.op(name, 'Reshape', [x, to], { T: FLOAT.T, Tshape: { type: 'DT_INT32' } });
	const transpose = (name: string, x: string, perm: string) =>
		g.op(name, 'Transpose', [x, perm], { T: FLOAT.T, Tperm: { type: 'DT_INT32' } });
	const batchMatMul = (name: string, a: string, b: string, adjY: boolean) =>
		g.op(name, 'BatchMatMulV2', [a, b], { adj_x: { b: false }, adj_y: { b: adjY }, T: FLOAT.T });

	const swapMiddle = g.ints('const/swap-length-heads', [0, 2, 1, 3]);
	const scale = g.scalar('const/attention-scale', 1 / Math.sqrt(headSize));
	const half = g.scalar('const/half', 0.5);
	const one = g.scalar('const/one-float', 1);
	const geluCubic = g.scalar('const/gelu-cubic', 0.044715);
	const geluScale = g.scalar('const/gelu-scale', Math.sqrt(2 / Math.PI));
	// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x·x·x))), in models/transformer.ts's order of operations.
	const gelu = (x: string, prefix: string) => {
		const cube = g.op(`${prefix}/cube`, 'Mul', [g.op(`${prefix}/square`, 'Mul', [x, x], FLOAT), x], FLOAT);
		const inner = g.op(
			`${prefix}/inner`,
			'AddV2',
			[x, g.op(`${prefix}/cubic-term`, 'Mul', [geluCubic, cube], FLOAT)],
			FLOAT
		);
		const tanh = g.op(
			`${prefix}/tanh`,
			'Tanh',
			[g.op(`${prefix}/scaled`, 'Mul', [geluScale, inner], FLOAT)],
			FLOAT
		);
		const halfX = g.op(`${prefix}/half-x`, 'Mul', [x, half], FLOAT);
		return g.op(
			`${prefix}/out`,
			'Mul',
			[halfX, g.op(`${prefix}/one-plus`, 'AddV2', [one, tanh], FLOAT)],
			FLOAT
		);
	};

	for (let l = 0; l < nLayer; l++) {
		const b = `block${l}`;
		const normed = reshape(`${b}/norm1/rows`, layerNorm(h, `${b}/norm1`), rowsOfModel);
		const qkv = dense(normed, `${b}/attention/qkv`);
		const split = g.op(
			`${b}/attention/split`,
			'Split',
			[g.constant(`${b}/attention/split-axis`, Int32Array.of(1), []), qkv],
			{
				num_split: { i: '3' },
				T: FLOAT.T
			}
		);
		const heads = (part: number, label: string) =>
			transpose(
				`${b}/attention/${label}-heads`,
				reshape(`${b}/attention/${label}-split`, `${split}:${part}`, shapeHeads),
				swapMiddle
			);
		const [q, k, v] = [heads(0, 'q'), heads(1, 'k'), heads(2, 'v')];
		const scores = g.op(
			`${b}/attention/scores`,
			'AddV2',
			[
				g.op(`${b}/attention/scaled`, 'Mul', [batchMatMul(`${b}/attention/qk`, q, k, true), scale], FLOAT),
				causal
			],
			FLOAT
		);
		const weights = g.op(`${b}/attention/softmax`, 'Softmax', [scores], FLOAT);
		const attended = reshape(
			`${b}/attention/merged`,
			transpose(`${b}/attention/unheads`, batchMatMul(`${b}/attention/av`, weights, v, false), swapMiddle),
			rowsOfModel
		);
		const attentionOut = reshape(`${b}/attention/back`, dense(attended, `${b}/attention/out`), shapeModel);
		h = g.op(`${b}/residual1`, 'AddV2', [h, attentionOut], FLOAT);
		const normed2 = reshape(`${b}/norm2/rows`, layerNorm(h, `${b}/norm2`), rowsOfModel);
		const hidden = gelu(dense(normed2, `${b}/mlp/in`), `${b}/mlp/gelu`);
		const mlpOut = reshape(`${b}/mlp/back`, dense(hidden, `${b}/mlp/out`), shapeModel);
		h = g.op(`${b}/residual2`, 'AddV2', [h, mlpOut], FLOAT);
	}
	const final = reshape('final-norm/rows', layerNorm(h, 'final-norm'), rowsOfModel);
	reshape('logits', dense(final, 'head'), shapeLogits);

	const { graph, weightSpecs, weightData } = g.finish();
	const tensorInfo = (name: string, dtype: string, dims: number[]) => ({
		name,
		dtype,
		tensorShape: { dim: dims.map((size) => ({ size: String(size) })) }
	});
	const json = {
		format: 'graph-model',
		generatedBy: 'Tuning Lab (src/lib/training/tfjs/export/transformer-graph.ts)',
		convertedBy: null,
		modelTopology: graph,
		// Named inputs and outputs: model.execute({ tokens }) and model.outputs say "tokens" and "logits".
		signature: {
			inputs: { tokens: tensorInfo('tokens:0', 'DT_INT32', [-1, -1]) },
			outputs: { logits: tensorInfo('logits:0', 'DT_FLOAT', [-1, -1, vocab]) }
		},
		weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }]
	};
	return { modelJson: JSON.stringify(json), weights: weightData, contextLength: T };
}
