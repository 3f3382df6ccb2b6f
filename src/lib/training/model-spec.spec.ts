import { describe, expect, it } from 'vitest';
import type { ClassificationData } from '$lib/datasets/classification-data';
import { encodeText } from '$lib/datasets/text-data';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { MODEL_DEFAULTS, modelSpecOf } from './model-spec';

const split = { inputs: new Float32Array(0), labels: new Int32Array(0), count: 0 };
const table: ClassificationData = {
	kind: 'classification',
	features: 30,
	classes: 2,
	train: split,
	val: split
};
const images: ClassificationData = { ...table, features: 64, classes: 10, image: { height: 8, width: 8 } };
const text = encodeText('abcab'.repeat(300), 'test');
const base: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, hiddenWidth: 12, depth: 2 };

describe('modelSpecOf', () => {
	it('sizes the MLP from the table and the config', () => {
		expect(modelSpecOf({ ...base, dropout: 0.25 }, table)).toEqual({
			kind: 'mlp',
			inputSize: 30,
			hiddenWidth: 12,
			depth: 2,
			classes: 2,
			dropout: 0.25
		});
	});

	it('sizes the CNN from the images, with the vocabulary defaults for unset keys', () => {
		expect(modelSpecOf({ ...base, model: 'cnn', cnnDepth: 2 }, images)).toEqual({
			kind: 'cnn',
			height: 8,
			width: 8,
			classes: 10,
			filters: MODEL_DEFAULTS.cnnWidth,
			blocks: 2,
			dropout: 0
		});
	});

	it('sizes the transformer from the text’s vocabulary', () => {
		expect(modelSpecOf({ ...base, model: 'transformer', dModel: 32, nHead: 4 }, text)).toEqual({
			kind: 'transformer',
			vocab: 3,
			contextLength: MODEL_DEFAULTS.contextLength,
			dModel: 32,
			nHead: 4,
			nLayer: MODEL_DEFAULTS.nLayer,
			dropout: 0
		});
	});

	it('names the mismatch when model and data do not fit together', () => {
		expect(() => modelSpecOf({ ...base, model: 'transformer', dataset: 'iris' }, table)).toThrow(
			'the transformer needs a text dataset, not iris'
		);
		expect(() => modelSpecOf({ ...base, dataset: 'moby-dick' }, text)).toThrow(
			'the mlp model needs a table or images, not the text moby-dick'
		);
		expect(() => modelSpecOf({ ...base, model: 'cnn', dataset: 'iris' }, table)).toThrow(
			'the cnn model needs images; iris is a table'
		);
	});
});
