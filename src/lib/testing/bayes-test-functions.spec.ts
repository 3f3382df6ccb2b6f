import { describe, expect, it } from 'vitest';
import { branin, constrainedBraninProblem, hartmann6 } from './bayes-test-functions';

describe('benchmark test functions reach their published minima', () => {
	it('Branin: 0.397887 at each of its three minimisers', () => {
		for (const [x1, x2] of [
			[-Math.PI, 12.275],
			[Math.PI, 2.275],
			[9.42478, 2.475]
		]) {
			expect(branin(x1!, x2!)).toBeCloseTo(0.397887, 5);
		}
		// By hand at the origin: 36 + 10(1 − 1/(8π)) + 10.
		expect(branin(0, 0)).toBeCloseTo(56 - 10 / (8 * Math.PI), 12);
	});

	it('Hartmann-6: −3.32237 at its published minimiser', () => {
		expect(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 4);
	});

	it('the disc-constrained Branin keeps (π, 2.275) and rules out the other two minimisers', () => {
		expect(constrainedBraninProblem.evaluate({ x1: Math.PI, x2: 2.275 })).toBeCloseTo(0.397887, 5);
		expect(constrainedBraninProblem.evaluate({ x1: -Math.PI, x2: 12.275 })).toBeNull();
		expect(constrainedBraninProblem.evaluate({ x1: 9.42478, x2: 2.475 })).toBeNull();
	});
});
