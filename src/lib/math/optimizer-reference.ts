// A float64 reference of the optimizer update rules in the Deep Learning Tuning Playbook
// (its FAQ, "What are the update rules for all the popular optimization
// algorithms?"), plus decoupled weight decay and clipping by global norm.
//
// It is deliberately slow and plain: no tfjs, no DOM, no shared code with the tfjs optimizers in
// src/lib/training, so the tests of those optimizers have something independent to compare against.
// Every function is pure: inputs are never mutated, new arrays are returned.
//
// Conventions (t = number of steps already taken, so the first update uses t + 1 = 1):
// - sgd:      θ ← θ − η·g
// - momentum: v ← γ·v + g;                     θ ← θ − η·v
// - nesterov: v ← γ·v + g;                     θ ← θ − η·(γ·v + g)
// - rmsprop:  v ← ρ·v + (1 − ρ)·g²  (v₀ = 1);   m ← γ·m + η·g / √(v + ε);   θ ← θ − m
//             (the learning rate enters the momentum buffer, ε sits inside the square root)
// - adam:     m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  b = √(1 − β₂^(t+1)) / (1 − β₁^(t+1))
//             θ ← θ − η·b·m / (√v + ε)          (ε outside the root, and itself scaled by b)
// - nadam:    as adam, with the numerator β₁·m + (1 − β₁)·g using the freshly updated m
// - weight decay λ (decoupled, as in AdamW): θ ← θ − η·λ·θ, where θ is the value before this step's
//   update and η is the same scheduled learning rate the step received. It never enters a slot.
//
// The schedule-free rules, from Algorithm 1 of Defazio et al. (2024), "The Road Less Scheduled". The
// params are the averaged sequence x; slot z is the base sequence (z₁ = x₁) and, for AdamW, slot v the
// second moment (v₀ = 0). With β = beta1 (AdamW) or momentum (SGD), t the 1-based update index and η the
// scheduled rate (whose warmup is the paper's warmup):
//   y = (1 − β)·z + β·x                  the gradient g is taken here (referenceGradientPoint)
//   AdamW: v ← β₂·v + (1 − β₂)·g²;  γₜ = η·√(1 − β₂ᵗ);  z ← z − γₜ·g/(√v + ε) − γₜ·λ·y
//   SGD:   γₜ = η;                                        z ← z − γₜ·g − γₜ·λ·y
//   cₜ₊₁ = γₜ² / Σᵢ₌₁..ₜ γᵢ²  (0 while that sum is 0);   x ← (1 − cₜ₊₁)·x + cₜ₊₁·z  (the new z)

export type ReferenceOptimizerName =
	| 'sgd'
	| 'momentum'
	| 'nesterov'
	| 'rmsprop'
	| 'adam'
	| 'nadam'
	| 'schedule-free-adamw'
	| 'schedule-free-sgd';

/** Every hyperparameter any rule reads; each rule ignores those it does not use. */
export interface ReferenceHyperparameters {
	/** γ of momentum, nesterov and rmsprop; the interpolation β of schedule-free SGD. */
	momentum: number;
	/** ρ, the decay of rmsprop's second-moment average. */
	rho: number;
	/** β₁ of adam and nadam; the interpolation β of schedule-free AdamW. */
	beta1: number;
	beta2: number;
	epsilon: number;
	/** λ of decoupled weight decay; 0 turns it off. */
	weightDecay: number;
}

export interface ReferenceState {
	/** Number of updates already applied. */
	step: number;
	/** Per-parameter buffers, keyed by the slot name used in the playbook (v, m) or the paper (z, v). */
	slots: Record<string, Float64Array[]>;
	/** Σ γᵢ² over the updates applied (schedule-free rules; 0 for the others). */
	rateSquaredSum: number;
}

export interface ReferenceStepResult {
	params: Float64Array[];
	state: ReferenceState;
}

/** Slot names per rule, with the value each buffer starts from. */
const SLOT_INITIAL_VALUES: Record<ReferenceOptimizerName, Record<string, number>> = {
	sgd: {},
	momentum: { v: 0 },
	nesterov: { v: 0 },
	rmsprop: { v: 1, m: 0 },
	adam: { m: 0, v: 0 },
	nadam: { m: 0, v: 0 },
	'schedule-free-adamw': { v: 0 },
	'schedule-free-sgd': {}
};

function isScheduleFree(kind: ReferenceOptimizerName): kind is 'schedule-free-adamw' | 'schedule-free-sgd' {
	return kind === 'schedule-free-adamw' || kind === 'schedule-free-sgd';
}

export function referenceInit(kind: ReferenceOptimizerName, params: Float64Array[]): ReferenceState {
	const slots: Record<string, Float64Array[]> = {};
	for (const [name, initial] of Object.entries(SLOT_INITIAL_VALUES[kind])) {
		slots[name] = params.map((p) => new Float64Array(p.length).fill(initial));
	}
	// z₁ = x₁: the base sequence starts at the initial weights.
	if (isScheduleFree(kind)) slots.z = params.map((p) => Float64Array.from(p));
	return { step: 0, slots, rateSquaredSum: 0 };
}

/** The interpolation β of a schedule-free rule. */
function interpolation(kind: 'schedule-free-adamw' | 'schedule-free-sgd', hp: ReferenceHyperparameters) {
	return kind === 'schedule-free-adamw' ? hp.beta1 : hp.momentum;
}

/**
 * Where the next gradient is taken: the params themselves, or for the schedule-free rules
 * y = (1 − β)·z + β·x with x the params. Fresh arrays; the arguments are left untouched.
 */
export function referenceGradientPoint(
	kind: ReferenceOptimizerName,
	hp: ReferenceHyperparameters,
	params: Float64Array[],
	state: ReferenceState
): Float64Array[] {
	if (!isScheduleFree(kind)) return params.map((p) => Float64Array.from(p));
	const beta = interpolation(kind, hp);
	return params.map((x, i) => {
		const z = slot(state, 'z', i);
		return x.map((xj, j) => (1 - beta) * (z[j] as number) + beta * xj);
	});
}

function scheduleFreeStep(
	kind: 'schedule-free-adamw' | 'schedule-free-sgd',
	hp: ReferenceHyperparameters,
	params: Float64Array[],
	grads: Float64Array[],
	state: ReferenceState,
	learningRate: number
): ReferenceStepResult {
	const t = state.step + 1;
	const adamw = kind === 'schedule-free-adamw';
	const gamma = adamw ? learningRate * Math.sqrt(1 - hp.beta2 ** t) : learningRate;
	const rateSquaredSum = state.rateSquaredSum + gamma * gamma;
	const c = rateSquaredSum > 0 ? (gamma * gamma) / rateSquaredSum : 0;
	const ys = referenceGradientPoint(kind, hp, params, state);
	const zs: Float64Array[] = [];
	const vs: Float64Array[] = [];
	const xs = params.map((x, i) => {
		const g = grads[i];
		if (!g || g.length !== x.length) throw new Error(`grad ${i} does not match its param`);
		const y = ys[i] as Float64Array;
		const z = Float64Array.from(slot(state, 'z', i));
		const v = adamw ? Float64Array.from(slot(state, 'v', i)) : new Float64Array(0);
		const out = new Float64Array(x.length);
		for (let j = 0; j < x.length; j++) {
			const gj = g[j] as number;
			let direction = gj;
			if (adamw) {
				v[j] = hp.beta2 * (v[j] as number) + (1 - hp.beta2) * gj * gj;
				direction = gj / (Math.sqrt(v[j] as number) + hp.epsilon);
			}
			z[j] = (z[j] as number) - gamma * direction - gamma * hp.weightDecay * (y[j] as number);
			out[j] = (1 - c) * (x[j] as number) + c * (z[j] as number);
		}
		zs.push(z);
		if (adamw) vs.push(v);
		return out;
	});
	const slots: Record<string, Float64Array[]> = adamw ? { z: zs, v: vs } : { z: zs };
	return { params: xs, state: { step: t, slots, rateSquaredSum } };
}

function slot(state: ReferenceState, name: string, index: number): Float64Array {
	const buffer = state.slots[name]?.[index];
	if (!buffer) throw new Error(`reference state has no slot ${name}[${index}]`);
	return buffer;
}

/**
 * One update of `kind` with the scheduled learning rate `learningRate`; `grads` were taken at
 * `referenceGradientPoint`. Returns fresh params and a fresh state; the arguments are left untouched.
 */
export function referenceStep(
	kind: ReferenceOptimizerName,
	hp: ReferenceHyperparameters,
	params: Float64Array[],
	grads: Float64Array[],
	state: ReferenceState,
	learningRate: number
): ReferenceStepResult {
	if (params.length !== grads.length) throw new Error('params and grads differ in count');
	if (isScheduleFree(kind)) return scheduleFreeStep(kind, hp, params, grads, state, learningRate);
	const eta = learningRate;
	const t1 = state.step + 1;
	const bias = Math.sqrt(1 - hp.beta2 ** t1) / (1 - hp.beta1 ** t1);
	const slotNames = Object.keys(SLOT_INITIAL_VALUES[kind]);
	const nextSlots: Record<string, Float64Array[]> = {};
	for (const name of slotNames) nextSlots[name] = [];
	const nextParams: Float64Array[] = [];

	params.forEach((theta, i) => {
		const g = grads[i];
		if (!g || g.length !== theta.length) throw new Error(`grad ${i} does not match its param`);
		const newSlots: Record<string, Float64Array> = {};
		for (const name of slotNames) newSlots[name] = Float64Array.from(slot(state, name, i));
		const out = new Float64Array(theta.length);
		for (let j = 0; j < theta.length; j++) {
			const w = theta[j] as number;
			const gj = g[j] as number;
			let delta: number;
			switch (kind) {
				case 'sgd':
					delta = eta * gj;
					break;
				case 'momentum':
				case 'nesterov': {
					const v = newSlots.v as Float64Array;
					const vNext = hp.momentum * (v[j] as number) + gj;
					v[j] = vNext;
					delta = kind === 'momentum' ? eta * vNext : eta * (hp.momentum * vNext + gj);
					break;
				}
				case 'rmsprop': {
					const v = newSlots.v as Float64Array;
					const m = newSlots.m as Float64Array;
					const vNext = hp.rho * (v[j] as number) + (1 - hp.rho) * gj * gj;
					const mNext = hp.momentum * (m[j] as number) + (eta / Math.sqrt(vNext + hp.epsilon)) * gj;
					v[j] = vNext;
					m[j] = mNext;
					delta = mNext;
					break;
				}
				case 'adam':
				case 'nadam': {
					const m = newSlots.m as Float64Array;
					const v = newSlots.v as Float64Array;
					const mNext = hp.beta1 * (m[j] as number) + (1 - hp.beta1) * gj;
					const vNext = hp.beta2 * (v[j] as number) + (1 - hp.beta2) * gj * gj;
					m[j] = mNext;
					v[j] = vNext;
					const numerator = kind === 'adam' ? mNext : hp.beta1 * mNext + (1 - hp.beta1) * gj;
					delta = (eta * numerator * bias) / (Math.sqrt(vNext) + hp.epsilon);
					break;
				}
			}
			out[j] = w - delta - eta * hp.weightDecay * w;
		}
		nextParams.push(out);
		for (const name of slotNames) (nextSlots[name] as Float64Array[]).push(newSlots[name] as Float64Array);
	});

	return { params: nextParams, state: { step: t1, slots: nextSlots, rateSquaredSum: 0 } };
}

/** √(Σ g²) over every element of every array. */
export function globalNorm(grads: Float64Array[]): number {
	let sumOfSquares = 0;
	for (const g of grads) for (const x of g) sumOfSquares += x * x;
	return Math.sqrt(sumOfSquares);
}

export interface ReferenceClipResult {
	grads: Float64Array[];
	/** The norm before clipping. */
	norm: number;
	clipped: boolean;
}

/**
 * Scales every gradient by min(1, maxNorm / norm). `maxNorm` undefined or 0 means no clipping
 * (the trial config's convention); the grads are then copied unchanged.
 */
export function clipByGlobalNorm(grads: Float64Array[], maxNorm: number | undefined): ReferenceClipResult {
	const norm = globalNorm(grads);
	const active = maxNorm !== undefined && maxNorm > 0;
	const clipped = active && norm > maxNorm;
	const scale = clipped ? maxNorm / norm : 1;
	return { grads: grads.map((g) => g.map((x) => x * scale)), norm, clipped };
}
