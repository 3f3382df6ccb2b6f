import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	referenceGradientPoint,
	referenceInit,
	referenceStep,
	type ReferenceHyperparameters,
	type ReferenceState
} from '$lib/math/optimizer-reference';
import { DEFAULT_TRIAL_CONFIG, type OptimizerName } from '$lib/study/trial-config';
import {
	createOptimizer,
	disposeOptimizerState,
	exportOptimizerState,
	importOptimizerState,
	OPTIMIZER_NAMES,
	pickOptimizerKeys,
	validateOptimizerConfig,
	type OptimizerConfig
} from './optimizers';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

// A fixed least-squares problem: loss(W, b) = mean((X·W + b − Y)²) with W 3×2 and b of length 2.
const X = tf.tensor2d([
	[0.5, -1.25, 2],
	[1.5, 0.25, -0.75],
	[-1, 0.5, 0.25],
	[0.125, 2, -1.5]
]);
const Y = tf.tensor2d([
	[1, -0.5],
	[0.25, 2],
	[-1.5, 0.75],
	[0.5, -1]
]);
const W0 = [0.25, -0.5, 0.75, 0.125, -0.375, 1];
const B0 = [0.5, -0.25];
const RATES = [0.05, 0.1, 0.02, 0.08, 0.03, 0.06];

const lossGrads = tf.grads((w: tf.Tensor, b: tf.Tensor) =>
	tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, w), b), Y)))
);

function makeParams(w = W0, b = B0): tf.Variable[] {
	return tf.tidy(() => [tf.variable(tf.tensor2d(w, [3, 2])), tf.variable(tf.tensor1d(b))]);
}

/** Non-default hyperparameters, with ε large enough that its placement changes the result. */
function configFor(kind: OptimizerName, weightDecay: number): OptimizerConfig {
	switch (kind) {
		case 'sgd':
			return { kind, weightDecay };
		case 'momentum':
		case 'nesterov':
			return { kind, momentum: 0.8, weightDecay };
		case 'rmsprop':
			return { kind, rho: 0.85, momentum: 0.7, epsilon: 1e-3, weightDecay };
		case 'adam':
		case 'nadam':
		case 'schedule-free-adamw':
			return { kind, beta1: 0.8, beta2: 0.95, epsilon: 1e-3, weightDecay };
		case 'schedule-free-sgd':
			return { kind, momentum: 0.7, weightDecay };
	}
}

function referenceHyperparameters(config: OptimizerConfig): ReferenceHyperparameters {
	// Values a rule does not read are filled with NaN so that reading one would show.
	return { momentum: NaN, rho: NaN, beta1: NaN, beta2: NaN, epsilon: NaN, ...config };
}

const toFloat64 = (t: tf.Tensor) => Float64Array.from(t.dataSync());

// Relative tolerance 1e-5 with an absolute floor of 1e-6 for values near zero (float32 against float64).
function expectClose(actual: ArrayLike<number>, expected: Float64Array, label: string): void {
	expect(actual.length, label).toBe(expected.length);
	expected.forEach((r, j) => {
		const a = actual[j] as number;
		const tolerance = Math.max(1e-5 * Math.abs(r), 1e-6);
		if (!(Math.abs(a - r) <= tolerance)) {
			expect.fail(`${label}[${j}]: tfjs ${a} vs reference ${r} (tolerance ${tolerance})`);
		}
	});
}

describe('tfjs optimizers against the float64 reference', () => {
	const cases = OPTIMIZER_NAMES.flatMap((kind) => [0, 0.1].map((weightDecay) => ({ kind, weightDecay })));

	it.each(cases)('$kind with weightDecay $weightDecay matches for 6 steps', ({ kind, weightDecay }) => {
		const config = configFor(kind, weightDecay);
		const optimizer = createOptimizer(config);
		const params = makeParams();
		const state = optimizer.init(params);
		const hp = referenceHyperparameters(config);
		let refParams: Float64Array[] = params.map(toFloat64);
		let refState: ReferenceState = referenceInit(kind, refParams);

		for (const lr of RATES) {
			// The gradient is taken where the rule says (y for the schedule-free rules), which must
			// agree with the reference's point too.
			const point = optimizer.gradientPoint(params, state);
			const refPoint = referenceGradientPoint(kind, hp, refParams, refState);
			(point ?? params).forEach((p, i) =>
				expectClose(p.dataSync(), refPoint[i] as Float64Array, `step ${state.step + 1} gradient point ${i}`)
			);
			const grads = lossGrads(point ?? params);
			if (point) tf.dispose(point);
			const refGrads = grads.map(toFloat64);
			const returned = optimizer.apply(params, grads, state, lr);
			expect(returned).toBe(state);
			tf.dispose(grads);
			({ params: refParams, state: refState } = referenceStep(kind, hp, refParams, refGrads, refState, lr));
			expect(state.rateSquaredSum).toBeCloseTo(refState.rateSquaredSum, 12);

			params.forEach((p, i) =>
				expectClose(p.dataSync(), refParams[i] as Float64Array, `step ${state.step} param ${i}`)
			);
			for (const [name, variables] of Object.entries(state.slots)) {
				variables.forEach((v, i) =>
					expectClose(
						v.dataSync(),
						refState.slots[name]?.[i] as Float64Array,
						`step ${state.step} slot ${name}[${i}]`
					)
				);
			}
		}
		expect(state.step).toBe(RATES.length);
		expect(Object.keys(state.slots).sort()).toEqual(Object.keys(refState.slots).sort());
		disposeOptimizerState(state);
		tf.dispose(params);
	});
});

describe('optimizer tensor hygiene and checkpoints', () => {
	it.each(OPTIMIZER_NAMES)('%s keeps tf.memory().numTensors flat across apply()', (kind) => {
		const before = tf.memory().numTensors;
		const optimizer = createOptimizer(configFor(kind, 0.1));
		const params = makeParams();
		const state = optimizer.init(params);
		const step = (lr: number) => {
			const grads = lossGrads(params);
			optimizer.apply(params, grads, state, lr);
			tf.dispose(grads);
		};
		step(0.1);
		const afterFirst = tf.memory().numTensors;
		for (const lr of RATES) {
			step(lr);
			expect(tf.memory().numTensors).toBe(afterFirst);
		}
		disposeOptimizerState(state);
		tf.dispose(params);
		expect(tf.memory().numTensors).toBe(before);
	});

	it.each(OPTIMIZER_NAMES)('%s continues identically after export → import', async (kind) => {
		const optimizer = createOptimizer(configFor(kind, 0.1));
		const run = (params: tf.Variable[], state: ReturnType<typeof optimizer.init>, rates: number[]) => {
			for (const lr of rates) {
				const grads = lossGrads(params);
				optimizer.apply(params, grads, state, lr);
				tf.dispose(grads);
			}
		};
		const original = makeParams();
		const state = optimizer.init(original);
		run(original, state, RATES.slice(0, 3));

		const serialized = await exportOptimizerState(state);
		expect(serialized.step).toBe(3);
		const restored = makeParams(Array.from(original[0]!.dataSync()), Array.from(original[1]!.dataSync()));
		const restoredState = importOptimizerState(serialized, restored);

		run(original, state, RATES.slice(3));
		run(restored, restoredState, RATES.slice(3));
		expect(restoredState.step).toBe(state.step);
		original.forEach((p, i) => expect(Array.from(restored[i]!.dataSync())).toEqual(Array.from(p.dataSync())));

		disposeOptimizerState(state);
		disposeOptimizerState(restoredState);
		tf.dispose([...original, ...restored]);
	});

	it('schedule-free state starts z at the weights and carries Σγ² through export → import', async () => {
		const optimizer = createOptimizer(configFor('schedule-free-adamw', 0));
		const params = makeParams();
		const state = optimizer.init(params);
		expect(Array.from(state.slots.z![0]!.dataSync())).toEqual(W0);
		for (const lr of [0.1, 0.2]) {
			const grads = lossGrads(params);
			optimizer.apply(params, grads, state, lr);
			tf.dispose(grads);
		}
		// γₜ = η·√(1 − β₂ᵗ) with β₂ = 0.95: 0.01·0.05 + 0.04·(1 − 0.9025).
		const expected = 0.01 * 0.05 + 0.04 * (1 - 0.9025);
		expect(state.rateSquaredSum).toBeCloseTo(expected, 15);
		const serialized = await exportOptimizerState(state);
		expect(Object.keys(serialized.slots).sort()).toEqual(['v', 'z']);
		expect(serialized.rateSquaredSum).toBe(state.rateSquaredSum);
		const restored = importOptimizerState(serialized, params);
		expect(restored.rateSquaredSum).toBe(state.rateSquaredSum);
		expect(() => importOptimizerState({ ...serialized, rateSquaredSum: -1 }, params)).toThrow(
			/rateSquaredSum must be a finite number >= 0 \(got -1\)/
		);
		// Plain optimizers carry no such number.
		const adamState = createOptimizer(configFor('adam', 0)).init(params);
		expect('rateSquaredSum' in (await exportOptimizerState(adamState))).toBe(false);
		disposeOptimizerState(state);
		disposeOptimizerState(restored);
		disposeOptimizerState(adamState);
		tf.dispose(params);
	});

	it('export copies the values and import checks shapes', async () => {
		const params = makeParams();
		const state = createOptimizer(configFor('adam', 0)).init(params);
		const serialized = await exportOptimizerState(state);
		expect(serialized.slots.m?.map((a) => a.length)).toEqual([6, 2]);
		serialized.slots.m![0]![0] = 42;
		expect(state.slots.m![0]!.dataSync()[0]).toBe(0);
		expect(() => importOptimizerState(serialized, params.slice(0, 1))).toThrow(/slot m holds 2 arrays for 1/);
		const truncated = { step: 1, slots: { m: [new Float32Array(5), new Float32Array(2)] } };
		expect(() => importOptimizerState(truncated, params)).toThrow(/slot m\[0\] has 5 values, expected 6/);
		disposeOptimizerState(state);
		tf.dispose(params);
	});
});

describe('validateOptimizerConfig', () => {
	it('fills defaults per optimizer', () => {
		expect(validateOptimizerConfig({ kind: 'rmsprop' })).toEqual({
			ok: true,
			value: { kind: 'rmsprop', rho: 0.9, momentum: 0, epsilon: 1e-8, weightDecay: 0 }
		});
		expect(validateOptimizerConfig({ kind: 'nesterov', weightDecay: 1e-4 })).toEqual({
			ok: true,
			value: { kind: 'nesterov', momentum: 0.9, weightDecay: 1e-4 }
		});
		expect(validateOptimizerConfig({ kind: 'adam', beta2: 0.98 })).toEqual({
			ok: true,
			value: { kind: 'adam', beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weightDecay: 0 }
		});
	});

	it('names unknown keys and lists the valid ones', () => {
		const result = validateOptimizerConfig({ kind: 'sgd', lr: 0.1 });
		expect(result).toEqual({
			ok: false,
			errors: ['unknown key "lr"; valid keys are kind, momentum, rho, beta1, beta2, epsilon, weightDecay']
		});
	});

	it('rejects hyperparameters of another optimizer by name', () => {
		const result = validateOptimizerConfig({ kind: 'adam', rho: 0.9, momentum: 0.5 });
		expect(result.ok).toBe(false);
		expect(!result.ok && result.errors).toEqual([
			'"rho" does not apply to adam; it takes beta1, beta2, epsilon, weightDecay',
			'"momentum" does not apply to adam; it takes beta1, beta2, epsilon, weightDecay'
		]);
		const sgd = validateOptimizerConfig({ kind: 'sgd', beta1: 0.9 });
		expect(!sgd.ok && sgd.errors).toEqual(['"beta1" does not apply to sgd; it takes weightDecay']);
	});

	it('checks ranges and types', () => {
		const result = validateOptimizerConfig({
			kind: 'rmsprop',
			rho: 1,
			momentum: -0.1,
			epsilon: 0,
			weightDecay: -1
		});
		expect(!result.ok && result.errors).toEqual([
			'rho must be in [0, 1) (got 1)',
			'momentum must be in [0, 1) (got -0.1)',
			'epsilon must be > 0 (got 0)',
			'weightDecay must be >= 0 (got -1)'
		]);
		const adam = validateOptimizerConfig({ kind: 'adam', beta1: '0.9', beta2: NaN });
		expect(!adam.ok && adam.errors).toEqual([
			'beta1 must be a finite number (got "0.9")',
			'beta2 must be a finite number (got null)'
		]);
	});

	it('rejects a missing or unknown kind and non-objects', () => {
		const result = validateOptimizerConfig({ kind: 'adagrad' });
		expect(!result.ok && result.errors).toEqual([
			'kind must be one of sgd, momentum, nesterov, rmsprop, adam, nadam, schedule-free-adamw, schedule-free-sgd (got "adagrad")'
		]);
		expect(validateOptimizerConfig([])).toEqual({
			ok: false,
			errors: ['optimizer config must be an object']
		});
	});
});

describe('pickOptimizerKeys', () => {
	it('takes the chosen optimizer keys from a flat trial config', () => {
		expect(pickOptimizerKeys(DEFAULT_TRIAL_CONFIG)).toEqual({
			kind: 'adam',
			beta1: 0.9,
			beta2: 0.999,
			epsilon: 1e-8,
			weightDecay: 0
		});
	});

	it('ignores keys of other optimizers and throws on bad values', () => {
		expect(pickOptimizerKeys({ ...DEFAULT_TRIAL_CONFIG, optimizer: 'momentum', weightDecay: 0.01 })).toEqual({
			kind: 'momentum',
			momentum: 0.9,
			weightDecay: 0.01
		});
		expect(() => pickOptimizerKeys({ ...DEFAULT_TRIAL_CONFIG, beta1: 1 })).toThrow(
			/beta1 must be in \[0, 1\)/
		);
	});

	it('takes beta1, beta2 and epsilon for schedule-free AdamW and momentum for schedule-free SGD', () => {
		expect(pickOptimizerKeys({ optimizer: 'schedule-free-adamw', beta1: 0.95, momentum: 0.5 })).toEqual({
			kind: 'schedule-free-adamw',
			beta1: 0.95,
			beta2: 0.999,
			epsilon: 1e-8,
			weightDecay: 0
		});
		expect(validateOptimizerConfig({ kind: 'schedule-free-sgd' })).toEqual({
			ok: true,
			value: { kind: 'schedule-free-sgd', momentum: 0.9, weightDecay: 0 }
		});
		const wrong = validateOptimizerConfig({ kind: 'schedule-free-sgd', beta1: 0.9 });
		expect(!wrong.ok && wrong.errors).toEqual([
			'"beta1" does not apply to schedule-free-sgd; it takes momentum, weightDecay'
		]);
	});

	it('creates an optimizer of the chosen kind', () => {
		expect(createOptimizer(pickOptimizerKeys({ optimizer: 'nadam' })).kind).toBe('nadam');
		expect(() => createOptimizer({ kind: 'momentum', momentum: 1, weightDecay: 0 })).toThrow(
			/invalid optimizer config: momentum must be in \[0, 1\)/
		);
	});
});
