import { describe, expect, it } from 'vitest';
import { syntheticStudy } from '../../testing/synthetic-study';
import type { MetricBatch } from '../../study/metrics';
import { DASHES, lineStyle } from './study-curves-canvas';
import {
	STOPPED_COLOR,
	averagedMetric,
	bestTrials,
	chartScales,
	lastPoint,
	metricRows,
	nearestCurve,
	pixelPath,
	projectCurves,
	rankColor,
	rankTrials,
	studyCurves,
	trialColors,
	INFEASIBLE_COLOR,
	UNRANKED_COLOR,
	type PixelCurve,
	type StudyCurve
} from './study-curves';

/** Four trials with flat curves at known levels: trial 2 best, trial 3 diverges at step 40. */
function levelStudy() {
	const level = [0.8, 0.5, 0.2, 0.6];
	const study = syntheticStudy(
		level.map((v, i) => ({
			params: { learningRate: 0.001 * (i + 1), weightDecay: 0.01 },
			...(i === 3 ? { status: 'infeasible' as const, stoppedAt: 50, reason: 'diverged' } : {}),
			trainLoss: (t: number) => (i === 3 && t >= 40 ? NaN : v + 0.1),
			valLoss: (t: number) => (i === 3 && t >= 40 ? NaN : i === 3 ? 0.01 : v)
		})),
		{ maxTrainSteps: 100, evalEvery: 10 }
	);
	return study;
}

const valLoss = { metric: 'valLoss', reduce: 'best' as const };

function curve(
	partial: Partial<Omit<StudyCurve, 'steps'>> & { steps: number[]; values: number[] }
): StudyCurve {
	const { steps, values, ...rest } = partial;
	return {
		key: 'c',
		trial: 0,
		kind: 'main',
		label: 'x',
		infeasible: false,
		steps: Float64Array.from(steps),
		raw: Float64Array.from(values),
		smooth: Float64Array.from(values),
		...rest
	};
}

describe('metric rows and curves', () => {
	it('keeps non-finite values as NaN (lines break there) and skips evaluation rows without the key', () => {
		const m = {
			train: { step: [0, 1, 2], loss: [1, null, 3], lr: [], gradNorm: [], clipped: [] },
			evals: [
				{ step: 0, valLoss: 1, valAccuracy: 0.1 },
				{ step: 5, valLoss: 0.5, valAccuracy: 0.2, swaValLoss: 0.4 }
			]
		} as unknown as MetricBatch;
		const train = metricRows(m, 'trainLoss');
		expect([...train.steps]).toEqual([0, 1, 2]);
		expect([...train.values]).toEqual([1, NaN, 3]);
		const swa = metricRows(m, 'swaValLoss');
		expect([...swa.steps, ...swa.values]).toEqual([5, 0.4]);
	});

	it('names the averaged-weight version of validation metrics only', () => {
		expect(averagedMetric('valLoss', 'ema')).toBe('emaValLoss');
		expect(averagedMetric('valAccuracy', 'swa')).toBe('swaValAccuracy');
		expect(averagedMetric('trainLoss', 'ema')).toBeNull();
		expect(averagedMetric('emaValLoss', 'ema')).toBeNull();
	});

	it('builds one main curve per trial, EMA curves where logged, and smooths before anything else', () => {
		const study = levelStudy();
		study.trials[0]!.metrics!.evals.forEach((row, i) => (row.emaValLoss = 1 + i));
		const curves = studyCurves(study, { metric: 'valLoss', beta: 0.5 });
		expect(curves.map((c) => c.key)).toEqual(['t0', 't0-ema', 't1', 't2', 't3']);
		const ema = curves[1]!;
		expect(ema.kind).toBe('ema');
		// Labels (read out on hover) in words, not the study file's code names.
		expect(curves[0]!.label).toBe('validation loss');
		expect(ema.label).toBe('validation loss, EMA weights');
		// Debiased: the first point is the raw one, the second (1·0.25 + 2·0.5) / 0.75.
		expect(ema.smooth[0]).toBe(1);
		expect(ema.smooth[1]).toBeCloseTo(1.25 / 0.75, 12);
		expect(curves[4]!.infeasible).toBe(true);
		// Evaluations at steps 0, 10, …: 0.01 until step 30, non-finite from step 40.
		expect(curves[4]!.raw[3]).toBe(0.01);
		expect(curves[4]!.raw[4]).toBeNaN();
	});

	it('draws a branch from its parent’s row at the branch point, smoothed as the parent’s continuation', () => {
		const study = levelStudy();
		const branch: MetricBatch = {
			train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
			evals: [
				{ step: 60, valLoss: 0.1, valAccuracy: 0.9 },
				{ step: 70, valLoss: 0.1, valAccuracy: 0.9 }
			]
		};
		study.trials[1]!.branches = [
			{ fromStep: 50, length: 20, shape: 'linear', finalFraction: 0, status: 'completed', metrics: branch }
		];
		const curves = studyCurves(study, { metric: 'valLoss', beta: 0.5 });
		const b = curves.find((c) => c.kind === 'branch')!;
		expect(b.key).toBe('t1-b0');
		expect(b.label).toBe('validation loss, cooldown branch from step 50 (20 steps, linear)');
		expect(b.fromStep).toBe(50);
		expect([...b.steps]).toEqual([50, 60, 70]);
		// The parent is flat at 0.5, so its smoothed value at step 50 is 0.5; the branch then mixes in 0.1.
		expect(b.smooth[0]).toBeCloseTo(0.5, 12);
		expect(b.smooth[1]!).toBeLessThan(0.5);
		expect(b.smooth[1]!).toBeGreaterThan(0.1);
	});
});

describe('ranking', () => {
	it('ranks feasible trials by the objective, best first; infeasible last, never ranked', () => {
		const study = levelStudy();
		const ranking = rankTrials(study.trials, valLoss);
		// Trial 3 logged 0.01 before diverging, but an infeasible trial is not a candidate.
		expect(ranking.order).toEqual([2, 1, 0, 3]);
		expect(ranking.ranked).toBe(3);
		expect(ranking.values.get(2)).toEqual({ value: 0.2, step: 0 });
		expect(rankTrials(study.trials, { metric: 'valAccuracy', reduce: 'best' }).order).toEqual([2, 1, 0, 3]);
	});

	it('never ranks a trial stopped by successive halving: not best, not in best k; amber, dashed apart', () => {
		const study = levelStudy();
		// Trial 1 (0.5) stopped at a rung; trial 0 (0.8) had the worst value, now it ranks second.
		study.trials[1]!.status = 'stopped';
		const ranking = rankTrials(study.trials, valLoss);
		expect(ranking.order).toEqual([2, 0, 1, 3]);
		expect(ranking.ranked).toBe(2);
		expect(bestTrials(study.trials, valLoss, 2)).toEqual([2, 0]);
		expect(trialColors(study.trials, ranking).get(1)).toBe(STOPPED_COLOR);
		const curves = studyCurves(study, { metric: 'valLoss', beta: 0 });
		const stopped = curves.find((c) => c.key === 't1')!;
		expect(stopped.stopped).toBe(true);
		expect(lineStyle(stopped, 'x').dash).toEqual(DASHES.stopped);
		expect(DASHES.stopped).not.toEqual(DASHES.main);
		expect(DASHES.stopped).not.toEqual(DASHES.infeasible);
		expect(curves.find((c) => c.key === 't0')!.stopped).toBeUndefined();
	});

	it('best k keeps the k best trials; 0, null or a negative k keeps all', () => {
		const study = levelStudy();
		expect(bestTrials(study.trials, valLoss, 1)).toEqual([2]);
		expect(bestTrials(study.trials, valLoss, 2)).toEqual([2, 1]);
		expect(bestTrials(study.trials, valLoss, 10)).toEqual([2, 1, 0]);
		for (const k of [0, null, undefined, -1]) expect(bestTrials(study.trials, valLoss, k)).toHaveLength(4);
	});

	it('colours by rank in a few steps; grey without a value; red when infeasible', () => {
		const study = levelStudy();
		study.trials[0]!.metrics = { train: study.trials[0]!.metrics!.train, evals: [] };
		const colors = trialColors(study.trials, rankTrials(study.trials, valLoss));
		expect(colors.get(2)).toBe(rankColor(0, 2));
		expect(colors.get(0)).toBe(UNRANKED_COLOR);
		expect(colors.get(3)).toBe(INFEASIBLE_COLOR);
		expect(rankColor(0, 500)).not.toBe(rankColor(499, 500));
		expect(rankColor(1, 500)).toBe(rankColor(0, 500));
		// Dark for the best: viridis's start, the colour the parallel coordinates give their best trial.
		expect(rankColor(0, 2)).toBe('#440154');
	});
});

describe('scales and pixels', () => {
	const size = { width: 100, height: 50 };

	it('takes the y domain from feasible curves so a diverged loss does not flatten the rest', () => {
		const curves = [
			curve({ steps: [0, 10], values: [1, 2] }),
			curve({ steps: [0, 5], values: [1, 1e9], infeasible: true })
		];
		const s = chartScales(curves, size, false, false);
		expect(s.y.domain()).toEqual([1, 2]);
		expect(s.x.domain()).toEqual([0, 10]);
	});

	it('starts a log step axis at the first positive step and leaves step 0 out of the drawing', () => {
		const c = curve({ steps: [0, 1, 10, 100], values: [1000, 3, 2, 1] });
		const s = chartScales([c], size, true, true);
		expect(s.x.domain()).toEqual([1, 100]);
		// The y domain ignores the step-0 value it cannot show: [1, 3], made nice to [1, 10].
		expect(s.y.domain()).toEqual([1, 10]);
		const [p] = projectCurves([c], s, size.width);
		expect(p!.ys[0]).toBeNaN();
		expect(p!.xs[1]).toBeCloseTo(0, 5);
		expect(p!.xs[2]).toBeCloseTo(50, 4);
		expect(p!.xs[3]).toBeCloseTo(100, 4);
	});

	it('leaves values ≤ 0 out on a log y axis', () => {
		const c = curve({ steps: [0, 1, 2], values: [1, 0, 0.1] });
		const s = chartScales([c], size, false, true);
		const [p] = projectCurves([c], s, size.width);
		expect(p!.ys[1]).toBeNaN();
		expect(Number.isFinite(p!.ys[2]!)).toBe(true);
	});

	it('downsamples 2,000 points to the pixel budget and keeps a spike', () => {
		const values = Array.from({ length: 2000 }, (_, i) => 1 + 0.01 * Math.cos(i));
		values[1500] = 5;
		const c = curve({ steps: Array.from({ length: 2000 }, (_, i) => i), values });
		const s = chartScales([c], size, false, false);
		const [p] = projectCurves([c], s, size.width);
		expect(p!.xs.length).toBeLessThanOrEqual(4 * size.width);
		expect([...p!.rows]).toContain(1500);
		expect(Math.min(...p!.ys)).toBeCloseTo(s.y(5), 3);
	});

	it('writes gaps as new sub-paths and finds where a line stops', () => {
		const p: PixelCurve = {
			curve: 0,
			xs: Float32Array.from([0, 1, 2, 3, 4]),
			ys: Float32Array.from([5, 6, NaN, 7, NaN]),
			rows: Uint32Array.from([0, 1, 2, 3, 4])
		};
		expect(pixelPath(p)).toBe('M0.0,5.0L1.0,6.0M3.0,7.0');
		expect(lastPoint(p)).toEqual({ x: 3, y: 7 });
	});
});

describe('nearestCurve', () => {
	const flat = (y: number, n = 201): PixelCurve => ({
		curve: 0,
		xs: Float32Array.from({ length: n }, (_, i) => i),
		ys: new Float32Array(n).fill(y),
		rows: Uint32Array.from({ length: n }, (_, i) => i)
	});

	it('picks the line nearest to the pointer, and the row under it', () => {
		const pixels = [flat(10), flat(30), flat(50)];
		const hit = nearestCurve(pixels, [0, 1, 2], 42.2, 33, 10)!;
		expect(hit.pixelCurve).toBe(1);
		expect(hit.row).toBe(42);
		expect(hit.distance).toBeCloseTo(3, 5);
	});

	it('finds nothing beyond the radius, and only among the candidates', () => {
		const pixels = [flat(10), flat(30)];
		expect(nearestCurve(pixels, [0, 1], 50, 20, 5)).toBeNull();
		expect(nearestCurve(pixels, [0], 50, 28, 5)).toBeNull();
	});

	it('measures to a long segment whose ends both lie outside the search window', () => {
		// Two points 200 px apart: the pointer at x = 100 is 2 px below the segment's middle.
		const sparse: PixelCurve = {
			curve: 0,
			xs: Float32Array.from([0, 200]),
			ys: Float32Array.from([20, 20]),
			rows: Uint32Array.from([0, 1])
		};
		const hit = nearestCurve([sparse], [0], 100, 22, 5)!;
		expect(hit.distance).toBeCloseTo(2, 5);
		expect(hit.row).toBe(1);
	});

	it('keeps the first-listed (top-most) curve on a tie', () => {
		const pixels = [flat(10), flat(10)];
		expect(nearestCurve(pixels, [1, 0], 5, 10, 5)!.pixelCurve).toBe(1);
	});

	it('answers 500 curves of 2,000 points without scanning them (smoke check of the window)', () => {
		const pixels = Array.from({ length: 500 }, (_, k) => flat(k % 300, 2000));
		const hit = nearestCurve(
			pixels,
			pixels.map((_, k) => k),
			1000.4,
			123.5,
			10
		)!;
		expect(hit.pixelCurve).toBe(123);
	});
});
