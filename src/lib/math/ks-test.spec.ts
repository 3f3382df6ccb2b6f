import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival, ksStatisticUniform, ksTestUniform } from './ks-test';
import { Random } from './random';

describe('ksStatisticUniform', () => {
	it('computes D_n of a hand-made sample', () => {
		// sorted: 0.05 0.15 0.2 0.22 0.5 0.61 0.62 0.9 (n = 8); the largest gap is just after 0.22,
		// where the empirical CDF is 4/8 and the uniform CDF 0.22: D = 0.28 (scripts/reference prints 0.28).
		expect(ksStatisticUniform([0.9, 0.05, 0.62, 0.15, 0.5, 0.2, 0.61, 0.22])).toBeCloseTo(0.28, 15);
	});

	it('gives 1/(2n) for points at the centres of n equal bins, and 1 − 1/n for all points at 0', () => {
		const centres = Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10);
		expect(ksStatisticUniform(centres)).toBeCloseTo(0.05, 15);
		expect(ksStatisticUniform([0, 0, 0, 0])).toBe(1);
	});

	it('rejects an empty sample', () => {
		expect(() => ksStatisticUniform([])).toThrow(RangeError);
	});
});

describe('kolmogorovSurvival', () => {
	it('matches the Kolmogorov series printed by scripts/reference/halton_reference.py', () => {
		// (SciPy's kstwobign.sf prints the same figures.)
		const reference: [number, number][] = [
			[0.5, 0.9639452436648751],
			[0.8, 0.5441424115741981],
			[1.0, 0.26999967167735456],
			[1.2, 0.11224966667072496],
			[1.3581, 0.0499996304316674],
			[1.6276, 0.010001537333060776],
			[2.0, 0.0006709252557796953]
		];
		for (const [lambda, q] of reference) expect(kolmogorovSurvival(lambda)).toBeCloseTo(q, 12);
	});

	it('is 1 at 0, decreasing, and continuous where it switches series', () => {
		expect(kolmogorovSurvival(0)).toBe(1);
		expect(kolmogorovSurvival(0.1)).toBeCloseTo(1, 12);
		expect(kolmogorovSurvival(1 - 1e-12)).toBeCloseTo(kolmogorovSurvival(1), 10);
		let previous = 1;
		for (let lambda = 0.2; lambda < 3; lambda += 0.05) {
			const q = kolmogorovSurvival(lambda);
			expect(q).toBeLessThanOrEqual(previous);
			previous = q;
		}
	});
});

describe('ksTestUniform', () => {
	it('puts the α = 0.05 critical value near 1.36/√n for large n', () => {
		const n = 10_000;
		// A sample at the bin centres shifted by 1.36/√n − 1/(2n) has D_n = 1.36/√n exactly.
		const shift = 1.36 / Math.sqrt(n) - 0.5 / n;
		const sample = Array.from({ length: n }, (_, i) => Math.min(1, (i + 0.5) / n + shift));
		const { statistic, pValue } = ksTestUniform(sample);
		expect(statistic).toBeCloseTo(1.36 / Math.sqrt(n), 12);
		expect(pValue).toBeGreaterThan(0.045);
		expect(pValue).toBeLessThan(0.055);
	});

	it('accepts pseudo-random uniform numbers and rejects a squeezed sample', () => {
		const r = new Random(3);
		const uniform = Array.from({ length: 500 }, () => r.next());
		expect(ksTestUniform(uniform).pValue).toBeGreaterThan(0.01);
		const squeezed = uniform.map((u) => u * 0.9);
		expect(ksTestUniform(squeezed).pValue).toBeLessThan(1e-3);
	});
});
