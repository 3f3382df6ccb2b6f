// The compiled engine's model for a trial configuration and the data it trains on: the same choice,
// sizes and defaults as the TF.js engine's createModel, as plain data.
import type { TrainingData } from '$lib/datasets/classification-data';
import { MODEL_KEY_DEFAULTS } from '$lib/study/config-vocabulary';
import type { TrialConfig } from '$lib/study/trial-config';
import type { ModelSpec } from './models';

export function modelSpecOf(config: TrialConfig, data: TrainingData): ModelSpec {
	if (config.model === 'transformer') {
		if (data.kind !== 'text') throw new Error(`the transformer needs a text dataset, not ${config.dataset}`);
		return {
			kind: 'transformer',
			vocab: data.vocab.length,
			contextLength: config.contextLength ?? MODEL_KEY_DEFAULTS.contextLength,
			dModel: config.dModel ?? MODEL_KEY_DEFAULTS.dModel,
			nHead: config.nHead ?? MODEL_KEY_DEFAULTS.nHead,
			nLayer: config.nLayer ?? MODEL_KEY_DEFAULTS.nLayer
		};
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
			filters: config.cnnWidth ?? MODEL_KEY_DEFAULTS.cnnWidth,
			blocks: config.cnnDepth ?? MODEL_KEY_DEFAULTS.cnnDepth
		};
	}
	return {
		kind: 'mlp',
		inputSize: data.features,
		hiddenWidth: config.hiddenWidth,
		depth: config.depth,
		classes: data.classes
	};
}
