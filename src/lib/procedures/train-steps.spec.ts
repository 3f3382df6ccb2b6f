import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	isTrainStepsStudy,
	logGrid,
	readTrainSteps,
	stepsToFit,
	trailingMean,
	trainStepsOptionProblems,
	trainStepsStudy,
	type SweepTrial,
	type TrainStepsOptions
} from './train-steps';

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	schedule: 'cosine',
	warmupSteps: 20,
	weightDecay: 0.01,
	dropout: 0.1,
	labelSmoothing: 0.1,
	learningRate: 0.01,
	seed: 7
};
const options: TrainStepsOptions = {
	lrMin: 1e-3,
	lrMax: 1e-1,
	trials: 5,
	algorithm: 'grid',
	steps: 400,
	backend: 'wasm'
};

function valid(study: ReturnType<typeof trainStepsStudy>) {
	const parsed = parseStudyFile(serializeStudy(study));
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return parsed.study;
}

describe('trainStepsStudy', () => {
	it('sweeps the learning rate on a log grid with a constant schedule and no regularisation', () => {
		const study = valid(trainStepsStudy(config, options));
		expect(study.fixed).toMatchObject({
			schedule: 'constant',
			warmupSteps: 0,
			backend: 'wasm',
			optimizer: 'adam'
		});
		for (const key of ['learningRate', 'weightDecay', 'dropout', 'labelSmoothing'])
			expect(study.fixed).not.toHaveProperty(key);
		expect(study.params).toEqual([
			{
				name: 'learningRate',
				role: 'scientific',
				type: 'discrete',
				values: [0.001, 0.00316, 0.01, 0.0316, 0.1]
			}
		]);
		expect(study.budget).toEqual({
			maxTrainSteps: 400,
			evalEvery: 20,
			checkpointEvery: 400,
			keepBestCheckpoints: 1
		});
		expect(study.objective).toEqual({ metric: 'trainLoss', goal: 'minimize' });
		expect(study.search).toEqual({ algorithm: 'grid', trials: 5, seed: 7 });
		expect(isTrainStepsStudy(study)).toBe(true);
	});

	it('samples log-uniformly under quasi-random search', () => {
		const study = valid(trainStepsStudy(config, { ...options, algorithm: 'quasi-random', trials: 12 }));
		expect(study.params).toEqual([
			{ name: 'learningRate', role: 'scientific', type: 'float', min: 0.001, max: 0.1, scale: 'log' }
		]);
		expect(study.search.trials).toBe(12);
	});

	it('names the problems with the options', () => {
		expect(trainStepsOptionProblems(options)).toEqual([]);
		expect(
			trainStepsOptionProblems({ ...options, lrMin: 0.1, lrMax: 0.01, trials: 2, steps: 5 })
		).toHaveLength(3);
	});
});

describe('reading the sweep', () => {
	it('logGrid spaces evenly in log', () => {
		expect(logGrid(1e-4, 1e-1, 4)).toEqual([0.0001, 0.001, 0.01, 0.1]);
	});

	it('smooths by a trailing mean and finds the first step at or below the target', () => {
		const pts = [4, 2, 0, 2, 0].map((value, step) => ({ step, value }));
		expect(trailingMean(pts, 2).map((p) => p.value)).toEqual([4, 3, 1, 1, 1]);
		// A single batch at 0 does not count: the mean of the last 2 must reach the target.
		expect(stepsToFit(pts, 1, 2)).toBe(2);
		expect(stepsToFit(pts, 0.5, 2)).toBeNull();
	});

	// Loss falls from 2 by `rate` per step (floored at 0).
	const curve = (rate: number, steps = 100) =>
		Array.from({ length: steps }, (_, step) => ({ step, value: Math.max(0, 2 - rate * step) }));
	const trial = (index: number, learningRate: number, rate: number, status = 'completed'): SweepTrial => ({
		index,
		learningRate,
		status,
		trainLoss: curve(rate)
	});

	it('reports the fastest trial to fit and no edge warning when the best rate is inside the range', () => {
		// Target: 5% of the initial loss 2 = 0.1. With rate 0.05 the loss is 0 from step 40 on.
		const trials = [
			trial(0, 0.001, 0.005),
			trial(1, 0.003, 0.01),
			trial(2, 0.01, 0.05),
			trial(3, 0.03, 0.02),
			trial(4, 0.1, 0, 'infeasible')
		];
		const reading = readTrainSteps(trials);
		const fit = reading.rows.find((r) => r.index === 2)!;
		expect(fit.target).toBeCloseTo(0.1, 12);
		// Mean of the last 10 values. Step 43: steps 34..43 are 0.3, 0.25, …, 0.05, 0, 0, 0, 0 → sum 1.05 →
		// 0.105 > 0.1; step 44: 0.25 + … + 0.05 + 0 × 5 = 0.75 → 0.075 ≤ 0.1.
		expect(fit.fitStep).toBe(44);
		expect(reading.fastest?.index).toBe(2);
		expect(reading.rows.find((r) => r.index === 0)!.fitStep).toBeNull();
		expect(reading.rows.find((r) => r.index === 4)!.rank).toBe(5);
		// Top 3 of the feasible trials: lr 0.01 (fitted), 0.03 (final mean 0.11), 0.003; none at 0.001 or 0.1.
		expect(reading.edge).toBeNull();
		expect(reading.text).toContain('step 44');
	});

	it('warns when one of the top trials used the highest rate sampled', () => {
		const trials = [
			trial(0, 0.001, 0.005),
			trial(1, 0.003, 0.01),
			trial(2, 0.01, 0.02),
			trial(3, 0.03, 0.05)
		];
		const reading = readTrainSteps(trials);
		expect(reading.fastest?.learningRate).toBe(0.03);
		expect(reading.edge).toEqual({ side: 'high', rank: 1, learningRate: 0.03 });
		expect(reading.edgeText).toContain('highest');
	});

	it('says so when no trial fits', () => {
		const reading = readTrainSteps([trial(0, 0.001, 0.001), trial(1, 0.01, 0.002)]);
		expect(reading.fastest).toBeNull();
		expect(reading.text).toContain('No trial');
		expect(reading.edge).toEqual({ side: 'high', rank: 1, learningRate: 0.01 });
	});
});
