import { describe, expect, it } from 'vitest';
import { bootstrapFastest, timeToTarget } from './time-to-target';

describe('timeToTarget', () => {
	const curve = [
		{ step: 0, value: 2.3 },
		{ step: 25, value: 1.1 },
		{ step: 50, value: 0.6 },
		{ step: 75, value: 0.45 },
		{ step: 100, value: 0.5 }
	];

	it('is the first evaluation step at or below a minimised target', () => {
		expect(timeToTarget(curve, 0.6, 'minimize')).toBe(50); // equal counts as reached
		expect(timeToTarget(curve, 0.5, 'minimize')).toBe(75);
		expect(timeToTarget(curve, 3, 'minimize')).toBe(0);
		expect(timeToTarget(curve, 0.4, 'minimize')).toBe(Infinity);
	});

	it('is the first step at or above a maximised target, whatever order the points come in', () => {
		const accuracy = [
			{ step: 60, value: 0.93 },
			{ step: 20, value: 0.7 },
			{ step: 40, value: 0.91 }
		];
		expect(timeToTarget(accuracy, 0.9, 'maximize')).toBe(40);
		expect(timeToTarget(accuracy, 0.95, 'maximize')).toBe(Infinity);
	});

	it('never counts a non-finite value as reaching the target', () => {
		expect(
			timeToTarget(
				[
					{ step: 10, value: NaN },
					{ step: 20, value: -Infinity },
					{ step: 30, value: 0.2 }
				],
				0.5,
				'minimize'
			)
		).toBe(30);
	});
});

describe('bootstrapFastest', () => {
	it('gives the fastest trial and an interval from the distribution of the fastest of n draws', () => {
		// Three trials at 10, 20 and 30 steps, three draws with replacement: the fastest is 10 with
		// probability 1 − (2/3)³ = 19/27, 20 with (2/3)³ − (1/3)³ = 7/27 and 30 with (1/3)³ = 1/27 ≈ 0.037.
		// The 5th percentile is 10; the 95th is 20 (P(≤ 20) = 26/27 ≈ 0.963 > 0.95); the 99th is 30.
		const ninety = bootstrapFastest([30, 10, 20], { resamples: 4000, seed: 3 });
		expect(ninety).toMatchObject({ fastest: 10, low: 10, high: 20, reachedShare: 1, trials: 3 });
		const wide = bootstrapFastest([30, 10, 20], { resamples: 4000, seed: 3, level: 0.98 });
		expect(wide).toMatchObject({ low: 10, high: 30 });
	});

	it('reports unreached draws as Infinity and their share', () => {
		// One of four trials reached the target (at 50): a draw of four misses it with probability
		// (3/4)⁴ = 81/256 ≈ 0.316, so about 68.4% of draws reach it and the upper end is Infinity.
		const out = bootstrapFastest([Infinity, 50, Infinity, Infinity], { resamples: 4000, seed: 9 });
		expect(out.fastest).toBe(50);
		expect(out.low).toBe(50);
		expect(out.high).toBe(Infinity);
		expect(Math.abs(out.reachedShare - 175 / 256)).toBeLessThan(0.03);
	});

	it('has no time at all when no trial reached the target, and nothing for an empty pool', () => {
		expect(bootstrapFastest([Infinity, Infinity])).toMatchObject({
			fastest: Infinity,
			low: Infinity,
			high: Infinity,
			reachedShare: 0
		});
		expect(bootstrapFastest([]).fastest).toBeNaN();
	});

	it('is a single point for a single trial, and deterministic for a seed', () => {
		expect(bootstrapFastest([70])).toMatchObject({ fastest: 70, low: 70, high: 70 });
		const pool = [40, 55, 90, Infinity, 120, 60, 75];
		expect(bootstrapFastest(pool, { seed: 5 })).toEqual(bootstrapFastest(pool, { seed: 5 }));
	});

	it('refuses a level outside (0, 1)', () => {
		expect(() => bootstrapFastest([1, 2], { level: 1 })).toThrow(/level/);
	});
});
