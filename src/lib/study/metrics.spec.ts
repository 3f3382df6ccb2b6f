import { describe, expect, it } from 'vitest';
import { bestInSummary, extendSummary, summarize, type EvalRow } from './metrics';

const row = (step: number, valLoss: number, valAccuracy: number): EvalRow => ({ step, valLoss, valAccuracy });

describe('extendSummary', () => {
	it('gives what summarizing every evaluation at once gives', () => {
		const early = [row(0, 2.3, 0.1), row(100, 0.8, 0.7)];
		const later = [row(200, 0.9, 0.75), row(300, 0.7, 0.72)];
		expect(extendSummary(summarize(early), later)).toEqual(summarize([...early, ...later]));
		expect(extendSummary(summarize(early), later)).toEqual({
			bestValLoss: 0.7,
			bestValLossStep: 300,
			bestValAccuracy: 0.75,
			bestValAccuracyStep: 200,
			// These rows carry no trainLoss column: no trainLoss best (NaN, at the first evaluation's step).
			bestTrainLoss: Number.NaN,
			bestTrainLossStep: 0,
			finalValLoss: 0.7,
			finalValAccuracy: 0.72
		});
	});

	it('keeps the previous best when the new evaluations are worse, and starts from nothing', () => {
		const first = summarize([row(0, 1, 0.5)]);
		expect(extendSummary(first, [row(10, Number.NaN, 0.1)])).toMatchObject({
			bestValLoss: 1,
			bestValLossStep: 0
		});
		expect(extendSummary(first, [])).toBe(first);
		expect(extendSummary(null, [row(5, 2, 0.2)])).toEqual(summarize([row(5, 2, 0.2)]));
	});

	it('keeps the best trainLoss objective and its step from the rows the loop logged', () => {
		const logged = (step: number, trainLoss: number): EvalRow => ({ ...row(step, 1, 0.5), trainLoss });
		const first = summarize([row(0, 2, 0.1), logged(10, 1.5), logged(20, 1.2)]);
		expect(first).toMatchObject({ bestTrainLoss: 1.2, bestTrainLossStep: 20, bestValAccuracyStep: 10 });
		const later = extendSummary(first, [logged(30, 1.3), logged(40, 1.2)]);
		// 1.2 again at 40 is a tie: the earlier step stays.
		expect(later).toMatchObject({ bestTrainLoss: 1.2, bestTrainLossStep: 20 });
		expect(bestInSummary(later, 'trainLoss')).toEqual({ value: 1.2, step: 20 });
		expect(bestInSummary(later, 'valAccuracy')).toEqual({ value: 0.5, step: 10 });
		// A record stored before the step was kept still gives its value.
		const old = { ...later!, bestValAccuracyStep: undefined, bestTrainLoss: undefined };
		expect(bestInSummary(old, 'valAccuracy')).toEqual({ value: 0.5 });
		expect(bestInSummary(old, 'trainLoss')).toBeUndefined();
	});
});
