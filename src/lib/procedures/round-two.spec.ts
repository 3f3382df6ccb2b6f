import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import type { Study } from '../study/study';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	branchPoints,
	cooldownBranchStudy,
	factorProblems,
	pickBestTrial,
	roundTwoStudy,
	type RoundTwoSource
} from './round-two';

const budget = { maxTrainSteps: 1000, evalEvery: 50, checkpointEvery: 500, keepBestCheckpoints: 2 };
const source = (config: Partial<TrialConfig>): RoundTwoSource => ({
	studyName: 'Round 1',
	index: 2,
	config: { ...DEFAULT_TRIAL_CONFIG, maxTrainSteps: 1000, evalEvery: 50, seed: 5, ...config },
	budget,
	objective: { metric: 'valLoss', goal: 'minimize' }
});

function valid(study: Study): Study {
	const parsed = parseStudyFile(serializeStudy(study));
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return parsed.study;
}

describe('roundTwoStudy', () => {
	it('wsd: keeps the cooldown in steps (from the fraction) and lengthens the constant phase', () => {
		const study = valid(
			roundTwoStudy(
				source({ schedule: 'wsd', warmupSteps: 50, cooldownFraction: 0.2, cooldownShape: '1-sqrt' }),
				4
			)
		);
		expect(study.budget).toEqual({
			maxTrainSteps: 4000,
			evalEvery: 50,
			checkpointEvery: 500,
			keepBestCheckpoints: 2
		});
		expect(study.fixed).toMatchObject({
			schedule: 'wsd',
			warmupSteps: 50,
			cooldownSteps: 200,
			cooldownShape: '1-sqrt'
		});
		expect(study.fixed).not.toHaveProperty('cooldownFraction');
		expect(study.goal).toContain('200-step cooldown is kept');
		expect(study.params).toEqual([]);
		expect(study.search).toEqual({ algorithm: 'grid', trials: 1, seed: 5 });
	});

	it('linear: the same decay length after a longer constant phase, written as wsd', () => {
		const study = valid(
			roundTwoStudy(source({ schedule: 'linear', warmupSteps: 100, finalLrFraction: 0.1 }), 2, 'wasm')
		);
		expect(study.budget.maxTrainSteps).toBe(2000);
		expect(study.fixed).toMatchObject({
			schedule: 'wsd',
			warmupSteps: 100,
			cooldownSteps: 900,
			cooldownShape: 'linear',
			finalLrFraction: 0.1,
			learningRate: 0.003,
			backend: 'wasm'
		});
	});

	it('cosine: the same base rate over a longer horizon', () => {
		const study = valid(roundTwoStudy(source({ schedule: 'cosine', learningRate: 0.01 }), 2));
		expect(study.budget.maxTrainSteps).toBe(2000);
		expect(study.fixed).toMatchObject({ schedule: 'cosine', learningRate: 0.01 });
		expect(study.goal).toContain('from 1000 to 2000 steps');
	});

	it('refuses factors outside (1, 16]', () => {
		expect(factorProblems(2)).toEqual([]);
		expect(factorProblems(1)).toHaveLength(1);
		expect(factorProblems(32)).toHaveLength(1);
	});
});

describe('cooldownBranchStudy', () => {
	it('branches points at every multiple of the old length', () => {
		expect(branchPoints(4)).toEqual([0.25, 0.5, 0.75, 1]);
		expect(branchPoints(2)).toEqual([0.5, 1]);
	});

	it('runs constant for factor × the steps, branching cooldowns as long as the old decay', () => {
		const study = valid(
			cooldownBranchStudy(
				source({ schedule: 'wsd', warmupSteps: 50, cooldownSteps: 200, cooldownShape: 'cosine' }),
				4
			)
		);
		expect(study.budget.maxTrainSteps).toBe(4000);
		expect(study.fixed).toMatchObject({ schedule: 'constant', warmupSteps: 50 });
		expect(study.fixed).not.toHaveProperty('cooldownSteps');
		expect(study.cooldownBranches).toEqual({ at: [0.25, 0.5, 0.75, 1], length: 0.05, shape: 'cosine' });
	});

	it('uses 20% of the old run as the cooldown when the old run had no decay', () => {
		const study = valid(cooldownBranchStudy(source({ schedule: 'constant' }), 2));
		expect(study.cooldownBranches).toEqual({ at: [0.5, 1], length: 0.1, shape: 'linear' });
	});
});

describe('pickBestTrial', () => {
	const metrics = (values: number[]) => ({
		train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
		evals: values.map((valLoss, i) => ({ step: i * 10, valLoss, valAccuracy: 0 }))
	});
	it('takes the best value over training among completed trials', () => {
		const trials = [
			{ status: 'completed' as const, metrics: metrics([1, 0.5, 0.8]), index: 0 },
			{ status: 'completed' as const, metrics: metrics([1, 0.6]), index: 1 },
			{ status: 'infeasible' as const, metrics: metrics([0.1]), index: 2 }
		];
		expect(pickBestTrial({ objective: { metric: 'valLoss', goal: 'minimize' } }, trials)?.index).toBe(0);
		expect(pickBestTrial({ objective: { metric: 'valLoss', goal: 'minimize' } }, [])).toBeNull();
	});
});
