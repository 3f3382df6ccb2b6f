import { describe, expect, it } from 'vitest';
import {
	PRESETS,
	adamByTrialBudget,
	adamSearchedKeys,
	constantLearningRateSweep,
	optimizerComparison
} from './presets';
import { parseStudyFile, serializeStudy } from './study-file';
import { planTrials } from './study-trials';
import { validateStudy } from './study-validation';

/** The errors of a study after a trip through the file format (so the file form is what is checked). */
function fileErrors(study: ReturnType<typeof adamByTrialBudget>): string[] {
	const result = parseStudyFile(serializeStudy(study));
	return result.ok ? [] : result.errors.map(({ path, message }) => `${path}: ${message}`);
}

describe('presets', () => {
	it('are four, each citing the playbook and building a valid study', () => {
		expect(PRESETS.map((preset) => preset.id)).toEqual([
			'adam-by-budget',
			'constant-lr-sweep',
			'optimizer-comparison',
			'schedule-families'
		]);
		for (const preset of PRESETS) {
			expect(preset.citation, preset.id).toMatch(/^Tuning playbook/);
			expect(fileErrors(preset.build()), preset.id).toEqual([]);
			expect(
				fileErrors(preset.build({ workload: { dataset: 'fashion-mnist', model: 'mlp' }, seed: 9 }))
			).toEqual([]);
		}
	});
});

describe('Adam by trial budget', () => {
	it('searches more of Adam as the number of trials grows', () => {
		expect(adamSearchedKeys(1)).toEqual(['learningRate']);
		expect(adamSearchedKeys(9)).toEqual(['learningRate']);
		expect(adamSearchedKeys(10)).toEqual(['learningRate', 'beta1']);
		expect(adamSearchedKeys(24)).toEqual(['learningRate', 'beta1']);
		expect(adamSearchedKeys(25)).toEqual(['learningRate', 'beta1', 'epsilon']);
		expect(adamSearchedKeys(99)).toEqual(['learningRate', 'beta1', 'epsilon']);
		expect(adamSearchedKeys(100)).toEqual(['learningRate', 'beta1', 'epsilon', 'beta2']);
	});

	it('fixes what it does not search, and validates at every tier', () => {
		const small = adamByTrialBudget(8);
		expect(small.fixed).toEqual({
			optimizer: 'adam',
			schedule: 'constant',
			beta1: 0.9,
			beta2: 0.999,
			epsilon: 1e-8
		});
		expect(small.params).toEqual([
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0001, max: 0.1, scale: 'log' }
		]);
		expect(small.search).toEqual({ algorithm: 'quasi-random', trials: 8, seed: 1 });
		const fromList = PRESETS[0]?.build({ trials: 30 });
		expect(fromList?.params.map((param) => param.name)).toEqual(['learningRate', 'beta1', 'epsilon']);
		const large = adamByTrialBudget(120);
		expect(large.fixed).toEqual({ optimizer: 'adam', schedule: 'constant' });
		expect(large.params.map((param) => param.name)).toEqual(['learningRate', 'beta1', 'epsilon', 'beta2']);
		for (const trials of [1, 9, 10, 25, 100])
			expect(fileErrors(adamByTrialBudget(trials)), `${trials}`).toEqual([]);
		expect(() => adamByTrialBudget(0)).toThrow('trials must be a whole number ≥ 1, got 0');
	});
});

describe('constant learning rate sweep', () => {
	it('is a grid over three decades with a constant schedule and no regularisation', () => {
		const sweep = constantLearningRateSweep({ maxTrainSteps: 1000 });
		expect(sweep.fixed).toEqual({ optimizer: 'adam', schedule: 'constant', warmupSteps: 0, weightDecay: 0 });
		expect(sweep.objective).toEqual({ metric: 'trainLoss', goal: 'minimize' });
		expect(sweep.budget.maxTrainSteps).toBe(1000);
		expect(planTrials(sweep).map((trial) => trial.params.learningRate)).toEqual([
			0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1
		]);
	});
});

describe('optimizer comparison', () => {
	it('makes the optimizer scientific, with a learning rate per optimizer', () => {
		const study = optimizerComparison();
		expect(study.params).toEqual([
			{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['nesterov', 'adam'] },
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'float',
				min: 0.001,
				max: 0.3,
				scale: 'log',
				when: { optimizer: ['nesterov'] }
			},
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'float',
				min: 0.0001,
				max: 0.1,
				scale: 'log',
				when: { optimizer: ['adam'] }
			},
			{
				name: 'momentum',
				role: 'nuisance',
				type: 'float',
				min: 0.8,
				max: 0.99,
				scale: 'linear',
				when: { optimizer: ['nesterov'] }
			}
		]);
		expect(study.search.trials).toBe(24);
		const perOptimizer = planTrials(study).filter((trial) => trial.params.optimizer === 'adam');
		expect(perOptimizer).toHaveLength(12);
		expect(perOptimizer.every((trial) => !('momentum' in trial.params))).toBe(true);
	});

	it('validates for other sets of optimizers', () => {
		const study = optimizerComparison({
			optimizers: ['sgd', 'momentum', 'rmsprop', 'nadam'],
			trialsPerOptimizer: 3
		});
		expect(validateStudy(JSON.parse(serializeStudy(study)))).toMatchObject({ ok: true });
		expect(study.params.at(-1)).toMatchObject({ name: 'momentum', when: { optimizer: ['momentum'] } });
		expect(() => optimizerComparison({ optimizers: ['adam'] })).toThrow('compare at least two optimizers');
	});
});

describe('Schedule-family comparison preset', () => {
	it('gives each of the four families the chosen number of trials (6 by default)', () => {
		const preset = PRESETS.find((p) => p.id === 'schedule-families')!;
		expect(preset.build().search.trials).toBe(24);
		const study = preset.build({ trials: 2, maxTrainSteps: 40 });
		expect(study.search.trials).toBe(8);
		expect(study.budget.maxTrainSteps).toBe(40);
		expect(study.params[0]).toMatchObject({
			name: 'family',
			role: 'scientific',
			values: ['cosine', 'wsd', 'constant', 'schedule-free-adamw']
		});
	});
});
