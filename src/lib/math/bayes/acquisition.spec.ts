import { describe, expect, it } from 'vitest';
import { constrainedAcquisition, expectedImprovement } from './acquisition';

describe('expected improvement', () => {
	it('equals φ(0) when the mean sits on the incumbent with unit spread', () => {
		expect(expectedImprovement(0, 1, 0)).toBeCloseTo(0.3989422804014327, 14);
	});

	it('equals Φ(1) + φ(1) one standard deviation below the incumbent', () => {
		// (best − μ)Φ(z) + σφ(z) with z = 1, by hand: 0.841344746 + 0.241970725.
		expect(expectedImprovement(0, 1, 1)).toBeCloseTo(1.0833154705876864, 13);
	});

	it('is the plain improvement without uncertainty, and scales with σ', () => {
		expect(expectedImprovement(1, 0, 2)).toBe(1);
		expect(expectedImprovement(3, 0, 2)).toBe(0);
		expect(expectedImprovement(0, 2, 0)).toBeCloseTo(2 * 0.3989422804014327, 14);
	});

	it('multiplies by P(feasible), and is P(feasible) alone before any feasible trial', () => {
		expect(constrainedAcquisition(0, 1, 0, 0.25)).toBeCloseTo(0.25 * 0.3989422804014327, 14);
		expect(constrainedAcquisition(0, 1, null, 0.7)).toBe(0.7);
	});
});
