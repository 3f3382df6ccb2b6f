import { describe, expect, it } from 'vitest';
import { permutation, Random, streamSeed } from './random';

describe('Random', () => {
	it('is reproducible from a seed and from a saved state', () => {
		const a = new Random(42);
		const first = Array.from({ length: 5 }, () => a.next());
		const b = new Random(42);
		expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);

		const saved = a.state;
		const continued = Array.from({ length: 5 }, () => a.next());
		const resumed = Random.fromState(saved);
		expect(Array.from({ length: 5 }, () => resumed.next())).toEqual(continued);
	});

	it('gives different streams for different seeds', () => {
		expect(new Random(1).next()).not.toEqual(new Random(2).next());
		expect(streamSeed(1, 'init')).not.toEqual(streamSeed(1, 'data'));
	});

	it('is uniform on [0, 1): mean 1/2, variance 1/12, all deciles filled evenly', () => {
		const r = new Random(7);
		const n = 100_000;
		const counts = new Array<number>(10).fill(0);
		let sum = 0;
		let sumSq = 0;
		for (let i = 0; i < n; i++) {
			const u = r.next();
			expect(u >= 0 && u < 1).toBe(true);
			sum += u;
			sumSq += u * u;
			counts[Math.floor(u * 10)]!++;
		}
		const mean = sum / n;
		expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
		expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
		// Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
		const chi2 = counts.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
		expect(chi2).toBeLessThan(27.9);
	});

	it('draws standard normals (mean 0, variance 1)', () => {
		const r = new Random(3);
		const n = 50_000;
		let sum = 0;
		let sumSq = 0;
		for (let i = 0; i < n; i++) {
			const z = r.normal();
			sum += z;
			sumSq += z * z;
		}
		expect(Math.abs(sum / n)).toBeLessThan(0.02);
		expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
	});
});

describe('permutation', () => {
	it('contains every index exactly once and depends on the seed', () => {
		const p = permutation(1000, new Random(5));
		expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
		expect(Array.from(permutation(1000, new Random(6)))).not.toEqual(Array.from(p));
	});
});
