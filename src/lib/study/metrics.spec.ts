import { describe, expect, it } from 'vitest';
import { extendSummary, summarize, type EvalRow } from './metrics';

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
});
