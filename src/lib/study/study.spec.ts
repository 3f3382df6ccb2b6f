import { describe, expect, it } from 'vitest';
import { IMAGE_DATASETS } from '$lib/datasets/registry';
import { IMAGE_SIDES, WORKLOADS, describeValidPairs, isDatasetId, maxCnnDepth, modelsFor } from './study';
import { DATASET_NAMES } from './trial-config';

const HASH = 'f'.repeat(64);

describe('workloads', () => {
	it('list every bundled dataset once, with its models', () => {
		expect(WORKLOADS.map((w) => w.dataset)).toEqual([...DATASET_NAMES]);
		expect(modelsFor('digits')).toEqual(['mlp', 'cnn']);
		expect(modelsFor('fashion-mnist')).toEqual(['mlp', 'cnn']);
		expect(modelsFor('moby-dick')).toEqual(['transformer']);
		expect(modelsFor('wine')).toEqual(['mlp']);
		expect(modelsFor('titanic')).toBeUndefined();
	});

	it('give user data the models of its kind', () => {
		expect(modelsFor(`csv:${HASH}`)).toEqual(['mlp']);
		expect(modelsFor(`text:${HASH}`)).toEqual(['transformer']);
		expect(modelsFor(`idx:${HASH}`)).toEqual(['mlp', 'cnn']);
		expect(modelsFor(`idx:${HASH.slice(1)}`)).toBeUndefined();
		expect(modelsFor(`idx:${HASH.toUpperCase()}`)).toBeUndefined();
		expect(modelsFor(`tsv:${HASH}`)).toBeUndefined();
	});

	it('tell user dataset ids from other text', () => {
		expect(isDatasetId('iris')).toBe(true);
		expect(isDatasetId(`text:${HASH}`)).toBe(true);
		expect(isDatasetId(`text:${HASH} `)).toBe(false);
		expect(isDatasetId('titanic')).toBe(false);
		expect(isDatasetId(`csv:${HASH}`)).toBe(true);
		expect(isDatasetId('csv:')).toBe(false);
	});

	it('describe every valid pair in one line', () => {
		expect(describeValidPairs()).toBe(
			'digits: mlp, cnn; fashion-mnist: mlp, cnn; moby-dick: transformer; breast-cancer: mlp; iris: mlp; ' +
				'wine: mlp; csv:<sha256>: mlp; text:<sha256>: transformer; idx:<sha256>: mlp, cnn'
		);
	});

	it('know the image sizes of the registry and how many conv blocks each allows', () => {
		for (const spec of Object.values(IMAGE_DATASETS)) {
			expect(spec.height, spec.name).toBe(spec.width);
			expect(IMAGE_SIDES[spec.name], spec.name).toBe(spec.height);
		}
		expect(maxCnnDepth(8)).toBe(3);
		expect(maxCnnDepth(28)).toBe(4);
		expect(maxCnnDepth(1)).toBe(0);
		expect(maxCnnDepth(2)).toBe(1);
	});
});
