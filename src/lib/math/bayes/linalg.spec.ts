import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve, choleskyWithJitter, halfLogDet } from './linalg';

// A classic SPD example whose factor has small integer entries: L = [[2,0,0],[6,1,0],[−8,5,3]].
const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);

describe('cholesky', () => {
	it('factors a known 3×3 matrix exactly', () => {
		const l = cholesky(A, 3)!;
		expect(Array.from(l)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
	});

	it('solves A·x = b and gives ½·log det A = log(2·1·3)', () => {
		const l = cholesky(A, 3)!;
		// b = A·[1, 2, 3] by hand.
		const x = choleskySolve(l, 3, [-20, -43, 192]);
		expect(Array.from(x).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 2, 3]);
		expect(halfLogDet(l, 3)).toBeCloseTo(Math.log(6), 14);
	});

	it('inverts: A·A⁻¹ = I', () => {
		const inverse = choleskyInverse(cholesky(A, 3)!, 3);
		for (let i = 0; i < 3; i++) {
			for (let j = 0; j < 3; j++) {
				let sum = 0;
				for (let k = 0; k < 3; k++) sum += A[i * 3 + k]! * inverse[k * 3 + j]!;
				expect(sum).toBeCloseTo(i === j ? 1 : 0, 10);
			}
		}
	});

	it('refuses an indefinite matrix, and a singular one needs jitter', () => {
		expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
		const singular = Float64Array.from([1, 1, 1, 1]);
		expect(cholesky(singular, 2)).toBeNull();
		const { jitter } = choleskyWithJitter(singular, 2);
		expect(jitter).toBeGreaterThan(0);
		expect(jitter).toBeLessThanOrEqual(1e-2);
	});
});
