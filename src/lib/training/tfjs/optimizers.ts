// The six optimizers of the tuning playbook as small explicit state machines over tfjs variables.
//
// The update rules are the tuning playbook's (its FAQ "What are the update rules
// for all the popular optimization algorithms?"), written out in src/lib/math/optimizer-reference.ts,
// which the tests compare against. In short (η = the scheduled learning rate passed to `apply`):
// - rmsprop keeps η inside its momentum buffer (m ← γ·m + η·g/√(v + ε), θ ← θ − m), ε inside the
//   square root, and starts v at 1;
// - adam and nadam put ε outside the square root and multiply the whole step, ε included, by
//   b = √(1 − β₂ᵗ) / (1 − β₁ᵗ) with t the 1-based index of the update;
// - weight decay λ is decoupled (AdamW style): θ ← θ − update − η·λ·θ, using θ before this update;
// - schedule-free AdamW and SGD (optimizer-scalars.ts gives the equations) keep the params at the
//   average x, the base sequence in slot z; the trainer swaps y = (1 − β)·z + β·x into the params for
//   the gradient (`gradientPoint`), and `apply` moves z and x, decaying z by γ·λ·y.
//
// One small float32 vector of per-step coefficients is uploaded per `apply`; everything else stays on
// the device. Params are assumed float32.

import * as tf from '@tensorflow/tfjs';
import {
	OPTIMIZER_DEFAULTS,
	OPTIMIZER_HYPERPARAMETERS,
	OPTIMIZER_NAMES,
	type OptimizerHyperparameter
} from '$lib/study/optimizer-table';
import type { OptimizerName, TrialConfig } from '$lib/study/trial-config';
import type { SerializedOptimizerState } from '../checkpoint-data';
import { isPlainObject } from '$lib/util/plain-object';
import {
	nextRateSquaredSum,
	ruleScalars,
	SCHEDULE_FREE_SHARED,
	type OptimizerConfig,
	type RuleScalars
} from '../optimizer-scalars';

export { OPTIMIZER_DEFAULTS, OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_NAMES, type OptimizerHyperparameter };
export type { SerializedOptimizerState };

export type { OptimizerConfig };

export interface OptimizerState {
	/** Number of updates already applied. */
	step: number;
	/** Per-parameter buffers by slot name (v, m; z for schedule-free), each array parallel to the params. */
	slots: Record<string, tf.Variable[]>;
	/** Σ γᵢ² over the updates applied, in float64 on the host (schedule-free rules; 0 otherwise). */
	rateSquaredSum: number;
}

export interface Optimizer {
	readonly kind: OptimizerName;
	/** Allocates the slots for `params`. The caller disposes them with `disposeOptimizerState`. */
	init(params: tf.Variable[]): OptimizerState;
	/**
	 * Where the next gradient is taken, when that is not the params themselves: the schedule-free
	 * rules' y = (1 − β)·z + β·x, one new tensor per param (inside the caller's tidy). Null otherwise.
	 */
	gradientPoint(params: tf.Variable[], state: OptimizerState): tf.Tensor[] | null;
	/**
	 * Applies one update with the scheduled `learningRate`. Params, slots and `state.step` are updated
	 * in place and the same state object is returned. The grads stay owned by the caller.
	 */
	apply(
		params: tf.Variable[],
		grads: tf.Tensor[],
		state: OptimizerState,
		learningRate: number
	): OptimizerState;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

// ---------------------------------------------------------------------------------------------
// Update rules

type Slots = Record<string, tf.Tensor>;

interface Rule extends RuleScalars {
	/**
	 * Returns the amount to subtract from θ (before weight decay) and the new slot values. Not used by
	 * the schedule-free rules, which take `scheduleFreeUpdate`.
	 */
	update(grad: tf.Tensor, slots: Slots, c: tf.Scalar[]): { delta: tf.Tensor; slots: Slots };
}

/** y = (1 − β)·z + β·x from the shared schedule-free coefficients [γ, 1 − β, β, …]. */
function interpolate(z: tf.Tensor, x: tf.Tensor, c: tf.Scalar[]): tf.Tensor {
	return tf.add(tf.mul(coefficient(c, 1), z), tf.mul(coefficient(c, 2), x));
}

/**
 * One schedule-free update of one param (x) with its gradient taken at y: the new x and slots. `decay`
 * is γ·λ, or null without weight decay. Coefficients: γ, 1 − β, β, c, 1 − c, then β₂, 1 − β₂, ε (AdamW).
 */
function scheduleFreeUpdate(
	adamw: boolean,
	x: tf.Tensor,
	grad: tf.Tensor,
	slots: Slots,
	c: tf.Scalar[],
	decay: tf.Scalar | null
): { x: tf.Tensor; slots: Slots } {
	const z = slotOf(slots, 'z');
	const next: Slots = {};
	let direction = grad;
	if (adamw) {
		const [b2, oneMinusB2, eps] = [0, 1, 2].map((i) => coefficient(c, SCHEDULE_FREE_SHARED + i));
		const v = tf.add(tf.mul(b2!, slotOf(slots, 'v')), tf.mul(oneMinusB2!, tf.square(grad)));
		direction = tf.div(grad, tf.add(tf.sqrt(v), eps!));
		next.v = v;
	}
	let zNext = tf.sub(z, tf.mul(coefficient(c, 0), direction));
	if (decay) zNext = tf.sub(zNext, tf.mul(decay, interpolate(z, x, c)));
	next.z = zNext;
	const xNext = tf.add(tf.mul(coefficient(c, 4), x), tf.mul(coefficient(c, 3), zNext));
	return { x: xNext, slots: next };
}

function slotOf(slots: Slots, name: string): tf.Tensor {
	const value = slots[name];
	if (!value) throw new Error(`missing optimizer slot ${name}`);
	return value;
}

function coefficient(c: tf.Scalar[], index: number): tf.Scalar {
	const value = c[index];
	if (!value) throw new Error(`missing coefficient ${index}`);
	return value;
}

function buildRule(config: OptimizerConfig): Rule {
	const scalars = ruleScalars(config);
	switch (config.kind) {
		case 'sgd':
			return {
				...scalars,
				update: (g, _slots, c) => ({ delta: tf.mul(coefficient(c, 0), g), slots: {} })
			};
		case 'momentum':
		case 'nesterov': {
			const nesterov = config.kind === 'nesterov';
			return {
				...scalars,
				update: (g, slots, c) => {
					const [lr, gamma] = [coefficient(c, 0), coefficient(c, 1)];
					const v = tf.add(tf.mul(gamma, slotOf(slots, 'v')), g);
					const direction = nesterov ? tf.add(tf.mul(gamma, v), g) : v;
					return { delta: tf.mul(lr, direction), slots: { v } };
				}
			};
		}
		case 'rmsprop':
			return {
				...scalars,
				update: (g, slots, c) => {
					const [lr, rho, oneMinusRho, gamma, eps] = [0, 1, 2, 3, 4].map((i) => coefficient(c, i)) as [
						tf.Scalar,
						tf.Scalar,
						tf.Scalar,
						tf.Scalar,
						tf.Scalar
					];
					const v = tf.add(tf.mul(rho, slotOf(slots, 'v')), tf.mul(oneMinusRho, tf.square(g)));
					const scaledGrad = tf.div(tf.mul(lr, g), tf.sqrt(tf.add(v, eps)));
					const m = tf.add(tf.mul(gamma, slotOf(slots, 'm')), scaledGrad);
					return { delta: m, slots: { v, m } };
				}
			};
		case 'adam':
		case 'nadam': {
			const nesterov = config.kind === 'nadam';
			return {
				...scalars,
				update: (g, slots, c) => {
					const [lrBias, b1, oneMinusB1, b2, oneMinusB2, eps] = [0, 1, 2, 3, 4, 5].map((i) =>
						coefficient(c, i)
					) as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
					const m = tf.add(tf.mul(b1, slotOf(slots, 'm')), tf.mul(oneMinusB1, g));
					const v = tf.add(tf.mul(b2, slotOf(slots, 'v')), tf.mul(oneMinusB2, tf.square(g)));
					const numerator = nesterov ? tf.add(tf.mul(b1, m), tf.mul(oneMinusB1, g)) : m;
					const delta = tf.div(tf.mul(lrBias, numerator), tf.add(tf.sqrt(v), eps));
					return { delta, slots: { m, v } };
				}
			};
		}
		case 'schedule-free-adamw':
		case 'schedule-free-sgd':
			return {
				...scalars,
				update: () => {
					throw new Error(`${config.kind} updates through scheduleFreeUpdate`);
				}
			};
	}
}

// ---------------------------------------------------------------------------------------------
// State machine

/** Throws if `config` would not pass `validateOptimizerConfig`. */
export function createOptimizer(config: OptimizerConfig): Optimizer {
	const checked = validateOptimizerConfig(config);
	if (!checked.ok) throw new Error(`invalid optimizer config: ${checked.errors.join('; ')}`);
	const rule = buildRule(config);
	const weightDecay = config.weightDecay;
	const slotNames = Object.keys(rule.slotInitialValues);

	const init = (params: tf.Variable[]): OptimizerState => {
		const slots: Record<string, tf.Variable[]> = {};
		for (const [name, initial] of Object.entries(rule.slotInitialValues)) {
			slots[name] = params.map((p) =>
				tf.tidy(() => tf.variable(initial === 'weights' ? p.clone() : tf.fill(p.shape, initial), false))
			);
		}
		return { step: 0, slots, rateSquaredSum: 0 };
	};

	const uploadCoefficients = (state: OptimizerState, learningRate: number) => {
		const t = state.step + 1;
		const sum = nextRateSquaredSum(rule, state.rateSquaredSum, learningRate, t);
		// The decay coefficient (η·λ, or γ·λ for schedule-free) rides in the same upload as the rule's own.
		const c = tf.unstack(tf.tensor1d(rule.coefficients(learningRate, t, sum), 'float32')) as tf.Scalar[];
		return { t, sum, decay: coefficient(c, 0), ruleCoefficients: c.slice(1) };
	};

	const gradientPoint = (params: tf.Variable[], state: OptimizerState): tf.Tensor[] | null => {
		if (!rule.scheduleFree) return null;
		// Only the interpolation coefficients are read; the rate does not matter here.
		const c = tf.unstack(tf.tensor1d(rule.coefficients(0, state.step + 1, 0), 'float32')) as tf.Scalar[];
		return params.map((x, i) => interpolate(stateSlot(state, 'z', i), x, c.slice(1)));
	};

	const apply = (
		params: tf.Variable[],
		grads: tf.Tensor[],
		state: OptimizerState,
		learningRate: number
	): OptimizerState => {
		if (grads.length !== params.length) {
			throw new Error(`got ${grads.length} gradients for ${params.length} parameters`);
		}
		let done = { t: state.step + 1, sum: state.rateSquaredSum };
		tf.tidy(() => {
			const { t, sum, decay, ruleCoefficients } = uploadCoefficients(state, learningRate);
			done = { t, sum };
			params.forEach((theta, i) => {
				const grad = grads[i];
				if (!grad) throw new Error(`missing gradient ${i}`);
				const current: Slots = {};
				for (const name of slotNames) current[name] = stateSlot(state, name, i);
				let next: tf.Tensor;
				let slots: Slots;
				if (rule.scheduleFree) {
					const adamw = config.kind === 'schedule-free-adamw';
					const decayOrNull = weightDecay !== 0 ? decay : null;
					({ x: next, slots } = scheduleFreeUpdate(
						adamw,
						theta,
						grad,
						current,
						ruleCoefficients,
						decayOrNull
					));
				} else {
					const update = rule.update(grad, current, ruleCoefficients);
					slots = update.slots;
					next = tf.sub(theta, update.delta);
					if (weightDecay !== 0) next = tf.sub(next, tf.mul(decay, theta));
				}
				for (const name of slotNames) stateSlot(state, name, i).assign(slotOf(slots, name));
				theta.assign(next);
			});
		});
		state.step = done.t;
		state.rateSquaredSum = done.sum;
		return state;
	};

	return { kind: config.kind, init, gradientPoint, apply };
}

function stateSlot(state: OptimizerState, name: string, index: number): tf.Variable {
	const variable = state.slots[name]?.[index];
	if (!variable) throw new Error(`optimizer state has no slot ${name}[${index}]`);
	return variable;
}

// ---------------------------------------------------------------------------------------------
// Configuration

const HYPERPARAMETER_RANGES: Record<
	OptimizerHyperparameter | 'weightDecay',
	[string, (x: number) => boolean]
> = {
	momentum: ['in [0, 1)', (x) => x >= 0 && x < 1],
	rho: ['in [0, 1)', (x) => x >= 0 && x < 1],
	beta1: ['in [0, 1)', (x) => x >= 0 && x < 1],
	beta2: ['in [0, 1)', (x) => x >= 0 && x < 1],
	epsilon: ['> 0', (x) => x > 0],
	weightDecay: ['>= 0', (x) => x >= 0]
};

const ALL_KEYS = ['kind', 'momentum', 'rho', 'beta1', 'beta2', 'epsilon', 'weightDecay'] as const;

function isOptimizerName(value: unknown): value is OptimizerName {
	return typeof value === 'string' && (OPTIMIZER_NAMES as readonly string[]).includes(value);
}

/**
 * Strict check of `{ kind, ...hyperparameters }`: unknown keys and hyperparameters that the chosen
 * optimizer does not take are errors naming the key. Absent values get `OPTIMIZER_DEFAULTS`
 * (weightDecay defaults to 0).
 */
export function validateOptimizerConfig(input: unknown): ValidationResult<OptimizerConfig> {
	if (!isPlainObject(input)) return { ok: false, errors: ['optimizer config must be an object'] };
	const record = input;
	const errors: string[] = [];
	const kind = record.kind;
	if (!isOptimizerName(kind)) {
		errors.push(`kind must be one of ${OPTIMIZER_NAMES.join(', ')} (got ${JSON.stringify(kind)})`);
	}
	const accepted: readonly string[] = isOptimizerName(kind)
		? ['kind', ...OPTIMIZER_HYPERPARAMETERS[kind], 'weightDecay']
		: ALL_KEYS;
	for (const key of Object.keys(record)) {
		if (!(ALL_KEYS as readonly string[]).includes(key)) {
			errors.push(`unknown key "${key}"; valid keys are ${ALL_KEYS.join(', ')}`);
		} else if (!accepted.includes(key)) {
			errors.push(`"${key}" does not apply to ${String(kind)}; it takes ${accepted.slice(1).join(', ')}`);
		}
	}
	// With an unknown kind there are no defaults to fill: only the values given are checked.
	const defaults: Partial<Record<string, number>> = isOptimizerName(kind)
		? { ...OPTIMIZER_DEFAULTS[kind], weightDecay: 0 }
		: {};
	const resolved: Record<string, number> = {};
	for (const key of accepted) {
		if (key === 'kind') continue;
		const name = key as OptimizerHyperparameter | 'weightDecay';
		const raw = record[name];
		const value = raw === undefined ? defaults[name] : raw;
		if (value === undefined) continue;
		const [rangeText, inRange] = HYPERPARAMETER_RANGES[name];
		if (typeof value !== 'number' || !Number.isFinite(value)) {
			errors.push(`${name} must be a finite number (got ${JSON.stringify(raw)})`);
		} else if (!inRange(value)) {
			errors.push(`${name} must be ${rangeText} (got ${value})`);
		} else {
			resolved[name] = value;
		}
	}
	if (errors.length > 0 || !isOptimizerName(kind)) return { ok: false, errors };
	return { ok: true, value: { kind, ...resolved } as OptimizerConfig };
}

/**
 * Takes the optimizer's keys out of a flat trial config: `optimizer` becomes `kind`, and only the
 * hyperparameters the chosen optimizer takes are kept (a leftover `beta1` on an sgd trial is ignored
 * here; strict checking of a study is `validateOptimizerConfig`'s job). Throws if a kept value is
 * out of range.
 */
export function pickOptimizerKeys(
	flat: Pick<TrialConfig, 'optimizer'> & Partial<Record<OptimizerHyperparameter | 'weightDecay', number>>
): OptimizerConfig {
	const picked: Record<string, unknown> = { kind: flat.optimizer };
	if (isOptimizerName(flat.optimizer)) {
		for (const key of [...OPTIMIZER_HYPERPARAMETERS[flat.optimizer], 'weightDecay'] as const) {
			if (flat[key] !== undefined) picked[key] = flat[key];
		}
	}
	const result = validateOptimizerConfig(picked);
	if (!result.ok) throw new Error(`invalid optimizer settings: ${result.errors.join('; ')}`);
	return result.value;
}

// ---------------------------------------------------------------------------------------------
// Checkpointing

export async function exportOptimizerState(state: OptimizerState): Promise<SerializedOptimizerState> {
	const slots: Record<string, Float32Array[]> = {};
	for (const [name, variables] of Object.entries(state.slots)) {
		// Copy: some backends hand back their own storage.
		slots[name] = await Promise.all(variables.map(async (v) => new Float32Array(await v.data())));
	}
	// Σ γ² only where a schedule-free rule (the one with a z slot) has one to carry.
	return slots.z
		? { step: state.step, slots, rateSquaredSum: state.rateSquaredSum }
		: { step: state.step, slots };
}

/** Rebuilds device state from `exportOptimizerState`'s output, shaped like `params`. */
export function importOptimizerState(
	serialized: SerializedOptimizerState,
	params: tf.Variable[]
): OptimizerState {
	if (!Number.isInteger(serialized.step) || serialized.step < 0) {
		throw new Error(`optimizer state step must be a non-negative integer (got ${serialized.step})`);
	}
	const rateSquaredSum = serialized.rateSquaredSum ?? 0;
	if (!(Number.isFinite(rateSquaredSum) && rateSquaredSum >= 0)) {
		throw new Error(`optimizer state rateSquaredSum must be a finite number >= 0 (got ${rateSquaredSum})`);
	}
	for (const [name, arrays] of Object.entries(serialized.slots)) {
		if (arrays.length !== params.length) {
			throw new Error(`slot ${name} holds ${arrays.length} arrays for ${params.length} parameters`);
		}
		arrays.forEach((data, i) => {
			const size = params[i]?.size;
			if (data.length !== size)
				throw new Error(`slot ${name}[${i}] has ${data.length} values, expected ${size}`);
		});
	}
	const slots: Record<string, tf.Variable[]> = {};
	for (const [name, arrays] of Object.entries(serialized.slots)) {
		slots[name] = arrays.map((data, i) =>
			tf.tidy(() => tf.variable(tf.tensor(data, (params[i] as tf.Variable).shape, 'float32'), false))
		);
	}
	return { step: serialized.step, slots, rateSquaredSum };
}

export function disposeOptimizerState(state: OptimizerState): void {
	for (const variables of Object.values(state.slots)) for (const v of variables) v.dispose();
}
