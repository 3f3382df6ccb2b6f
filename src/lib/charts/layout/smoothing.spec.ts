import { describe, expect, it } from 'vitest';
import { smoothDebiased } from './smoothing';

describe('smoothDebiased', () => {
	it('matches the debiased recurrence worked by hand (β = 0.5)', () => {
		// s = 0.5·s + 0.5·x from s = 0: 0.5, 1.25, 2.125; divided by 1 − 0.5^(t+1): 0.5, 0.75, 0.875.
		const out = smoothDebiased([1, 2, 3], 0.5);
		expect(out[0]).toBeCloseTo(1, 12);
		expect(out[1]).toBeCloseTo(1.25 / 0.75, 12);
		expect(out[2]).toBeCloseTo(2.125 / 0.875, 12);
	});

	it('never shifts the first point and keeps a flat series flat, whatever β', () => {
		for (const beta of [0.1, 0.6, 0.9, 0.99]) {
			const out = smoothDebiased([4, 4, 4, 4], beta);
			expect(out[0]).toBe(4);
			for (const v of out) expect(v).toBeCloseTo(4, 10);
		}
	});

	it('is the identity at β = 0', () => {
		expect([...smoothDebiased([3, 1, 2], 0)]).toEqual([3, 1, 2]);
	});

	it('skips non-finite values: NaN out, and the average carries on as if they were absent', () => {
		const out = smoothDebiased([1, NaN, null, Infinity, 3], 0.5);
		expect(out[0]).toBe(1);
		expect(Number.isNaN(out[1]!)).toBe(true);
		expect(Number.isNaN(out[2]!)).toBe(true);
		expect(Number.isNaN(out[3]!)).toBe(true);
		// Same as smoothing [1, 3]: (0.25 + 1.5) / (1 − 0.25).
		expect(out[4]).toBeCloseTo(1.75 / 0.75, 12);
		expect(out[4]).toBeCloseTo(smoothDebiased([1, 3], 0.5)[1]!, 12);
	});

	it('lags a step change more at larger β', () => {
		const step = [0, 0, 0, 0, 1, 1, 1, 1];
		const light = smoothDebiased(step, 0.3);
		const heavy = smoothDebiased(step, 0.9);
		expect(light[5]!).toBeGreaterThan(heavy[5]!);
		expect(heavy[7]!).toBeLessThan(1);
	});

	it('rejects β outside [0, 1)', () => {
		expect(() => smoothDebiased([1], 1)).toThrow(RangeError);
		expect(() => smoothDebiased([1], -0.1)).toThrow(RangeError);
		expect(() => smoothDebiased([1], NaN)).toThrow(RangeError);
	});
});
