import { describe, expect, it } from 'vitest';
import { metricBatch } from '$lib/testing/metric-batch';
import { availableMetrics, metricGoal, trialValue } from './objective';

/** Evaluations (step, valLoss, valAccuracy) and training losses at steps 0, 1, …. */
const batch = (evals: [number, number, number][], trainLoss: number[]) => metricBatch(trainLoss, evals);

describe('trialValue', () => {
	const metrics = batch(
		[
			[0, 2.3, 0.1],
			[10, 0.9, 0.7],
			[20, 1.1, 0.75]
		],
		[3, 2, 1, 0.5, NaN, 0.7]
	);
	it('best over training follows the metric direction', () => {
		expect(trialValue({ metrics }, { metric: 'valLoss', reduce: 'best' })).toEqual({ value: 0.9, step: 10 });
		expect(trialValue({ metrics }, { metric: 'valAccuracy', reduce: 'best' })).toEqual({
			value: 0.75,
			step: 20
		});
	});
	it('final is the last evaluation; for training loss the mean of the last rows, skipping NaN', () => {
		expect(trialValue({ metrics }, { metric: 'valLoss', reduce: 'final' })).toEqual({ value: 1.1, step: 20 });
		const final = trialValue({ metrics }, { metric: 'trainLoss', reduce: 'final' })!;
		expect(final.value).toBeCloseTo((3 + 2 + 1 + 0.5 + 0.7) / 5, 12);
		expect(final.step).toBe(5);
	});
	it('is null without metrics or without that metric', () => {
		expect(trialValue({}, { metric: 'valLoss', reduce: 'best' })).toBeNull();
		expect(trialValue({ metrics }, { metric: 'emaValLoss', reduce: 'best' })).toBeNull();
	});
});

describe('metric lists', () => {
	it('names every logged metric and its direction', () => {
		const metrics = batch([[0, 1, 0.5]], [1]);
		metrics.evals[0]!.emaValLoss = 0.9;
		expect(availableMetrics([{ metrics } as never])).toEqual([
			'trainLoss',
			'valLoss',
			'valAccuracy',
			'emaValLoss'
		]);
		expect(metricGoal('emaValAccuracy')).toBe('maximize');
		expect(metricGoal('valBitsPerChar')).toBe('minimize');
	});
});
