import { describe, expect, it } from 'vitest';
import { centeredL2Discrepancy } from './discrepancy';
import { digitPositions, firstPrimes, HALTON_BURN_IN, haltonPoint, haltonPoints } from './halton';
import { ksTestUniform } from './ks-test';
import { Random } from './random';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}

describe('primes and digit positions', () => {
	it('uses the first d primes as bases', () => {
		expect(firstPrimes(10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
		expect(firstPrimes(100)[99]).toBe(541);
	});

	it('scrambles enough digit positions to reach float64 resolution, and no more', () => {
		expect(digitPositions(2)).toBe(53);
		expect(digitPositions(3)).toBe(34);
		for (const base of firstPrimes(30)) {
			const k = digitPositions(base);
			expect(base ** k).toBeGreaterThanOrEqual(2 ** 53);
			expect(base ** (k - 1)).toBeLessThan(2 ** 53);
		}
	});
});

describe('haltonPoint', () => {
	it('is deterministic for a seed and differs between seeds', () => {
		expect(haltonPoints(7, 5, 20)).toEqual(haltonPoints(7, 5, 20));
		expect(haltonPoints(8, 5, 20)).not.toEqual(haltonPoints(7, 5, 20));
		// Every coordinate changes with the seed, not only a few.
		const a = haltonPoint(7, 5, 3);
		const b = haltonPoint(8, 5, 3);
		for (let j = 0; j < 5; j++) expect(a[j]).not.toBe(b[j]);
	});

	it('computes any index directly, so a sequence resumes at index k', () => {
		const full = haltonPoints(11, 4, 40);
		expect(haltonPoints(11, 4, 15, 25)).toEqual(full.slice(25));
		expect(haltonPoint(11, 4, 33)).toEqual(full[33]);
		// Far indices work without generating what comes before them.
		const far = haltonPoint(11, 4, 1e12);
		for (const x of far) expect(x >= 0 && x < 1).toBe(true);
	});

	it('keeps the first d coordinates when a dimension is added', () => {
		for (let i = 0; i < 10; i++) expect(haltonPoint(3, 6, i).slice(0, 5)).toEqual(haltonPoint(3, 5, i));
	});

	it('stratifies every coordinate: the first b^k points fall one per sub-interval of width b^-k', () => {
		const points = haltonPoints(5, 4, 64);
		for (const [j, base, count] of [
			[0, 2, 64],
			[1, 3, 27],
			[2, 5, 25],
			[3, 7, 49]
		] as const) {
			const bins = new Set(points.slice(0, count).map((p) => Math.floor(p[j]! * count)));
			expect(bins.size, `dimension ${j} (base ${base})`).toBe(count);
		}
	});

	it('keeps coordinates in [0, 1) and spreads them uniformly (KS, N = 256, d = 7)', () => {
		const points = haltonPoints(2024, 7, 256);
		for (let j = 0; j < 7; j++) {
			const column = points.map((p) => p[j]!);
			for (const x of column) expect(x >= 0 && x < 1).toBe(true);
			const { statistic, pValue } = ksTestUniform(column);
			expect(pValue, `dimension ${j}`).toBeGreaterThan(0.01);
			// Low discrepancy shows up as a KS distance far below pseudo-random's typical 0.87/√N ≈ 0.054.
			expect(statistic, `dimension ${j}`).toBeLessThan(0.03);
		}
	});

	it('pins the sequence: burn-in and golden points, so a stored study still reproduces', () => {
		// Changing the burn-in, the prime order, the digit count or the permutation streams changes every
		// study's trials; these literals make such a change deliberate (the playbook wants a study from six
		// months ago to be reproducible).
		expect(HALTON_BURN_IN).toBe(64);
		expect(haltonPoint(42, 3, 0)).toEqual([0.33334079878640666, 0.5629994125846693, 0.47534153823726655]);
		expect(haltonPoint(42, 3, 1)).toEqual([0.8333407987864067, 0.22966607925133606, 0.2353415382372665]);
		expect(haltonPoint(42, 3, 1000)).toEqual([0.26351658003640666, 0.2356102950720951, 0.47950153823726654]);
	});

	it('has a centered L2 discrepancy at N = 64, d = 7 at least 3× below pseudo-random', () => {
		const n = 64;
		const d = 7;
		const seeds = Array.from({ length: 20 }, (_, s) => s);
		const random = seeds.map((s) => {
			const r = new Random(1000 + s);
			return centeredL2Discrepancy(
				Array.from({ length: n }, () => Array.from({ length: d }, () => r.next()))
			);
		});
		const halton = seeds.map((s) => centeredL2Discrepancy(haltonPoints(s, d, n)));
		const haltonMedian = median(halton);
		const randomMedian = median(random);
		console.log(
			`CD² at N = ${n}, d = ${d}: scrambled Halton median ${haltonMedian.toExponential(3)} ` +
				`(seed 0: ${halton[0]!.toExponential(3)}, worst of 20 seeds: ${Math.max(...halton).toExponential(3)}); ` +
				`pseudo-random median ${randomMedian.toExponential(3)} ` +
				`(best of 20 seeds: ${Math.min(...random).toExponential(3)}); ratio of medians ` +
				(randomMedian / haltonMedian).toFixed(2)
		);
		expect(haltonMedian * 3).toBeLessThan(randomMedian);
		expect(halton[0]! * 3).toBeLessThan(randomMedian);
		// Every Halton seed beats every pseudo-random one here: the gain is not a lucky seed.
		expect(Math.max(...halton)).toBeLessThan(Math.min(...random));
		// Same quality as SciPy's scrambled Halton: median CD² 0.01199 over 200 seeds, printed by
		// scripts/reference/halton_reference.py.
		expect(haltonMedian).toBeGreaterThan(0.01199 * 0.8);
		expect(haltonMedian).toBeLessThan(0.01199 * 1.2);
	});

	it('rejects arguments it cannot honour', () => {
		expect(() => haltonPoint(1, 3, -1)).toThrow(RangeError);
		expect(() => haltonPoint(1, 3, 0.5)).toThrow(RangeError);
		expect(() => haltonPoint(1, 3, Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
		expect(() => haltonPoint(1, -1, 0)).toThrow(RangeError);
		expect(() => haltonPoint(NaN, 2, 0)).toThrow(RangeError);
		expect(haltonPoint(1, 0, 5)).toEqual([]);
	});
});
