import { describe, expect, it } from 'vitest';
import { applyStandardization, featureStats, standardizeSplits } from './standardize';

describe('feature standardisation', () => {
	it('takes the mean and population std of each training column; a constant column gets std 1', () => {
		// 3 rows × 3 features: column 0 is 1, 2, 3; column 1 is 10, 10, 40; column 2 is constant 5.
		const train = new Float32Array([1, 10, 5, 2, 10, 5, 3, 40, 5]);
		const stats = featureStats(train, 3, 3);
		expect(stats.mean).toEqual([2, 20, 5]);
		expect(stats.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
		expect(stats.std[1]).toBeCloseTo(Math.sqrt(200), 12);
		expect(stats.std[2]).toBe(1);
	});

	it('applies the training statistics to both splits, so validation is not re-centred', () => {
		const train = new Float32Array([0, 4, 2, 4, 4, 4]); // columns: 0, 2, 4 (mean 2, std √(8/3)) and 4, 4, 4
		const val = new Float32Array([2, 4, 6, 7]);
		const { train: t, val: v, stats } = standardizeSplits(train, val, 3, 2);
		const s = Math.sqrt(8 / 3);
		expect(stats).toEqual({ mean: [2, 4], std: [s, 1] });
		expect(Array.from(t)).toEqual(Array.from(new Float32Array([-2 / s, 0, 0, 0, 2 / s, 0])));
		// Validation rows use train's mean 2 and std √(8/3): 6 ↦ 4/√(8/3); the constant column is shifted by 4.
		expect(Array.from(v)).toEqual(Array.from(new Float32Array([0, 0, 4 / s, 3])));
	});

	it('returns new arrays and rejects a shape that does not fit', () => {
		const x = new Float32Array([1, 3]);
		const out = applyStandardization(x, { mean: [2], std: [1] });
		expect(Array.from(out)).toEqual([-1, 1]);
		expect(Array.from(x)).toEqual([1, 3]);
		expect(() => featureStats(new Float32Array(5), 2, 3)).toThrow(/5 values do not make 2 rows of 3/);
		expect(() => featureStats(new Float32Array(0), 0, 3)).toThrow(/at least one row/);
	});
});
