// Standard optimisation test functions for the Bayesian optimiser's benchmark (bench/bayes.bench.ts) and
// tests, each with its search space and its known global minimum.
import type { Sample, SearchSpace } from '../math/search-space';

export interface TestProblem {
	name: string;
	space: SearchSpace;
	/** The objective of a sample, or null where the sample is infeasible (no value exists there). */
	evaluate(params: Sample): number | null;
	/** The known global minimum over the feasible region. */
	minimum: number;
}

const floatParam = (name: string, min: number, max: number) =>
	({ name, type: 'float', min, max, scale: 'linear' }) as const;

/** Branin–Hoo on [−5, 10] × [0, 15]; minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export function branin(x1: number, x2: number): number {
	const b = 5.1 / (4 * Math.PI * Math.PI);
	const c = 5 / Math.PI;
	const t = 1 / (8 * Math.PI);
	return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

export const BRANIN_MINIMUM = 0.397887;

export const braninProblem: TestProblem = {
	name: 'Branin',
	space: { params: [floatParam('x1', -5, 10), floatParam('x2', 0, 15)] },
	evaluate: (p) => branin(p.x1 as number, p.x2 as number),
	minimum: BRANIN_MINIMUM
};

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
	[10, 3, 17, 3.5, 1.7, 8],
	[0.05, 10, 17, 0.1, 8, 14],
	[3, 3.5, 1.7, 10, 17, 8],
	[17, 8, 0.05, 10, 0.1, 14]
];
const HARTMANN_P = [
	[1312, 1696, 5569, 124, 8283, 5886],
	[2329, 4135, 8307, 3736, 1004, 9991],
	[2348, 1451, 3522, 2883, 3047, 6650],
	[4047, 8828, 8732, 5743, 1091, 381]
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann-6 on [0, 1]⁶; minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
export function hartmann6(x: readonly number[]): number {
	let sum = 0;
	for (let i = 0; i < 4; i++) {
		let inner = 0;
		for (let j = 0; j < 6; j++) inner += HARTMANN_A[i]![j]! * (x[j]! - HARTMANN_P[i]![j]!) ** 2;
		sum += HARTMANN_ALPHA[i]! * Math.exp(-inner);
	}
	return -sum;
}

export const HARTMANN6_MINIMUM = -3.32237;

const HARTMANN_NAMES = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'];

export const hartmann6Problem: TestProblem = {
	name: 'Hartmann-6',
	space: { params: HARTMANN_NAMES.map((name) => floatParam(name, 0, 1)) },
	evaluate: (p) => hartmann6(HARTMANN_NAMES.map((name) => p[name] as number)),
	minimum: HARTMANN6_MINIMUM
};

/**
 * Branin on the disc (x1 − 2.5)² + (x2 − 7.5)² ≤ 50, infeasible outside it. The disc holds only one of
 * Branin's three minimisers, (π, 2.275), so the minimum stays 0.397887 but two thirds of the basins are
 * infeasible: an optimiser has to learn where trials fail.
 */
export const constrainedBraninProblem: TestProblem = {
	name: 'Branin on a disc',
	space: braninProblem.space,
	evaluate: (p) => {
		const x1 = p.x1 as number;
		const x2 = p.x2 as number;
		return (x1 - 2.5) ** 2 + (x2 - 7.5) ** 2 <= 50 ? branin(x1, x2) : null;
	},
	minimum: BRANIN_MINIMUM
};
