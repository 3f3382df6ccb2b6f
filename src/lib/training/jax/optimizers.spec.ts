// Each optimizer of the compiled engine against the independent float64 reference
// (src/lib/math/optimizer-reference.ts), through the same coefficient vector the compiled step uses.
import { jit, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	clipByGlobalNorm as referenceClip,
	referenceGradientPoint,
	referenceInit,
	referenceStep,
	type ReferenceHyperparameters,
	type ReferenceOptimizerName
} from '$lib/math/optimizer-reference';
import { clipByGlobalNorm } from './clip';
import { applyRule, applyScheduleFree, gradientPoint, type OptimizerConfig } from './optimizers';
import { nextRateSquaredSum } from '../optimizer-scalars';
import { initJax, normals } from '../../testing/jax-fixtures';
import { stepCoefficients, stepLayout } from './train-step';

beforeAll(initJax);

const HP: ReferenceHyperparameters = {
	momentum: 0.9,
	rho: 0.95,
	beta1: 0.85,
	beta2: 0.99,
	epsilon: 1e-6,
	weightDecay: 0
};
const SHAPES = [[5], [2, 3]];
const RATES = [0.1, 0.05, 0.02, 0.08, 0.01, 0.03];
/** float32 arithmetic against float64 over six steps: |jax − reference| ≤ ATOL + RTOL·|reference|. */
const ATOL = 1e-6;
const RTOL = 2e-5;

function config(kind: ReferenceOptimizerName, weightDecay: number): OptimizerConfig {
	const { momentum, rho, beta1, beta2, epsilon } = HP;
	switch (kind) {
		case 'sgd':
			return { kind, weightDecay };
		case 'momentum':
		case 'nesterov':
			return { kind, momentum, weightDecay };
		case 'rmsprop':
			return { kind, rho, momentum, epsilon, weightDecay };
		case 'adam':
		case 'nadam':
		case 'schedule-free-adamw':
			return { kind, beta1, beta2, epsilon, weightDecay };
		case 'schedule-free-sgd':
			return { kind, momentum, weightDecay };
	}
}

function expectClose(actual: Float32Array, expected: Float64Array, what: string): void {
	expect(actual.length, what).toBe(expected.length);
	expected.forEach((e, j) => {
		const error = Math.abs(actual[j]! - e);
		if (error > ATOL + RTOL * Math.abs(e)) expect.fail(`${what}[${j}]: ${actual[j]} vs reference ${e}`);
	});
	expect(true).toBe(true);
}

const KINDS: ReferenceOptimizerName[] = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'nadam'];

describe('compiled optimizers against the float64 reference', () => {
	for (const kind of KINDS) {
		for (const weightDecay of [0, 0.1]) {
			it(`${kind}, weight decay ${weightDecay}: params and slots over ${RATES.length} steps`, async () => {
				const options = { optimizer: config(kind, weightDecay) };
				const layout = stepLayout(options);
				const slotNames = Object.keys(layout.rule.slotInitialValues);
				const update = jit((params: np.Array[], slots: np.Array[][], grads: np.Array[], c: np.Array) => {
					const at = (i: number) => c.ref.slice(i);
					const out = applyRule(
						layout.rule,
						params,
						slots,
						grads,
						(i) => at(1 + i),
						weightDecay ? () => at(0) : null
					);
					c.dispose();
					return out;
				});
				const start = SHAPES.map((s, i) =>
					normals(
						s.reduce((a, b) => a * b),
						10 + i
					)
				);
				let refParams: Float64Array[] = start.map((p) => Float64Array.from(p));
				let refState = referenceInit(kind, refParams);
				let params = SHAPES.map((s, i) => np.array(start[i]!).reshape(s));
				let slots = slotNames.map((name) =>
					SHAPES.map((s) => np.full(s, layout.rule.slotInitialValues[name] as number))
				);
				for (const [t, lr] of RATES.entries()) {
					const grads = SHAPES.map((s, i) =>
						normals(
							s.reduce((a, b) => a * b),
							100 * t + i
						)
					);
					const ref = referenceStep(
						kind,
						{ ...HP, weightDecay },
						refParams,
						grads.map((g) => Float64Array.from(g)),
						refState,
						lr
					);
					refParams = ref.params;
					refState = ref.state;
					const c = np.array(stepCoefficients(layout, options, lr, t + 1, [], 0));
					const out = update(
						params,
						slots,
						SHAPES.map((s, i) => np.array(grads[i]!).reshape(s)),
						c
					);
					params = out.params;
					slots = out.slots;
				}
				for (const [i, p] of params.entries())
					expectClose((await p.ref.data()) as Float32Array, refParams[i]!, `${kind} param ${i}`);
				for (const [s, name] of slotNames.entries()) {
					for (const [i, a] of slots[s]!.entries()) {
						expectClose(
							(await a.ref.data()) as Float32Array,
							refState.slots[name]![i]!,
							`${kind} slot ${name}[${i}]`
						);
					}
				}
				for (const a of [...params, ...slots.flat()]) a.dispose();
				update.dispose();
			});
		}
	}
});

describe('compiled schedule-free optimizers against the float64 reference, step by step', () => {
	for (const kind of ['schedule-free-adamw', 'schedule-free-sgd'] as const) {
		for (const weightDecay of [0, 0.1]) {
			it(`${kind}, weight decay ${weightDecay}: y, x, z (and v) after each of ${RATES.length} steps`, async () => {
				const options = { optimizer: config(kind, weightDecay) };
				const layout = stepLayout(options);
				const slotNames = Object.keys(layout.rule.slotInitialValues);
				const zAt = slotNames.indexOf('z');
				// The compiled step's own split: y from (x, z), then the update with the gradient given.
				const point = jit((params: np.Array[], z: np.Array[], c: np.Array) => {
					const y = gradientPoint(params, z, (i) => c.ref.slice(1 + i));
					for (const a of [...params, ...z, c]) a.dispose();
					return y;
				});
				const update = jit((params: np.Array[], slots: np.Array[][], grads: np.Array[], c: np.Array) => {
					const at = (i: number) => c.ref.slice(i);
					const out = applyScheduleFree(
						layout.rule,
						params,
						slots,
						grads,
						(i) => at(1 + i),
						weightDecay ? () => at(0) : null
					);
					c.dispose();
					return out;
				});
				const sizes = SHAPES.map((s) => s.reduce((a, b) => a * b));
				const start = sizes.map((n, i) => normals(n, 10 + i));
				let refParams: Float64Array[] = start.map((p) => Float64Array.from(p));
				let refState = referenceInit(kind, refParams);
				let params = SHAPES.map((s, i) => np.array(start[i]!).reshape(s));
				// z starts at the weights, v at 0.
				let slots = slotNames.map((name) =>
					name === 'z'
						? SHAPES.map((s, i) => np.array(start[i]!).reshape(s))
						: SHAPES.map((s) => np.full(s, 0))
				);
				let sum = 0;
				for (const [t, lr] of RATES.entries()) {
					sum = nextRateSquaredSum(layout.rule, sum, lr, t + 1);
					const coefficients = stepCoefficients(layout, options, lr, t + 1, [], sum);
					const refPoint = referenceGradientPoint(kind, { ...HP, weightDecay }, refParams, refState);
					const ys = point(
						params.map((p) => p.ref),
						slots[zAt]!.map((z) => z.ref),
						np.array(coefficients)
					);
					for (const [i, y] of ys.entries())
						expectClose((await y.data()) as Float32Array, refPoint[i]!, `step ${t + 1} y ${i}`);
					const grads = sizes.map((n, i) => normals(n, 100 * t + i));
					const ref = referenceStep(
						kind,
						{ ...HP, weightDecay },
						refParams,
						grads.map((g) => Float64Array.from(g)),
						refState,
						lr
					);
					refParams = ref.params;
					refState = ref.state;
					expect(sum).toBeCloseTo(refState.rateSquaredSum, 12);
					const out = update(
						params,
						slots,
						SHAPES.map((s, i) => np.array(grads[i]!).reshape(s)),
						np.array(coefficients)
					);
					params = out.params;
					slots = out.slots;
					for (const [i, p] of params.entries())
						expectClose((await p.ref.data()) as Float32Array, refParams[i]!, `step ${t + 1} x ${i}`);
					for (const [s, name] of slotNames.entries()) {
						for (const [i, a] of slots[s]!.entries()) {
							expectClose(
								(await a.ref.data()) as Float32Array,
								refState.slots[name]![i]!,
								`step ${t + 1} ${name}[${i}]`
							);
						}
					}
				}
				for (const a of [...params, ...slots.flat()]) a.dispose();
				point.dispose();
				update.dispose();
			});
		}
	}
});

describe('clipping by global norm', () => {
	for (const limit of [0, 0.5, 100]) {
		it(`limit ${limit}: the unclipped norm, the flag and the scaled gradients`, async () => {
			const grads = SHAPES.map((s, i) =>
				normals(
					s.reduce((a, b) => a * b),
					50 + i
				)
			);
			const ref = referenceClip(
				grads.map((g) => Float64Array.from(g)),
				limit
			);
			const clip = jit((gs: np.Array[], l: np.Array) => {
				const out = clipByGlobalNorm(gs, limit > 0 ? l : (l.dispose(), null));
				return { grads: out.grads, stats: np.stack([out.norm, out.clipped]) };
			});
			const out = clip(
				SHAPES.map((s, i) => np.array(grads[i]!).reshape(s)),
				np.array(limit)
			);
			const [norm, clipped] = await out.stats.data();
			expect(norm).toBeCloseTo(ref.norm, 5);
			expect(clipped).toBe(ref.clipped ? 1 : 0);
			for (const [i, g] of out.grads.entries())
				expectClose((await g.data()) as Float32Array, ref.grads[i]!, `grad ${i}`);
			clip.dispose();
		});
	}
});
