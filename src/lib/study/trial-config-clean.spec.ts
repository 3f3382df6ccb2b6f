import { describe, expect, it } from 'vitest';
import { checkTrialConfig, cleanTrialConfig } from './trial-config-clean';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from './trial-config';

describe('cleanTrialConfig', () => {
	it('drops hyperparameters of other optimizers and keys of other schedules', () => {
		const stale: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			optimizer: 'momentum',
			momentum: 0.8,
			rho: 0.5,
			schedule: 'cosine',
			cooldownShape: 'square',
			finalLrFraction: 0.1
		};
		const clean = cleanTrialConfig(stale);
		expect(clean.momentum).toBe(0.8);
		expect(clean.finalLrFraction).toBe(0.1);
		for (const key of ['rho', 'beta1', 'beta2', 'epsilon', 'cooldownShape'] as const)
			expect(clean[key]).toBeUndefined();
	});

	it('drops the keys of other models and keeps those of the chosen one', () => {
		const stale: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			cnnWidth: 32,
			cnnDepth: 3,
			nLayer: 4,
			nHead: 2,
			dModel: 32,
			contextLength: 16,
			dropout: 0.1,
			labelSmoothing: 0.05
		};
		const cnn = cleanTrialConfig({ ...stale, dataset: 'fashion-mnist', model: 'cnn' });
		expect(cnn).toMatchObject({ cnnWidth: 32, cnnDepth: 3, dropout: 0.1, labelSmoothing: 0.05 });
		for (const key of ['nLayer', 'nHead', 'dModel', 'contextLength'] as const)
			expect(key in cnn, key).toBe(false);
		const transformer = cleanTrialConfig({ ...stale, dataset: 'moby-dick', model: 'transformer' });
		expect(transformer).toMatchObject({ nLayer: 4, nHead: 2, dModel: 32, contextLength: 16, dropout: 0.1 });
		expect('cnnWidth' in transformer || 'cnnDepth' in transformer).toBe(false);
		const mlp = cleanTrialConfig(stale);
		for (const key of ['cnnWidth', 'cnnDepth', 'nLayer', 'nHead', 'dModel', 'contextLength'] as const)
			expect(key in mlp, key).toBe(false);
		// The MLP's own keys are required fields of every configuration, so they stay.
		expect(transformer.hiddenWidth).toBe(DEFAULT_TRIAL_CONFIG.hiddenWidth);
	});

	it('treats empty form fields as absent', () => {
		const clean = cleanTrialConfig({
			...DEFAULT_TRIAL_CONFIG,
			gradClipNorm: null as unknown as number,
			emaDecay: Number.NaN
		});
		expect('gradClipNorm' in clean).toBe(false);
		expect('emaDecay' in clean).toBe(false);
	});
});

describe('checkTrialConfig', () => {
	it('accepts the default trial', () => {
		expect(checkTrialConfig(DEFAULT_TRIAL_CONFIG)).toEqual([]);
	});

	it('names each bad key', () => {
		const problems = checkTrialConfig({
			...DEFAULT_TRIAL_CONFIG,
			beta1: 1,
			batchSize: 0,
			schedule: 'wsd',
			warmupSteps: 400,
			gradClipNorm: -1
		});
		expect(problems.some((p) => p.startsWith('beta1: expected a number in [0, 1), got 1'))).toBe(true);
		expect(problems.some((p) => p.startsWith('batchSize:'))).toBe(true);
		expect(problems.some((p) => p.startsWith('gradClipNorm:'))).toBe(true);
		expect(problems.some((p) => /warmup/i.test(p))).toBe(true);
	});

	it('checks the model keys and that nHead divides dModel', () => {
		const transformer: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, dataset: 'moby-dick', model: 'transformer' };
		expect(checkTrialConfig({ ...transformer, nHead: 8, dModel: 128 })).toEqual([]);
		expect(checkTrialConfig({ ...transformer, nHead: 3 })).toEqual(['nHead: 3 does not divide dModel 64']);
		expect(checkTrialConfig({ ...transformer, dropout: 1, contextLength: 0 })).toEqual([
			'contextLength: expected an integer in [1, 512], got 0',
			'dropout: expected a number in [0, 1), got 1'
		]);
		// Keys of another model are dropped before the check.
		expect(checkTrialConfig({ ...DEFAULT_TRIAL_CONFIG, nHead: 3, cnnDepth: 9 })).toEqual([]);
	});
});
