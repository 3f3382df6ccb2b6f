// The six optimizers of the tuning playbook for the compiled engine, as explicit state machines over
// named parameters. The rules are those of src/lib/math/optimizer-reference.ts (the float64 reference
// the tests compare against) and of the TF.js optimizers, with the same split of work: per-step scalars
// (the learning rate, Adam's bias correction…) are computed on the host in float64 and enter the
// compiled step as one float32 vector, so one compiled step serves every step and every schedule.
// - rmsprop keeps η inside its momentum buffer (m ← γ·m + η·g/√(v + ε), θ ← θ − m), ε inside the
//   root, and starts v at 1;
// - adam/nadam: ε outside the root, the whole step (ε included) scaled by b = √(1 − β₂ᵗ)/(1 − β₁ᵗ);
// - weight decay λ is decoupled: θ ← θ − update − η·λ·θ, with θ before this update;
// - schedule-free AdamW and SGD (optimizer-scalars.ts gives the equations): the params are the average
//   x, slot z the base sequence; the compiled step takes the gradient at `gradientPoint`'s
//   y = (1 − β)·z + β·x and `applyScheduleFree` moves z (decayed by γ·λ·y) and x.
import { numpy as np } from '@jax-js/jax';
import {
	ruleScalars,
	SCHEDULE_FREE_SHARED,
	type OptimizerConfig,
	type RuleScalars
} from '../optimizer-scalars';

export type { OptimizerConfig };

/** Coefficient `i` of this step as a fresh scalar (the caller consumes it). */
export type Coefficient = (i: number) => np.Array;

export interface JaxRule extends RuleScalars {
	/** The amount to subtract from θ (before weight decay) and the new slots; consumes `grad` and `slots`. */
	update(
		grad: np.Array,
		slots: Record<string, np.Array>,
		c: Coefficient
	): { delta: np.Array; slots: Record<string, np.Array> };
}

function slot(slots: Record<string, np.Array>, name: string): np.Array {
	const value = slots[name];
	if (!value) throw new Error(`missing optimizer slot ${name}`);
	return value;
}

export function jaxRule(config: OptimizerConfig): JaxRule {
	const scalars = ruleScalars(config);
	switch (config.kind) {
		case 'sgd':
			return {
				...scalars,
				update: (g, _slots, c) => ({ delta: c(0).mul(g), slots: {} })
			};
		case 'momentum':
		case 'nesterov': {
			const nesterov = config.kind === 'nesterov';
			return {
				...scalars,
				update: (g, slots, c) => {
					const v = c(1).mul(slot(slots, 'v')).add(g.ref);
					const direction = nesterov ? c(1).mul(v.ref).add(g) : (g.dispose(), v.ref);
					return { delta: c(0).mul(direction), slots: { v } };
				}
			};
		}
		case 'rmsprop':
			return {
				...scalars,
				update: (g, slots, c) => {
					const v = c(1)
						.mul(slot(slots, 'v'))
						.add(c(2).mul(np.square(g.ref)));
					const scaled = c(0)
						.mul(g)
						.div(np.sqrt(v.ref.add(c(4))));
					const m = c(3).mul(slot(slots, 'm')).add(scaled);
					return { delta: m.ref, slots: { v, m } };
				}
			};
		case 'adam':
		case 'nadam': {
			const nesterov = config.kind === 'nadam';
			return {
				...scalars,
				update: (g, slots, c) => {
					const m = c(1).mul(slot(slots, 'm')).add(c(2).mul(g.ref));
					const v = c(3)
						.mul(slot(slots, 'v'))
						.add(c(4).mul(np.square(g.ref)));
					const numerator = nesterov ? c(1).mul(m.ref).add(c(2).mul(g)) : (g.dispose(), m.ref);
					const delta = c(0)
						.mul(numerator)
						.div(np.sqrt(v.ref).add(c(5)));
					return { delta, slots: { m, v } };
				}
			};
		}
		case 'schedule-free-adamw':
		case 'schedule-free-sgd':
			return {
				...scalars,
				update: () => {
					throw new Error(`${config.kind} updates through applyScheduleFree`);
				}
			};
	}
}

/** y = (1 − β)·z + β·x from the shared schedule-free coefficients [γ, 1 − β, β, …]; consumes z and x. */
function interpolate(z: np.Array, x: np.Array, c: Coefficient): np.Array {
	return c(1).mul(z).add(c(2).mul(x));
}

/**
 * Where a schedule-free rule takes the gradient: y = (1 − β)·z + β·x for each param x, with z the
 * first slot list. Consumes nothing (the caller keeps params and slots).
 */
export function gradientPoint(params: np.Array[], z: np.Array[], c: Coefficient): np.Array[] {
	return params.map((x, i) => interpolate(z[i]!.ref, x.ref, c));
}

/**
 * One schedule-free update of every parameter, the gradients taken at `gradientPoint`:
 *   (AdamW) v ← β₂·v + (1 − β₂)·g², d = g/(√v + ε); (SGD) d = g;
 *   z ← z − γ·d (− γ·λ·y when `decay`, the scalar γ·λ, is given); x ← (1 − c)·x + c·z.
 * Coefficients: γ, 1 − β, β, c, 1 − c, then β₂, 1 − β₂, ε. Consumes params, slots and grads.
 */
export function applyScheduleFree(
	rule: JaxRule,
	params: np.Array[],
	slots: np.Array[][],
	grads: np.Array[],
	c: Coefficient,
	decay: (() => np.Array) | null
): { params: np.Array[]; slots: np.Array[][] } {
	const slotNames = Object.keys(rule.slotInitialValues);
	const zAt = slotNames.indexOf('z');
	const vAt = slotNames.indexOf('v');
	const nextSlots: np.Array[][] = slotNames.map(() => []);
	const nextParams = params.map((x, i) => {
		const z = slots[zAt]![i]!;
		let direction = grads[i]!;
		if (vAt >= 0) {
			const v = c(SCHEDULE_FREE_SHARED)
				.mul(slots[vAt]![i]!)
				.add(c(SCHEDULE_FREE_SHARED + 1).mul(np.square(direction.ref)));
			direction = direction.div(np.sqrt(v.ref).add(c(SCHEDULE_FREE_SHARED + 2)));
			nextSlots[vAt]!.push(v);
		}
		let zNext = z.ref.sub(c(0).mul(direction));
		zNext = decay ? zNext.sub(decay().mul(interpolate(z, x.ref, c))) : (z.dispose(), zNext);
		nextSlots[zAt]!.push(zNext.ref);
		return c(4).mul(x).add(c(3).mul(zNext));
	});
	return { params: nextParams, slots: nextSlots };
}

/**
 * One update of every parameter: θ ← θ − delta (− η·λ·θ when `decay` is given, the scalar η·λ).
 * Consumes `params`, `slots` (one list per slot name, in `slotInitialValues` order) and `grads`.
 */
export function applyRule(
	rule: JaxRule,
	params: np.Array[],
	slots: np.Array[][],
	grads: np.Array[],
	c: Coefficient,
	decay: (() => np.Array) | null
): { params: np.Array[]; slots: np.Array[][] } {
	const slotNames = Object.keys(rule.slotInitialValues);
	const nextSlots: np.Array[][] = slotNames.map(() => []);
	const nextParams = params.map((theta, i) => {
		const current = Object.fromEntries(slotNames.map((name, s) => [name, slots[s]![i]!]));
		const update = rule.update(grads[i]!, current, c);
		slotNames.forEach((name, s) => nextSlots[s]!.push(update.slots[name]!));
		const next = theta.ref.sub(update.delta);
		return decay ? next.sub(decay().mul(theta)) : (theta.dispose(), next);
	});
	return { params: nextParams, slots: nextSlots };
}
