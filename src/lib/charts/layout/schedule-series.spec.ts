import { describe, expect, it } from 'vitest';
import { describeSchedulePreview, MAX_POINTS, sampleSteps, schedulePreviewSeries } from './schedule-series';

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

describe('describeSchedulePreview', () => {
	it('spells out the cooldown a wsd run draws when its fields are left empty (defaults, not "off")', () => {
		// Default cooldown fraction 0.2 of 10,000 steps = 2000 steps, linear, to 0 × the rate.
		expect(describeSchedulePreview({ schedule: 'wsd', learningRate: 0.003, warmupSteps: 500 }, 10_000)).toBe(
			'wsd from 0.003, warmup 500 steps, cooldown the last 2000 steps (20%, linear) to 0 × the rate; no branch'
		);
		expect(
			describeSchedulePreview(
				{
					schedule: 'wsd',
					learningRate: 0.01,
					cooldownSteps: 1500,
					cooldownShape: '1-sqrt',
					finalLrFraction: 0.1
				},
				9000,
				{ startStep: 3000, length: 600, shape: 'cosine', finalFraction: 0 }
			)
		).toBe(
			'wsd from 0.01, no warmup, cooldown the last 1500 steps (16.7%, 1-sqrt) to 0.1 × the rate; branch from step 3000 for 600 steps, cosine to 0 × the rate'
		);
	});

	it('names the decay of the other schedules and their defaults', () => {
		expect(describeSchedulePreview({ schedule: 'cosine', learningRate: 0.1 }, 100)).toBe(
			'cosine from 0.1, no warmup, decays to 0 × the rate; no branch'
		);
		expect(describeSchedulePreview({ schedule: 'rsqrt', learningRate: 0.1, warmupSteps: 10 }, 100)).toBe(
			'rsqrt from 0.1, warmup 10 steps, timescale 10000 steps; no branch'
		);
	});
});
