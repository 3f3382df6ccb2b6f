import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	earlyInstabilityStudy,
	earlyOptionProblems,
	isEarlyInstabilityStudy,
	logStepPlot,
	lossInstability,
	type EarlySource
} from './early-instability';

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	schedule: 'cosine',
	warmupSteps: 10,
	finalLrFraction: 0.1,
	learningRate: 0.003,
	seed: 3
};
const source: EarlySource = {
	studyName: 'Round 1',
	index: 4,
	config,
	objective: { metric: 'valLoss', goal: 'minimize' }
};

describe('earlyInstabilityStudy', () => {
	it('doubles the rate, keeps the warmup with a constant schedule and evaluates every step', () => {
		const study = earlyInstabilityStudy(source, { steps: 500, factor: 2, backend: 'wasm' });
		const parsed = parseStudyFile(serializeStudy(study));
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
		expect(parsed.study.budget).toEqual({
			maxTrainSteps: 500,
			evalEvery: 1,
			checkpointEvery: 500,
			keepBestCheckpoints: 1
		});
		expect(parsed.study.fixed).toMatchObject({
			learningRate: 0.006,
			schedule: 'constant',
			warmupSteps: 10,
			seed: 3,
			backend: 'wasm'
		});
		expect(parsed.study.fixed).not.toHaveProperty('finalLrFraction');
		expect(parsed.study.params).toEqual([]);
		expect(parsed.study.search).toEqual({ algorithm: 'grid', trials: 1, seed: 3 });
		expect(isEarlyInstabilityStudy(parsed.study)).toBe(true);
	});

	it('refuses a run no longer than the warmup', () => {
		expect(earlyOptionProblems({ steps: 500, factor: 2, backend: 'auto' }, source)).toEqual([]);
		expect(earlyOptionProblems({ steps: 10, factor: 2, backend: 'auto' }, source)).toHaveLength(1);
		expect(earlyOptionProblems({ steps: 5, factor: 0, backend: 'auto' })).toHaveLength(2);
	});
});

const pts = (values: (number | null)[]) => values.map((value, step) => ({ step, value }));

describe('lossInstability', () => {
	it('calls a falling curve with small noise stable', () => {
		expect(lossInstability(pts([2.3, 2.0, 1.6, 1.7, 1.2, 1.1])).kind).toBe('stable');
	});

	it('finds a spike that recovers', () => {
		// Lowest before the rise is 1.0; 1.6 > 1.5 × 1.0 and 0.6 ≥ 0.05 × 2.
		const r = lossInstability(pts([2, 1.5, 1.0, 1.6, 2.4, 1.2, 0.9]));
		expect(r).toMatchObject({ kind: 'recovered', step: 3, before: 1.0, peak: 2.4 });
	});

	it('calls a spike that stays up, or a non-finite loss, diverged', () => {
		expect(lossInstability(pts([2, 1, 0.8, 1.5, 2.2, 2.3]))).toMatchObject({ kind: 'diverged', step: 3 });
		expect(lossInstability(pts([2, 1, null]))).toMatchObject({ kind: 'diverged', step: 2 });
		expect(lossInstability(pts([2, 1, Number.NaN]))).toMatchObject({ kind: 'diverged', step: 2 });
	});

	it('ignores tiny rises of an almost-zero loss', () => {
		// 0.02 is 2 × 0.01, but the rise (0.01) is below 5% of the initial loss 2.
		expect(lossInstability(pts([2, 0.5, 0.01, 0.02, 0.01])).kind).toBe('stable');
	});
});

describe('logStepPlot', () => {
	it('starts the axis at step 1 and places decades evenly', () => {
		const plot = logStepPlot(
			[{ name: 'valLoss', points: pts([3, 2, 1, ...Array(97).fill(0.5)]) }],
			2,
			400,
			200
		);
		expect(plot.xTicks.map((t) => t.label)).toEqual(['1', '10']);
		const left = plot.margin.left;
		const right = 400 - plot.margin.right;
		expect(plot.xTicks[0]!.x).toBeCloseTo(left, 9);
		// Steps 1…99: step 10 sits at log(10)/log(99) of the width.
		expect(plot.xTicks[1]!.x).toBeCloseTo(left + ((right - left) * 1) / Math.log10(99), 6);
		expect(plot.paths[0]!.d.startsWith(`M${left.toFixed(1)},`)).toBe(true);
		expect(plot.paths[0]!.d.match(/[ML]/g)).toHaveLength(99);
		expect(plot.marker?.step).toBe(2);
	});

	it('breaks the line at non-finite values', () => {
		const plot = logStepPlot([{ name: 'valLoss', points: pts([3, 2, null, 1]) }]);
		expect(plot.paths[0]!.d.match(/M/g)).toHaveLength(2);
	});
});
