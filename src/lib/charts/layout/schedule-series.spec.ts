import { describe, expect, it } from 'vitest';
import { MAX_POINTS, sampleSteps, schedulePreviewSeries } from './schedule-series';

describe('sampleSteps', () => {
	it('keeps every step of a short run and thins a long one, keeping both ends', () => {
		expect(sampleSteps(0, 5)).toEqual([0, 1, 2, 3, 4]);
		const long = sampleSteps(0, 100_000);
		expect(long.length).toBeLessThanOrEqual(MAX_POINTS + 1);
		expect(long[0]).toBe(0);
		expect(long.at(-1)).toBe(99_999);
	});
});

describe('schedulePreviewSeries', () => {
	it('draws a linear cooldown branch from a constant run down to zero', () => {
		const [base, branch] = schedulePreviewSeries({ schedule: 'constant', learningRate: 0.1 }, 100, {
			startStep: 40,
			length: 20,
			shape: 'linear',
			finalFraction: 0
		});
		expect(base!.ys.every((y) => y === 0.1)).toBe(true);
		expect(branch!.xs[0]).toBe(40);
		expect(branch!.xs.at(-1)).toBe(60);
		// Halfway through a linear cooldown the rate is half of its value at the branch point.
		expect(branch!.ys[branch!.xs.indexOf(50)]).toBeCloseTo(0.05, 12);
		expect(branch!.ys.at(-1)).toBeCloseTo(0, 12);
	});
});
