import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_NAMES, validateScheduleConfig } from '../math/schedule-config';
import { MODEL_DEFAULTS } from '$lib/training/model-spec';
import {
	CONFIG_KEYS,
	CONFIG_VOCABULARY,
	MODEL_KEY_DEFAULTS,
	VOCABULARY_TABLE_HEADER,
	checkConfigValue,
	configKeySpec,
	describeRule,
	describeUsers,
	isConfigKey,
	modelReads,
	numberFits,
	vocabularyTableRows,
	type ConfigKey
} from './config-vocabulary';

const doc = readFileSync(new URL('../../../docs/study-format.md', import.meta.url), 'utf8');

describe('the configuration vocabulary', () => {
	it('has one entry per key, in the documented order', () => {
		expect(CONFIG_VOCABULARY.map((spec) => spec.key)).toEqual([...CONFIG_KEYS]);
		expect(CONFIG_KEYS).toHaveLength(33);
		expect(isConfigKey('learningRate')).toBe(true);
		expect(isConfigKey('maxTrainSteps')).toBe(false);
		expect(isConfigKey('toString')).toBe(false);
	});

	it('describes value rules in words', () => {
		expect(describeRule(configKeySpec('beta1').rule)).toBe('a number in [0, 1)');
		expect(describeRule(configKeySpec('learningRate').rule)).toBe('a number > 0');
		expect(describeRule(configKeySpec('weightDecay').rule)).toBe('a number ≥ 0');
		expect(describeRule(configKeySpec('cooldownFraction').rule)).toBe('a number in (0, 1]');
		expect(describeRule(configKeySpec('depth').rule)).toBe('an integer in [0, 16]');
		expect(describeRule(configKeySpec('swaEvery').rule)).toBe('an integer ≥ 1');
		expect(describeRule(configKeySpec('cooldownShape').rule)).toBe('one of linear, 1-sqrt, cosine, square');
	});

	it('checks single values against their key', () => {
		expect(checkConfigValue('learningRate', 0.01)).toBeUndefined();
		expect(checkConfigValue('beta1', 0)).toBeUndefined();
		expect(checkConfigValue('beta1', 1)).toBe('expected a number in [0, 1), got 1');
		expect(checkConfigValue('learningRate', 0)).toBe('expected a number > 0, got 0');
		expect(checkConfigValue('hiddenWidth', 1.5)).toBe('expected an integer in [1, 4096], got 1.5');
		expect(checkConfigValue('hiddenWidth', '64')).toBe('expected an integer in [1, 4096], got "64"');
		expect(checkConfigValue('optimizer', 'adamw')).toBe(
			'expected one of sgd, momentum, nesterov, rmsprop, adam, nadam, schedule-free-adamw, schedule-free-sgd, got "adamw"'
		);
		expect(checkConfigValue('seed', 4294967296)).toBe(
			'expected an integer in [0, 4294967295], got 4294967296'
		);
		expect(numberFits(configKeySpec('cooldownFraction').rule, 1)).toBe(true);
		expect(numberFits(configKeySpec('cooldownFraction').rule, 0)).toBe(false);
	});

	it('says which optimizers read each optimizer hyperparameter', () => {
		const readers = Object.fromEntries(
			CONFIG_VOCABULARY.filter((spec) => spec.optimizers).map((spec) => [spec.key, spec.optimizers])
		);
		expect(readers).toEqual({
			momentum: ['momentum', 'nesterov', 'rmsprop', 'schedule-free-sgd'],
			rho: ['rmsprop'],
			beta1: ['adam', 'nadam', 'schedule-free-adamw'],
			beta2: ['adam', 'nadam', 'schedule-free-adamw'],
			epsilon: ['rmsprop', 'adam', 'nadam', 'schedule-free-adamw']
		});
	});

	it('says which models read each model key, and that every model reads the regularisers', () => {
		const readers = Object.fromEntries(
			CONFIG_VOCABULARY.filter((spec) => spec.models).map((spec) => [spec.key, spec.models])
		);
		expect(readers).toEqual({
			hiddenWidth: ['mlp'],
			depth: ['mlp'],
			cnnWidth: ['cnn'],
			cnnDepth: ['cnn'],
			nLayer: ['transformer'],
			nHead: ['transformer'],
			dModel: ['transformer'],
			contextLength: ['transformer']
		});
		expect(modelReads('cnn', 'cnnDepth')).toBe(true);
		expect(modelReads('mlp', 'cnnDepth')).toBe(false);
		expect(modelReads('transformer', 'dropout')).toBe(true);
		expect(describeUsers(configKeySpec('nHead'))).toBe('model: transformer');
		expect(describeUsers(configKeySpec('labelSmoothing'))).toBe('every model');
		expect(configKeySpec('dropout').group).toBe('regularisation');
		expect(configKeySpec('contextLength').group).toBe('model');
	});

	it('bounds the model keys and shows the defaults the trainer uses', () => {
		expect(checkConfigValue('cnnDepth', 0)).toBe('expected an integer in [1, 4], got 0');
		expect(checkConfigValue('cnnDepth', 4)).toBeUndefined();
		expect(checkConfigValue('dModel', 1025)).toBe('expected an integer in [1, 1024], got 1025');
		expect(checkConfigValue('nLayer', 13)).toBe('expected an integer in [1, 12], got 13');
		expect(checkConfigValue('nHead', 17)).toBe('expected an integer in [1, 16], got 17');
		expect(checkConfigValue('contextLength', 513)).toBe('expected an integer in [1, 512], got 513');
		expect(checkConfigValue('cnnWidth', 257)).toBe('expected an integer in [1, 256], got 257');
		expect(checkConfigValue('dropout', 1)).toBe('expected a number in [0, 1), got 1');
		expect(checkConfigValue('labelSmoothing', 0)).toBeUndefined();
		expect(MODEL_KEY_DEFAULTS).toEqual(MODEL_DEFAULTS);
		for (const [key, value] of Object.entries(MODEL_KEY_DEFAULTS)) {
			expect(configKeySpec(key as ConfigKey).defaultText, key).toBe(String(value));
		}
	});

	it('agrees with the schedule validator on which schedules read each key', () => {
		const samples: Partial<Record<ConfigKey, number | string>> = {
			warmupSteps: 1,
			cooldownSteps: 2,
			cooldownFraction: 0.5,
			cooldownShape: 'square',
			finalLrFraction: 0.1,
			rsqrtTimescale: 100
		};
		for (const [key, value] of Object.entries(samples) as [ConfigKey, number | string][]) {
			const spec = configKeySpec(key);
			for (const schedule of SCHEDULE_NAMES) {
				const accepted = validateScheduleConfig({ schedule, learningRate: 0.1, [key]: value }).ok;
				expect(accepted, `${key} with ${schedule}`).toBe(spec.schedules?.includes(schedule) ?? true);
			}
		}
	});
});

describe('docs/study-format.md', () => {
	it('mentions every vocabulary key', () => {
		for (const key of CONFIG_KEYS) expect(doc, key).toContain(`\`${key}\``);
	});

	it('holds the vocabulary table as the code describes it', () => {
		const start = doc.indexOf('<!-- vocabulary:start -->');
		const end = doc.indexOf('<!-- vocabulary:end -->');
		expect(start).toBeGreaterThan(-1);
		expect(end).toBeGreaterThan(start);
		const rows = doc
			.slice(start, end)
			.split('\n')
			.filter((line) => line.startsWith('|'))
			.map((line) =>
				line
					.slice(1, -1)
					.split('|')
					.map((cell) => cell.trim())
			);
		expect(rows[0]).toEqual([...VOCABULARY_TABLE_HEADER]);
		// Rows 2… after the separator; the message shows the expected rows when the doc is stale.
		expect(rows.slice(2)).toEqual(vocabularyTableRows());
		expect(rows.slice(2).map((row) => row[0])).toEqual(CONFIG_KEYS.map((key) => `\`${key}\``));
	});

	it('documents the ranges of a few keys in the words of the table', () => {
		expect(doc).toMatch(
			/\| `beta1` +\| optimizer +\| a number in \[0, 1\) +\| 0\.9 +\| optimizer: adam, nadam, schedule-free-adamw +\|/
		);
		expect(doc).toMatch(
			/\| `cooldownShape` +\| schedule +\| one of linear, 1-sqrt, cosine, square +\| linear +\|/
		);
	});
});
