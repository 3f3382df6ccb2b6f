import { describe, expect, it } from 'vitest';
import { metricBatch } from '$lib/testing/metric-batch';
import { emptyTrainRows, type MetricBatch } from './metrics';
import {
	bestObjective,
	bestPoint,
	intervalTrainLoss,
	metricGoal,
	objectiveSeries,
	objectiveValue,
	withTrainLoss
} from './objective';

const batch = metricBatch;

describe('the objective', () => {
	it('scores trainLoss as the mean training loss of the steps since the previous evaluation', () => {
		expect(intervalTrainLoss([1, 2, 3, 6])).toBe(3);
		expect(intervalTrainLoss([])).toBeNaN();
		expect(intervalTrainLoss([1, Number.NaN])).toBeNaN();
		expect(intervalTrainLoss([1, null])).toBeNaN();
		// Evaluations at 0, 3 and 6: the rows of steps 0–2 belong to step 3, rows 3–5 to step 6.
		const metrics = batch(
			[4, 2, 3, 1, 0.5, 3],
			[
				[0, 2.3, 0.1],
				[3, 1.5, 0.6],
				[6, 1.4, 0.7]
			]
		);
		const rows = withTrainLoss(metrics);
		expect(rows.map((r) => r.trainLoss)).toEqual([Number.NaN, (4 + 2 + 3) / 3, (1 + 0.5 + 3) / 3]);
		expect(objectiveSeries(metrics, 'trainLoss')).toEqual([
			{ step: 3, value: 3 },
			{ step: 6, value: 1.5 }
		]);
		// The lowest single batch (0.5 at step 4) is not what ranks: the interval mean does.
		expect(bestObjective(metrics, { metric: 'trainLoss', goal: 'minimize' })).toEqual({
			step: 6,
			value: 1.5
		});
	});

	it('keeps a trainLoss column the loop logged, and derives it only where a row lacks it', () => {
		const metrics = batch(
			[4, 2, 3, 1],
			[
				[0, 2.3, 0.1],
				[2, 1.5, 0.6],
				[4, 1.4, 0.7]
			]
		);
		metrics.evals[1]!.trainLoss = 9;
		expect(withTrainLoss(metrics).map((r) => r.trainLoss)).toEqual([Number.NaN, 9, (3 + 1) / 2]);
	});

	it('a resumed or branched series starts its first interval at its first training row', () => {
		// A cooldown branch from step 10 logs rows from step 10 and evaluates first at 12.
		const train = emptyTrainRows();
		for (const [step, loss] of [
			[10, 1],
			[11, 2],
			[12, 4],
			[13, 6]
		] as const) {
			train.step.push(step);
			train.loss.push(loss);
			train.lr.push(0);
			train.gradNorm.push(1);
			train.clipped.push(0);
		}
		const metrics: MetricBatch = {
			train,
			evals: [
				{ step: 12, valLoss: 1, valAccuracy: 0.5 },
				{ step: 14, valLoss: 1, valAccuracy: 0.5 }
			]
		};
		expect(objectiveSeries(metrics, 'trainLoss')).toEqual([
			{ step: 12, value: 1.5 },
			{ step: 14, value: 5 }
		]);
	});

	it('valLoss and valAccuracy are the evaluation values, best in their own direction, ties to the earlier step', () => {
		const metrics = batch(
			[],
			[
				[0, 2.3, 0.1],
				[10, 0.9, 0.8],
				[20, Number.NaN, 0.8],
				[30, 0.9, 0.6]
			]
		);
		expect(bestObjective(metrics, { metric: 'valLoss', goal: 'minimize' })).toEqual({ step: 10, value: 0.9 });
		expect(bestObjective(metrics, { metric: 'valAccuracy', goal: 'maximize' })).toEqual({
			step: 10,
			value: 0.8
		});
		expect(objectiveValue(metrics.evals[2]!, 'valLoss')).toBeNaN();
		expect(objectiveValue(metrics.evals[2]!, 'emaValLoss')).toBeNaN();
		expect(bestPoint([], 'minimize')).toBeUndefined();
		expect(bestObjective(batch([], []), { metric: 'trainLoss', goal: 'minimize' })).toBeUndefined();
	});

	it('knows each metric’s direction', () => {
		expect(metricGoal('valLoss')).toBe('minimize');
		expect(metricGoal('trainLoss')).toBe('minimize');
		expect(metricGoal('valAccuracy')).toBe('maximize');
		expect(metricGoal('swaValAccuracy')).toBe('maximize');
		expect(metricGoal('valBitsPerChar')).toBe('minimize');
	});
});
