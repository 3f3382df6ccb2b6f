import { describe, expect, it } from 'vitest';
import {
	AGGRESSIVE_CLIP_FRACTION,
	clippedFraction,
	histogram,
	percentile,
	stabilitySummary
} from './stability';

describe('percentile (linear interpolation between ranks, as numpy)', () => {
	it('matches hand-computed values', () => {
		// h = (4 − 1)·0.9 = 2.7: 3 + 0.7·(4 − 3)
		expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12);
		// h = (5 − 1)·0.4 = 1.6: 20 + 0.6·(35 − 20)
		expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 12);
		// h = 9·0.9 = 8.1 on 1…10: 9 + 0.1
		expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1, 12);
		// h = 2·0.5 = 1 lands on a rank exactly
		expect(percentile([10, 30, 20], 50)).toBe(20);
	});

	it('gives the extremes at 0 and 100, and the value itself for one value', () => {
		expect(percentile([3, 9, 1], 0)).toBe(1);
		expect(percentile([3, 9, 1], 100)).toBe(9);
		expect(percentile([5], 90)).toBe(5);
	});

	it('skips nulls and non-finite values; null when nothing is left', () => {
		expect(percentile([3, null, 1, NaN, 2, Infinity], 50)).toBe(2);
		expect(percentile([null, NaN], 90)).toBeNull();
		expect(percentile([], 90)).toBeNull();
	});

	it('refuses a percentile outside 0…100', () => {
		expect(() => percentile([1], 101)).toThrow(RangeError);
		expect(() => percentile([1], -1)).toThrow(RangeError);
	});
});

describe('histogram', () => {
	it('uses equal linear bins when the values do not span a decade (or include 0)', () => {
		const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
		expect(h.scale).toBe('linear');
		expect(h.bins.map((b) => [b.lo, b.hi])).toEqual([
			[0, 2],
			[2, 4],
			[4, 6],
			[6, 8],
			[8, 10]
		]);
		// The last bin holds its upper edge.
		expect(h.bins.map((b) => b.count)).toEqual([2, 2, 2, 2, 3]);
		expect(h.total).toBe(11);
	});

	it('uses log-spaced bins for positive values spanning decades', () => {
		const h = histogram([1, 2, 50, 1000], 3);
		expect(h.scale).toBe('log');
		expect(h.bins[0]!.lo).toBe(1);
		expect(h.bins[0]!.hi).toBeCloseTo(10, 9);
		expect(h.bins[1]!.hi).toBeCloseTo(100, 9);
		expect(h.bins[2]!.hi).toBe(1000);
		// log10: 0 and 0.30 in the first decade, 1.70 in the second, 3 in the last.
		expect(h.bins.map((b) => b.count)).toEqual([2, 1, 1]);
	});

	it('draws one bar around a single distinct value and nothing for no values', () => {
		expect(histogram([2, 2, 2]).bins).toEqual([{ lo: 1, hi: 3, count: 3 }]);
		expect(histogram([null, NaN])).toEqual({ scale: 'linear', bins: [], total: 0 });
	});
});

describe('clipping', () => {
	it('counts the clipped share of logged steps', () => {
		expect(clippedFraction({ clipped: [1, 0, 1, 1] })).toBe(0.75);
		expect(clippedFraction({ clipped: [] })).toBeNull();
	});

	it('summarises a trial and flags clipping of more than half the steps', () => {
		const gradNorm = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		const mild = stabilitySummary({ gradNorm, clipped: gradNorm.map((g) => (g > 9.1 ? 1 : 0)) });
		expect(mild.suggestedClip).toBeCloseTo(9.1, 12);
		expect(mild.medianNorm).toBeCloseTo(5.5, 12);
		expect(mild.maxNorm).toBe(10);
		expect(mild.clippedFraction).toBe(0.1);
		expect(mild.aggressive).toBe(false);
		const harsh = stabilitySummary({ gradNorm, clipped: gradNorm.map((g) => (g > 4 ? 1 : 0)) });
		expect(harsh.clippedFraction).toBe(0.6);
		expect(harsh.clippedFraction! > AGGRESSIVE_CLIP_FRACTION).toBe(true);
		expect(harsh.aggressive).toBe(true);
		// Exactly half is not "more than half".
		expect(stabilitySummary({ gradNorm: [1, 2], clipped: [1, 0] }).aggressive).toBe(false);
	});
});
