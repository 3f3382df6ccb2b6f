import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '$lib/study/metrics';
import {
	accuracySeries,
	branchLearningRateSeries,
	branchSeries,
	cooldownCurve,
	gradNormSeries,
	learningRateSeries,
	lossSeries
} from './metric-series';

const metrics: MetricBatch = {
	train: { step: [0, 1, 2], loss: [2, 1.5, 1.2], lr: [0, 0.5, 1], gradNorm: [3, 0.5, 2], clipped: [1, 0, 1] },
	evals: [
		{ step: 0, valLoss: 2.3, valAccuracy: 0.1 },
		{ step: 3, valLoss: 1.1, valAccuracy: 0.6, emaValLoss: 1.3, emaValAccuracy: 0.5 }
	]
};

describe('metric series', () => {
	it('draws train and validation loss, and EMA only where it was evaluated, dashed', () => {
		const [train, val, ema, ...rest] = lossSeries(metrics);
		expect(train!.ys).toEqual([2, 1.5, 1.2]);
		expect(val!.xs).toEqual([0, 3]);
		expect(ema).toMatchObject({ id: 'ema', xs: [3], ys: [1.3], dashed: true });
		expect(rest).toEqual([]); // no SWA metrics, no SWA series
	});

	it('marks the clipped steps on the gradient-norm curve', () => {
		const [norm, clipped] = gradNormSeries(metrics);
		expect(norm!.ys).toEqual([3, 0.5, 2]);
		expect(clipped).toMatchObject({
			xs: [0, 2],
			ys: [3, 2],
			hideLine: true,
			label: 'clipped (2 of 3 steps)'
		});
		expect(learningRateSeries(metrics)[0]!.ys).toEqual([0, 0.5, 1]);
	});
});

describe('cooldownCurve', () => {
	it('joins the branches final validation losses by where they ended, skipping unfinished ones', () => {
		const ended = (end: number, valLoss: number): MetricBatch => ({
			train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
			evals: [{ step: end, valLoss, valAccuracy: 0.5 }]
		});
		const [curve] = cooldownCurve([
			{ end: 250, metrics: ended(250, 0.4) },
			{ end: 110, metrics: ended(110, 0.7) },
			{ end: 400, metrics: null }
		]);
		expect(curve).toMatchObject({ xs: [110, 250], ys: [0.7, 0.4] });
		expect(cooldownCurve([{ end: 110, metrics: ended(110, 0.7) }])).toEqual([]);
	});
});

describe('validation accuracy and branch learning rate', () => {
	const m: MetricBatch = {
		train: { step: [10, 11], loss: [1, 0.9], lr: [0.01, 0.005], gradNorm: [1, 1], clipped: [0, 0] },
		evals: [
			{ step: 0, valLoss: 2.3, valAccuracy: 0.1 },
			{ step: 11, valLoss: 0.8, valAccuracy: 0.7, emaValAccuracy: 0.72 }
		]
	};

	it('draws validation accuracy on its own curve, EMA weights dashed', () => {
		const series = accuracySeries(m);
		expect(series.map((s) => [s.id, s.xs, s.ys, s.dashed])).toEqual([
			['val-acc', [0, 11], [0.1, 0.7], false],
			['ema-acc', [11], [0.72], true]
		]);
	});

	it("draws a branch's learning-rate decay dashed, in the colour of its loss curves", () => {
		const [lr] = branchLearningRateSeries('branch-0', 'branch @10', 0, m);
		expect(lr).toMatchObject({ xs: [10, 11], ys: [0.01, 0.005], dashed: true });
		expect(lr!.color).toBe(branchSeries('branch-0', 'branch @10', 0, m)[0]!.color);
		expect(branchLearningRateSeries('b', 'b', 0, { ...m, train: { ...m.train, step: [] } })).toEqual([]);
	});
});
