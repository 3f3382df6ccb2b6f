import { describe, expect, it } from 'vitest';
import {
	clipByGlobalNorm,
	globalNorm,
	referenceGradientPoint,
	referenceInit,
	referenceStep,
	type ReferenceHyperparameters,
	type ReferenceOptimizerName
} from './optimizer-reference';

const HP: ReferenceHyperparameters = {
	momentum: 0.9,
	rho: 0.9,
	beta1: 0.9,
	beta2: 0.999,
	epsilon: 1e-8,
	weightDecay: 0
};

/** Runs a scalar problem: `gradOf(θ)` gives the gradient, `rates[k]` the learning rate of step k. */
function runScalar(
	kind: ReferenceOptimizerName,
	hp: ReferenceHyperparameters,
	theta0: number,
	gradOf: (theta: number) => number,
	rates: number[]
): number[] {
	let params: Float64Array[] = [Float64Array.of(theta0)];
	let state = referenceInit(kind, params);
	const trajectory: number[] = [];
	for (const lr of rates) {
		// The gradient is taken at the rule's gradient point (the params, or y for schedule-free rules).
		const theta = referenceGradientPoint(kind, hp, params, state)[0]?.[0] as number;
		const result = referenceStep(kind, hp, params, [Float64Array.of(gradOf(theta))], state, lr);
		params = result.params;
		state = result.state;
		trajectory.push(params[0]?.[0] as number);
	}
	return trajectory;
}

// The 1-D quadratic f(θ) = θ², so ∇f = 2θ, started at θ = 1.
const quadraticGrad = (theta: number) => 2 * theta;

describe('reference update rules against hand-computed values', () => {
	it('sgd with decoupled weight decay: 1 − 0.1·2 − 0.1·0.5·1', () => {
		const [theta] = runScalar('sgd', { ...HP, weightDecay: 0.5 }, 1, quadraticGrad, [0.1]);
		expect(theta).toBeCloseTo(0.75, 14);
	});

	it('momentum on the quadratic', () => {
		// v1 = 2, θ1 = 0.8; g = 1.6, v2 = 0.9·2 + 1.6 = 3.4, θ2 = 0.8 − 0.34 = 0.46
		const trajectory = runScalar('momentum', HP, 1, quadraticGrad, [0.1, 0.1]);
		expect(trajectory[0]).toBeCloseTo(0.8, 14);
		expect(trajectory[1]).toBeCloseTo(0.46, 14);
	});

	it('nesterov on the quadratic', () => {
		// v1 = 2, θ1 = 1 − 0.1·(1.8 + 2) = 0.62
		// g = 1.24, v2 = 3.04, θ2 = 0.62 − 0.1·(2.736 + 1.24) = 0.2224
		// g = 0.4448, v3 = 3.1808, θ3 = 0.2224 − 0.1·(2.86272 + 0.4448) = −0.108352
		const trajectory = runScalar('nesterov', HP, 1, quadraticGrad, [0.1, 0.1, 0.1]);
		expect(trajectory[0]).toBeCloseTo(0.62, 14);
		expect(trajectory[1]).toBeCloseTo(0.2224, 14);
		expect(trajectory[2]).toBeCloseTo(-0.108352, 14);
	});

	it('rmsprop starts v at 1, keeps ε inside the root and the learning rate inside m', () => {
		// Step 1 (lr 0.1, g 2): v1 = 0.9 + 0.1·4 = 1.3, m1 = 0.1·2/√(1.3 + 0.7) = 0.2/√2
		// Step 2 (lr 0.2, g 1): v2 = 1.17 + 0.1 = 1.27, m2 = 0.5·m1 + 0.2/√1.97
		const hp = { ...HP, momentum: 0.5, epsilon: 0.7 };
		const grads = [2, 1];
		let k = 0;
		const trajectory = runScalar('rmsprop', hp, 1, () => grads[k++] as number, [0.1, 0.2]);
		expect(trajectory[0]).toBeCloseTo(0.8585786437626906, 14);
		expect(trajectory[1]).toBeCloseTo(0.6453738656682165, 14);
	});

	it('adam moves each weight by about lr·sign(g) on its first step', () => {
		let params: Float64Array[] = [Float64Array.of(1, -2, 0.5), Float64Array.of(3)];
		const grads = [Float64Array.of(2, -0.001, 50), Float64Array.of(-7)];
		const result = referenceStep('adam', HP, params, grads, referenceInit('adam', params), 0.1);
		params = result.params;
		// Exactly: θ − lr·√0.001·g / (√0.001·|g| + ε); for g = 2 that is 1 − 0.1·0.99999984…
		expect(params[0]?.[0]).toBeCloseTo(0.9000000158113858, 14);
		expect(params[0]?.[1]).toBeCloseTo(-1.9, 4);
		expect(params[0]?.[2]).toBeCloseTo(0.4, 6);
		expect(params[1]?.[0]).toBeCloseTo(3.1, 6);
		expect(result.state.step).toBe(1);
	});

	it('adam second step uses b = √(1 − β2²) / (1 − β1²)', () => {
		// β1 = 0.5, β2 = 0.75, ε = 0. Step 1 (g 1): m = 0.5, v = 0.25, b = 1, θ = 1 − 0.1 = 0.9.
		// Step 2 (g 3): m = 1.75, v = 2.4375, b = √0.4375 / 0.75, θ = 0.9 − 0.1·1.75·b/√2.4375
		const hp = { ...HP, beta1: 0.5, beta2: 0.75, epsilon: 0 };
		const grads = [1, 3];
		let k = 0;
		const trajectory = runScalar('adam', hp, 1, () => grads[k++] as number, [0.1, 0.1]);
		expect(trajectory[0]).toBeCloseTo(0.9, 14);
		expect(trajectory[1]).toBeCloseTo(0.8011461696640956, 14);
	});

	it('nadam first step moves by about (1 + β1)·lr·sign(g)', () => {
		// Numerator β1·(1 − β1)·g + (1 − β1)·g = (1 − β1²)·g, so the step is ≈ 1.9·lr.
		const [theta] = runScalar('nadam', HP, 1, quadraticGrad, [0.1]);
		expect(theta).toBeCloseTo(0.810000030041633, 14);
	});

	it('leaves its inputs untouched', () => {
		const params = [Float64Array.of(1, 2)];
		const grads = [Float64Array.of(0.5, -0.5)];
		const state = referenceInit('rmsprop', params);
		referenceStep('rmsprop', HP, params, grads, state, 0.1);
		expect(Array.from(params[0] as Float64Array)).toEqual([1, 2]);
		expect(Array.from(state.slots.v?.[0] as Float64Array)).toEqual([1, 1]);
		expect(state.step).toBe(0);
	});
});

describe('schedule-free reference against hand-computed values (Defazio et al. 2024, Algorithm 1)', () => {
	it('sgd with β = 0.5 and a constant rate: x is the uniform average of the z sequence', () => {
		// f = θ², g = 2y. Step 1: y = 1, z = 1 − 0.2 = 0.8, c = 1, x = 0.8.
		// Step 2: y = 0.8, z = 0.8 − 0.16 = 0.64, c = 1/2, x = 0.72.
		// Step 3: y = 0.5·0.64 + 0.5·0.72 = 0.68, z = 0.64 − 0.136 = 0.504, c = 1/3, x = 0.648.
		const trajectory = runScalar(
			'schedule-free-sgd',
			{ ...HP, momentum: 0.5 },
			1,
			quadraticGrad,
			[0.1, 0.1, 0.1]
		);
		expect(trajectory[0]).toBeCloseTo(0.8, 14);
		expect(trajectory[1]).toBeCloseTo(0.72, 14);
		expect(trajectory[2]).toBeCloseTo(0.648, 14);
	});

	it('weights each z by γ²: rates 0.1 then 0.2 give c = 0.04 / 0.05 on the second step', () => {
		// Step 2: y = 0.8, z = 0.8 − 0.2·1.6 = 0.48, c = 0.8, x = 0.2·0.8 + 0.8·0.48 = 0.544.
		const trajectory = runScalar('schedule-free-sgd', { ...HP, momentum: 0.5 }, 1, quadraticGrad, [0.1, 0.2]);
		expect(trajectory[1]).toBeCloseTo(0.544, 14);
	});

	it('decays z by γ·λ·y, the interpolated point, not x or z', () => {
		// λ = 0.5. Step 1: z = 1 − 0.2 − 0.05 = 0.75 = x. Step 2: y = 0.75, z = 0.75 − 0.15 − 0.0375
		// = 0.5625, x = 0.65625. Step 3: y = 0.609375, z = 0.5625 − 0.121875 − 0.05·0.609375
		// = 0.41015625, x = (2/3)·0.65625 + (1/3)·0.41015625 = 0.57421875.
		const hp = { ...HP, momentum: 0.5, weightDecay: 0.5 };
		const trajectory = runScalar('schedule-free-sgd', hp, 1, quadraticGrad, [0.1, 0.1, 0.1]);
		expect(trajectory[0]).toBeCloseTo(0.75, 14);
		expect(trajectory[1]).toBeCloseTo(0.65625, 14);
		expect(trajectory[2]).toBeCloseTo(0.57421875, 14);
	});

	it('a zero-rate first step (a warmup starting at 0) leaves x and z where they were', () => {
		const [theta, next] = runScalar('schedule-free-sgd', HP, 1, quadraticGrad, [0, 0.1]);
		expect(theta).toBe(1);
		// Then as a first step: z = x = 0.8.
		expect(next).toBeCloseTo(0.8, 14);
	});

	it('adamw: γₜ = η·√(1 − β₂ᵗ), z preconditioned by √v, x weighted by γₜ² / Σγ²', () => {
		// β = 0.5, β₂ = 0.75, ε = 0, η = 0.1, gradients 1 then 3.
		// Step 1: v = 0.25, γ₁ = 0.1·√0.25 = 0.05, z = 1 − 0.05·1/0.5 = 0.9, c = 1, x = 0.9.
		// Step 2: v = 0.1875 + 2.25 = 2.4375, γ₂ = 0.1·√0.4375, z = 0.9 − γ₂·3/√2.4375 = 0.77290221813955,
		//         c = 0.004375 / (0.0025 + 0.004375) = 7/11, x = (4/11)·0.9 + (7/11)·z = 0.81911959336153.
		const hp = { ...HP, beta1: 0.5, beta2: 0.75, epsilon: 0 };
		let params: Float64Array[] = [Float64Array.of(1)];
		let state = referenceInit('schedule-free-adamw', params);
		for (const g of [1, 3]) {
			({ params, state } = referenceStep(
				'schedule-free-adamw',
				hp,
				params,
				[Float64Array.of(g)],
				state,
				0.1
			));
		}
		expect(state.slots.z?.[0]?.[0]).toBeCloseTo(0.7729022181395515, 14);
		expect(state.slots.v?.[0]?.[0]).toBeCloseTo(2.4375, 14);
		expect(params[0]?.[0]).toBeCloseTo(0.8191195933615327, 14);
		expect(state.rateSquaredSum).toBeCloseTo(0.006875, 16);
		// The next gradient is taken at y = 0.5·z + 0.5·x.
		const [y] = referenceGradientPoint('schedule-free-adamw', hp, params, state);
		expect(y?.[0]).toBeCloseTo(0.7960109057505421, 14);
	});

	it('starts z at the weights and leaves its inputs untouched', () => {
		const params = [Float64Array.of(1, 2)];
		const state = referenceInit('schedule-free-adamw', params);
		expect(Array.from(state.slots.z?.[0] as Float64Array)).toEqual([1, 2]);
		expect(Array.from(state.slots.v?.[0] as Float64Array)).toEqual([0, 0]);
		referenceStep('schedule-free-adamw', HP, params, [Float64Array.of(0.5, -0.5)], state, 0.1);
		expect(Array.from(params[0] as Float64Array)).toEqual([1, 2]);
		expect(Array.from(state.slots.z?.[0] as Float64Array)).toEqual([1, 2]);
		expect(state.rateSquaredSum).toBe(0);
	});
});

describe('reference clipping', () => {
	it('computes the global norm over all arrays', () => {
		expect(globalNorm([Float64Array.of(3), Float64Array.of(0, 4)])).toBe(5);
	});

	it('scales to the max norm and reports the unclipped norm', () => {
		const { grads, norm, clipped } = clipByGlobalNorm([Float64Array.of(3), Float64Array.of(0, 4)], 1);
		expect(norm).toBe(5);
		expect(clipped).toBe(true);
		expect(grads[0]?.[0]).toBeCloseTo(0.6, 15);
		expect(grads[1]?.[1]).toBeCloseTo(0.8, 15);
	});

	it('leaves small or unclipped gradients alone', () => {
		for (const maxNorm of [10, 0, undefined]) {
			const { grads, clipped } = clipByGlobalNorm([Float64Array.of(3, 4)], maxNorm);
			expect(clipped).toBe(false);
			expect(Array.from(grads[0] as Float64Array)).toEqual([3, 4]);
		}
	});
});
