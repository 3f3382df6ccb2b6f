import { describe, expect, it } from 'vitest';
import { centeredL2Discrepancy } from './discrepancy';
import { Random } from './random';

describe('centeredL2Discrepancy (squared, CD²)', () => {
	it('matches the plain-Python formula of scripts/reference/halton_reference.py', () => {
		// Printed by the script; SciPy's qmc.discrepancy(method='CD') prints the same figures.
		expect(centeredL2Discrepancy([[0.1], [0.4], [0.7]])).toBeCloseTo(0.019999999999999574, 14);
		expect(
			centeredL2Discrepancy([
				[0.125, 0.625],
				[0.375, 0.125],
				[0.625, 0.875],
				[0.875, 0.375]
			])
		).toBeCloseTo(0.01626247829861094, 14);
		expect(
			centeredL2Discrepancy([
				[0.05, 0.9, 0.33],
				[0.5, 0.5, 0.5],
				[0.77, 0.12, 0.64],
				[0.31, 0.42, 0.98],
				[0.99, 0.01, 0.2]
			])
		).toBeCloseTo(0.07032802017763684, 14);
	});

	it('gives 1/12 for a single point at the centre of the unit interval', () => {
		// (13/12) − 2·1 + 1 = 1/12 by the formula's three terms.
		expect(centeredL2Discrepancy([[0.5]])).toBeCloseTo(1 / 12, 15);
	});

	it('does not depend on the order of the points and rewards spreading them out', () => {
		const spread = [[0.1], [0.3], [0.5], [0.7], [0.9]];
		const clumped = [[0.1], [0.12], [0.14], [0.16], [0.18]];
		expect(centeredL2Discrepancy([...spread].reverse())).toBeCloseTo(centeredL2Discrepancy(spread), 15);
		expect(centeredL2Discrepancy(spread)).toBeLessThan(centeredL2Discrepancy(clumped) / 10);
	});

	it('shrinks like 1/N for independent uniform points', () => {
		// E[CD²] for N iid uniform points is c_d / N: averaged over seeds, quadrupling N quarters it.
		const mean = (n: number): number => {
			let sum = 0;
			for (let s = 0; s < 40; s++) {
				const r = new Random(s);
				sum += centeredL2Discrepancy(Array.from({ length: n }, () => [r.next(), r.next()]));
			}
			return sum / 40;
		};
		const ratio = mean(16) / mean(64);
		expect(ratio).toBeGreaterThan(3);
		expect(ratio).toBeLessThan(5.3);
	});

	it('rejects empty sets, ragged points and coordinates outside [0, 1]', () => {
		expect(() => centeredL2Discrepancy([])).toThrow(RangeError);
		expect(() => centeredL2Discrepancy([[0.1, 0.2], [0.3]])).toThrow(/Point 1 has 1 coordinates/);
		expect(() => centeredL2Discrepancy([[0.1], [1.2]])).toThrow(/outside \[0, 1\]/);
		expect(() => centeredL2Discrepancy([[NaN]])).toThrow(RangeError);
	});
});
