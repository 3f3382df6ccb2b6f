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
});
