import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '$lib/study/metrics';
import { cooldownCurve, gradNormSeries, learningRateSeries, lossSeries } from './metric-series';

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
