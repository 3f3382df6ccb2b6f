import { describe, expect, it } from 'vitest';
import type { Study } from './study';
import { planTrials, resolveTrialConfig, toSearchSpace, trialSeed } from './study-trials';

function study(overrides: Partial<Study> = {}): Study {
	return {
		name: 'Width study',
		goal: 'Does width help?',
		workload: { dataset: 'fashion-mnist', model: 'mlp' },
		budget: { maxTrainSteps: 200, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 2 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', schedule: 'cosine', batchSize: 32 },
		search: { algorithm: 'quasi-random', trials: 6, seed: 7 },
		params: [
			{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64, 128] },
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0001, max: 0.1, scale: 'log' }
		],
		trials: [],
		...overrides
	};
}

describe('toSearchSpace', () => {
	it('hands the samplers each parameter with its role and condition', () => {
		const space = toSearchSpace([
			{ name: 'useEma', role: 'scientific', type: 'bool' },
			{
				name: 'emaDecay',
				role: 'nuisance',
				type: 'float',
				min: 0.9,
				max: 0.99,
				scale: 'linear',
				when: { useEma: [true] }
			},
			{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] }
		]);
		expect(space).toEqual({
			params: [
				{ name: 'useEma', role: 'scientific', type: 'bool' },
				{
					name: 'emaDecay',
					role: 'nuisance',
					type: 'float',
					min: 0.9,
					max: 0.99,
					scale: 'linear',
					when: { useEma: [true] }
				},
				{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] }
			]
		});
	});
});

describe('trialSeed', () => {
	it('uses a searched seed, then a fixed one, then derives one from the study seed and index', () => {
		const base = study();
		expect(trialSeed(base, 3, { seed: 11 })).toBe(11);
		expect(trialSeed({ ...base, fixed: { seed: 42 } }, 3, {})).toBe(42);
		// streamSeed(7, "trial i") for i = 0 … 3.
		expect([0, 1, 2, 3].map((i) => trialSeed(base, i, {}))).toEqual([
			176682876, 4238978055, 4140939356, 1004115590
		]);
	});
});

describe('resolveTrialConfig', () => {
	it('layers defaults, workload and budget, fixed keys and sampled values', () => {
		const config = resolveTrialConfig(study(), 0, { hiddenWidth: 128, learningRate: 0.02 });
		expect(config).toEqual({
			dataset: 'fashion-mnist',
			model: 'mlp',
			hiddenWidth: 128,
			depth: 1,
			batchSize: 32,
			maxTrainSteps: 200,
			evalEvery: 20,
			seed: 176682876,
			backend: 'auto',
			engine: 'auto',
			optimizer: 'adam',
			learningRate: 0.02,
			beta1: 0.9,
			beta2: 0.999,
			epsilon: 1e-8,
			schedule: 'cosine',
			warmupSteps: 0
		});
	});

	it("drops defaults the trial's optimizer does not read and leaves switches out of the config", () => {
		const sgd = study({ fixed: { optimizer: 'sgd', seed: 3 } });
		const config = resolveTrialConfig(sgd, 4, { useEma: true, emaDecay: 0.95, learningRate: 0.5 });
		expect(config).toEqual({
			dataset: 'fashion-mnist',
			model: 'mlp',
			hiddenWidth: 64,
			depth: 1,
			batchSize: 64,
			maxTrainSteps: 200,
			evalEvery: 20,
			seed: 3,
			backend: 'auto',
			engine: 'auto',
			optimizer: 'sgd',
			learningRate: 0.5,
			emaDecay: 0.95,
			schedule: 'constant',
			warmupSteps: 0
		});
	});
});

describe('planTrials', () => {
	it('plans search.trials trials whose configs carry their sampled values', () => {
		const trials = planTrials(study());
		expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5]);
		// The scientific parameter is shared out evenly: two trials per width.
		const perWidth: Record<string, number> = {};
		for (const { params } of trials)
			perWidth[String(params.hiddenWidth)] = (perWidth[String(params.hiddenWidth)] ?? 0) + 1;
		expect(perWidth).toEqual({ 32: 2, 64: 2, 128: 2 });
		for (const trial of trials) {
			expect(Object.keys(trial.params)).toEqual(['hiddenWidth', 'learningRate']);
			const rate = trial.params.learningRate as number;
			expect(rate).toBeGreaterThanOrEqual(0.0001);
			expect(rate).toBeLessThanOrEqual(0.1);
			expect(trial.config.learningRate).toBe(rate);
			expect(trial.config.hiddenWidth).toBe(trial.params.hiddenWidth);
			expect(trial.config.maxTrainSteps).toBe(200);
		}
		expect(new Set(trials.map((trial) => trial.config.seed)).size).toBe(6);
	});

	it('continues a study from any index with the same trials', () => {
		const all = planTrials(study());
		expect(planTrials(study(), { start: 2, count: 3 })).toEqual(all.slice(2, 5));
		expect(planTrials(study(), { start: 4 }).map((trial) => trial.index)).toEqual([4, 5]);
	});

	it('walks a grid of learning rates in order', () => {
		const sweep = study({
			fixed: { optimizer: 'adam', schedule: 'constant' },
			search: { algorithm: 'grid', trials: 4, seed: 1 },
			params: [{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [0.001, 0.01, 0.1, 1] }]
		});
		expect(planTrials(sweep).map((trial) => [trial.index, trial.params.learningRate])).toEqual([
			[0, 0.001],
			[1, 0.01],
			[2, 0.1],
			[3, 1]
		]);
	});

	it('gives each optimizer its own learning rate range', () => {
		const comparison = study({
			fixed: {},
			search: { algorithm: 'quasi-random', trials: 8, seed: 3 },
			params: [
				{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] },
				{
					name: 'learningRate',
					role: 'nuisance',
					type: 'float',
					min: 0.1,
					max: 1,
					scale: 'log',
					when: { optimizer: ['sgd'] }
				},
				{
					name: 'learningRate',
					role: 'nuisance',
					type: 'float',
					min: 0.0001,
					max: 0.001,
					scale: 'log',
					when: { optimizer: ['adam'] }
				}
			]
		});
		const trials = planTrials(comparison);
		expect(trials.filter((trial) => trial.config.optimizer === 'sgd')).toHaveLength(4);
		for (const { config } of trials) {
			const [lo, hi] = config.optimizer === 'sgd' ? [0.1, 1] : [0.0001, 0.001];
			expect(config.learningRate).toBeGreaterThanOrEqual(lo);
			expect(config.learningRate).toBeLessThanOrEqual(hi);
			expect(config.beta1 === undefined).toBe(config.optimizer === 'sgd');
		}
	});
});
