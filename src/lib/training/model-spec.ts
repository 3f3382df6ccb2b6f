// What model a trial trains and its shape, from the trial configuration and the data: the same for
// every engine. An engine builds its own parameters and forward pass from a ModelSpec. Checkpoints
// store parameters by name, so an engine that should read another's checkpoints keeps the same names
// and shapes: the transformer's list is here (transformerParams), the MLP's and CNN's are in their tfjs
// builders (tfjs/models/). No engine imports here.
import type { TrainingData } from '$lib/datasets/classification-data';
import { MODEL_KEY_DEFAULTS } from '$lib/study/config-vocabulary';
import type { TrialConfig } from '$lib/study/trial-config';

/** Defaults of the optional model keys (the vocabulary documents them). */
export const MODEL_DEFAULTS = MODEL_KEY_DEFAULTS;

/** A multilayer perceptron on a table's rows or an image's pixels: [batch, inputSize] → [batch, classes]. */
export interface MlpShape {
	inputSize: number;
	hiddenWidth: number;
	/** Number of hidden layers (0 = logistic regression). */
	depth: number;
	classes: number;
	/** Dropout rate after each hidden ReLU while training (0 = off). */
	dropout?: number;
}

/** A small convnet on images, rows of height × width grey levels → [batch, classes]. */
export interface CnnShape {
	height: number;
	width: number;
	classes: number;
	/** Filters of the first block. */
	filters: number;
	/** Conv blocks; each halves the image (rounding down). */
	blocks: number;
	/** Dropout rate before the dense layer while training (0 = off). */
	dropout?: number;
}

/** A decoder-only character transformer: [batch, contextLength] token ids → [batch·contextLength, vocab]. */
export interface TransformerShape {
	vocab: number;
	contextLength: number;
	dModel: number;
	nHead: number;
	nLayer: number;
	/** Dropout on embeddings and on each residual branch's output while training (0 = off). */
	dropout?: number;
}

/** Init scale of every weight matrix (the GPT-2 choice); residual output projections are scaled down more. */
const INIT_STD = 0.02;
/** Added to the scores of future positions; large enough that softmax gives them exactly 0 in float32. */
export const MASKED = -1e9;
export const LAYER_NORM_EPSILON = 1e-5;

/** One parameter: its name, shape and initial value (a constant, or normal with this standard deviation). */
export interface TransformerParam {
	name: string;
	shape: number[];
	init: 'zeros' | 'ones' | number;
}

type ParamShape = Omit<TransformerShape, 'dropout' | 'nHead'>;

/** Every parameter in creation order (the order checkpoints store them in; the export reads it too). */
export function transformerParams(shape: ParamShape): TransformerParam[] {
	const { vocab, contextLength: T, dModel: d, nLayer } = shape;
	const residualStd = INIT_STD / Math.sqrt(2 * nLayer);
	const list: TransformerParam[] = [
		{ name: 'embed/tokens', shape: [vocab, d], init: INIT_STD },
		{ name: 'embed/positions', shape: [T, d], init: INIT_STD }
	];
	for (let l = 0; l < nLayer; l++) {
		const b = `block${l}`;
		list.push(
			{ name: `${b}/norm1/gain`, shape: [d], init: 'ones' },
			{ name: `${b}/norm1/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/attention/qkv/kernel`, shape: [d, 3 * d], init: INIT_STD },
			{ name: `${b}/attention/qkv/bias`, shape: [3 * d], init: 'zeros' },
			{ name: `${b}/attention/out/kernel`, shape: [d, d], init: residualStd },
			{ name: `${b}/attention/out/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/norm2/gain`, shape: [d], init: 'ones' },
			{ name: `${b}/norm2/bias`, shape: [d], init: 'zeros' },
			{ name: `${b}/mlp/in/kernel`, shape: [d, 4 * d], init: INIT_STD },
			{ name: `${b}/mlp/in/bias`, shape: [4 * d], init: 'zeros' },
			{ name: `${b}/mlp/out/kernel`, shape: [4 * d, d], init: residualStd },
			{ name: `${b}/mlp/out/bias`, shape: [d], init: 'zeros' }
		);
	}
	list.push(
		{ name: 'final-norm/gain', shape: [d], init: 'ones' },
		{ name: 'final-norm/bias', shape: [d], init: 'zeros' },
		{ name: 'head/kernel', shape: [d, vocab], init: INIT_STD },
		{ name: 'head/bias', shape: [vocab], init: 'zeros' }
	);
	return list;
}

/** [T, T] row-major: 0 on and below the diagonal, MASKED above it; a window shorter than T uses its top-left corner. */
export function causalMask(T: number): Float32Array {
	const values = new Float32Array(T * T);
	for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) values[i * T + j] = MASKED;
	return values;
}

export function transformerParameterCount(shape: ParamShape): number {
	return transformerParams(shape).reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** The model a trial trains, with the kind it is keyed on. */
export type ModelSpec =
	({ kind: 'mlp' } & MlpShape) | ({ kind: 'cnn' } & CnnShape) | ({ kind: 'transformer' } & TransformerShape);

/** The context length a trial uses (only the transformer reads it). */
export function contextLengthOf(config: TrialConfig): number {
	return config.contextLength ?? MODEL_DEFAULTS.contextLength;
}

/** The transformer's shape for a trial on a text of `vocab` distinct characters (dropout aside). */
export function transformerShapeOf(config: TrialConfig, vocab: number) {
	return {
		vocab,
		contextLength: contextLengthOf(config),
		dModel: config.dModel ?? MODEL_DEFAULTS.dModel,
		nHead: config.nHead ?? MODEL_DEFAULTS.nHead,
		nLayer: config.nLayer ?? MODEL_DEFAULTS.nLayer
	};
}

/** The model `config` names, sized for `data`; an error when the model and the data do not fit together. */
export function modelSpecOf(config: TrialConfig, data: TrainingData): ModelSpec {
	const dropout = config.dropout ?? 0;
	if (config.model === 'transformer') {
		if (data.kind !== 'text') throw new Error(`the transformer needs a text dataset, not ${config.dataset}`);
		return { kind: 'transformer', ...transformerShapeOf(config, data.vocab.length), dropout };
	}
	if (data.kind !== 'classification') {
		throw new Error(`the ${config.model} model needs a table or images, not the text ${config.dataset}`);
	}
	if (config.model === 'cnn') {
		if (!data.image) throw new Error(`the cnn model needs images; ${config.dataset} is a table`);
		return {
			kind: 'cnn',
			height: data.image.height,
			width: data.image.width,
			classes: data.classes,
			filters: config.cnnWidth ?? MODEL_DEFAULTS.cnnWidth,
			blocks: config.cnnDepth ?? MODEL_DEFAULTS.cnnDepth,
			dropout
		};
	}
	return {
		kind: 'mlp',
		inputSize: data.features,
		hiddenWidth: config.hiddenWidth,
		depth: config.depth,
		classes: data.classes,
		dropout
	};
}
