import { describe, expect, it } from 'vitest';
import { minMaxDownsample } from './downsample';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('minMaxDownsample', () => {
	it('keeps first, min, max and last of each bucket, in order (worked by hand)', () => {
		// Buckets over [0, 11] of width 5.5: indices 0–5 and 6–11.
		const ys = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
		// Bucket 0: first 0, min 1 (the first of the two 1s), max 5 (= last). Bucket 1: first = min 6,
		// max = last 11.
		expect([...minMaxDownsample(range(12), ys, 2)]).toEqual([0, 1, 5, 6, 11]);
	});

	it('keeps a one-step spike among 2,000 points reduced to 100 buckets', () => {
		const ys = range(2000).map((i) => 1 + 0.001 * Math.sin(i));
		ys[1234] = 50;
		ys[777] = -3;
		const keep = minMaxDownsample(range(2000), ys, 100);
		expect(keep).toContain(1234);
		expect(keep).toContain(777);
		expect(keep.length).toBeLessThanOrEqual(400);
		expect(keep[0]).toBe(0);
		expect(keep[keep.length - 1]).toBe(1999);
		for (let i = 1; i < keep.length; i++) expect(keep[i]!).toBeGreaterThan(keep[i - 1]!);
		const kept = [...keep].map((i) => ys[i]!);
		expect(Math.max(...kept)).toBe(50);
		expect(Math.min(...kept)).toBe(-3);
	});

	it('returns every index when the budget holds them all', () => {
		expect([...minMaxDownsample(range(8), range(8), 2)]).toEqual(range(8));
		expect([...minMaxDownsample([], [], 10)]).toEqual([]);
	});

	it('keeps gaps: the first of each run of non-finite values survives and splits the buckets', () => {
		const ys = range(40).map((i) => (i >= 10 && i < 20 ? NaN : i));
		const keep = [...minMaxDownsample(range(40), ys, 2)];
		expect(keep).toContain(10);
		expect(keep.filter((i) => Number.isNaN(ys[i]!))).toEqual([10]);
		// Points just before and after the gap are kept, so the line ends and restarts where it should.
		expect(keep).toContain(9);
		expect(keep).toContain(20);
	});

	it('buckets pixel coordinates with an explicit span (unequal step spacing)', () => {
		const xs = [0, 0.2, 0.4, 0.6, 0.8, 50, 60, 70, 80, 90, 99];
		const ys = [5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5];
		// Two buckets over [0, 100]: the five points below x = 1 fall in the first.
		expect([...minMaxDownsample(xs, ys, 2, 0, 100)]).toEqual([0, 4, 5, 10]);
	});
});
