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

export type ReferenceOptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'nadam';

/** Every hyperparameter any rule reads; each rule ignores those it does not use. */
export interface ReferenceHyperparameters {
	/** γ of momentum, nesterov and rmsprop. */
	momentum: number;
	/** ρ, the decay of rmsprop's second-moment average. */
	rho: number;
	beta1: number;
	beta2: number;
	epsilon: number;
	/** λ of decoupled weight decay; 0 turns it off. */
	weightDecay: number;
}

export interface ReferenceState {
	/** Number of updates already applied. */
	step: number;
	/** Per-parameter buffers, keyed by the slot name used in the playbook (v, m). */
	slots: Record<string, Float64Array[]>;
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
	nadam: { m: 0, v: 0 }
};

export function referenceInit(kind: ReferenceOptimizerName, params: Float64Array[]): ReferenceState {
	const slots: Record<string, Float64Array[]> = {};
	for (const [name, initial] of Object.entries(SLOT_INITIAL_VALUES[kind])) {
		slots[name] = params.map((p) => new Float64Array(p.length).fill(initial));
	}
	return { step: 0, slots };
}

function slot(state: ReferenceState, name: string, index: number): Float64Array {
	const buffer = state.slots[name]?.[index];
	if (!buffer) throw new Error(`reference state has no slot ${name}[${index}]`);
	return buffer;
}

/**
 * One update of `kind` with the scheduled learning rate `learningRate`.
 * Returns fresh params and a fresh state; the arguments are left untouched.
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

	return { params: nextParams, state: { step: t1, slots: nextSlots } };
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
