// Builds the model a trial configuration names, sized for the data it will train on.
import type { TrainingData } from '$lib/datasets/classification-data';
import { MODEL_KEY_DEFAULTS } from '$lib/study/config-vocabulary';
import type { TrialConfig } from '$lib/study/trial-config';
import { createCnn } from './cnn';
import { createMlp } from './mlp';
import type { Model } from './model';
import { createTransformer } from './transformer';

/** Defaults of the optional model keys (the vocabulary documents them). */
export const MODEL_DEFAULTS = MODEL_KEY_DEFAULTS;

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

export function createModel(config: TrialConfig, data: TrainingData, seed: number): Model {
	const dropout = config.dropout ?? 0;
	if (config.model === 'transformer') {
		if (data.kind !== 'text') throw new Error(`the transformer needs a text dataset, not ${config.dataset}`);
		return createTransformer({ ...transformerShapeOf(config, data.vocab.length), dropout }, seed);
	}
	if (data.kind !== 'classification') {
		throw new Error(`the ${config.model} model needs a table or images, not the text ${config.dataset}`);
	}
	if (config.model === 'cnn') {
		if (!data.image) throw new Error(`the cnn model needs images; ${config.dataset} is a table`);
		return createCnn(
			{
				height: data.image.height,
				width: data.image.width,
				classes: data.classes,
				filters: config.cnnWidth ?? MODEL_DEFAULTS.cnnWidth,
				blocks: config.cnnDepth ?? MODEL_DEFAULTS.cnnDepth,
				dropout
			},
			seed
		);
	}
	return createMlp(
		{
			inputSize: data.features,
			hiddenWidth: config.hiddenWidth,
			depth: config.depth,
			classes: data.classes,
			dropout
		},
		seed
	);
}
