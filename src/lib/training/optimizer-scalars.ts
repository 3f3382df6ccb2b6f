// What the optimizers' update rules need besides tensors, written once for every engine: each rule's
// slots with their starting values, and the per-step scalars computed on the host in float64 (the
// learning rate, Adam's bias correction, the β's and ε) that each engine uploads as one small vector.
// The tensor arithmetic that uses them lives in each engine (tfjs/optimizers.ts, jax/optimizers.ts);
// math/optimizer-reference.ts is the independent float64 reference both are tested against.
//
// The schedule-free rules (Defazio et al. 2024, "The Road Less Scheduled", Algorithm 1) keep the model's
// weights as the running average x, a base sequence z (slot `z`, starting at the initial weights) and,
// for AdamW, the second moment v. Each step takes the gradient g at y = (1 − β)·z + β·x and then
//   AdamW: v ← β₂·v + (1 − β₂)·g²;  γ = η·√(1 − β₂ᵗ);  z ← z − γ·g/(√v + ε) − γ·λ·y
//   SGD:   γ = η;                                      z ← z − γ·g − γ·λ·y
//   both:  c = γ² / Σᵢ≤ₜ γᵢ²;  x ← (1 − c)·x + c·z
// with η the scheduled learning rate (its linear warmup is the paper's warmup). The weight γ² is the
// paper's: with a constant rate x is the uniform average of the z's, and the small-γ z's of warmup and
// of AdamW's first steps (where √(1 − β₂ᵗ) is small) count for little. Σ γ² is host state in float64
// that checkpoints carry (`rateSquaredSum`); while it is 0 (a warmup's first, zero-rate step) c is 0.

/** A resolved optimizer configuration, the same for every engine. */
export type OptimizerConfig =
	| { kind: 'sgd'; weightDecay: number }
	| { kind: 'momentum' | 'nesterov'; momentum: number; weightDecay: number }
	| { kind: 'rmsprop'; rho: number; momentum: number; epsilon: number; weightDecay: number }
	| { kind: 'adam' | 'nadam'; beta1: number; beta2: number; epsilon: number; weightDecay: number }
	| { kind: 'schedule-free-adamw'; beta1: number; beta2: number; epsilon: number; weightDecay: number }
	| { kind: 'schedule-free-sgd'; momentum: number; weightDecay: number };

/** Where a slot starts: every element at a number, or at the initial weights (`'weights'`). */
export type SlotStart = number | 'weights';

/**
 * The leading coefficients every schedule-free rule shares, in this order after the decay coefficient:
 * γ, 1 − β, β, c, 1 − c. AdamW's follow: β₂, 1 − β₂, ε.
 */
export const SCHEDULE_FREE_SHARED = 5;

export interface RuleScalars {
	/** Slot name → where every element starts, in a fixed order. */
	slotInitialValues: Record<string, SlotStart>;
	/** True for the schedule-free rules: the gradient is taken at y, not at the weights. */
	scheduleFree: boolean;
	/**
	 * The step size this update contributes to Σ γ² (schedule-free rules; 0 for the others), for the
	 * scheduled `learningRate` of the 1-based update `t`.
	 */
	stepSize(learningRate: number, t: number): number;
	/**
	 * Per-step scalars for the rule's update, in float64; `t` is the 1-based update index and
	 * `rateSquaredSum` Σ γᵢ² over updates 1..t, this one included (read by the schedule-free rules only).
	 * The first value is always the rate that multiplies decoupled weight decay.
	 */
	coefficients(learningRate: number, t: number, rateSquaredSum: number): number[];
}

/** Σ γᵢ² after an update of `rule` with `learningRate` at the 1-based update `t`. */
export function nextRateSquaredSum(rule: RuleScalars, sum: number, learningRate: number, t: number): number {
	return rule.scheduleFree ? sum + rule.stepSize(learningRate, t) ** 2 : sum;
}

/** The schedule-free average's weight c = γ² / Σ γ² of an update with step size `gamma`. */
function averageWeight(gamma: number, rateSquaredSum: number): number {
	return rateSquaredSum > 0 ? (gamma * gamma) / rateSquaredSum : 0;
}

export function ruleScalars(config: OptimizerConfig): RuleScalars {
	const plain = { scheduleFree: false, stepSize: () => 0 };
	switch (config.kind) {
		case 'sgd':
			return { ...plain, slotInitialValues: {}, coefficients: (lr) => [lr * config.weightDecay, lr] };
		case 'momentum':
		case 'nesterov':
			return {
				...plain,
				slotInitialValues: { v: 0 },
				coefficients: (lr) => [lr * config.weightDecay, lr, config.momentum]
			};
		case 'rmsprop':
			// v starts at 1, as the playbook writes RMSProp.
			return {
				...plain,
				slotInitialValues: { v: 1, m: 0 },
				coefficients: (lr) => [
					lr * config.weightDecay,
					lr,
					config.rho,
					1 - config.rho,
					config.momentum,
					config.epsilon
				]
			};
		case 'adam':
		case 'nadam': {
			const { beta1, beta2, epsilon } = config;
			return {
				...plain,
				slotInitialValues: { m: 0, v: 0 },
				coefficients: (lr, t) => {
					const bias = Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
					return [lr * config.weightDecay, lr * bias, beta1, 1 - beta1, beta2, 1 - beta2, epsilon];
				}
			};
		}
		case 'schedule-free-adamw': {
			const { beta1, beta2, epsilon, weightDecay } = config;
			const stepSize = (lr: number, t: number) => lr * Math.sqrt(1 - beta2 ** t);
			return {
				scheduleFree: true,
				stepSize,
				slotInitialValues: { z: 'weights', v: 0 },
				coefficients: (lr, t, sum) => {
					const gamma = stepSize(lr, t);
					const c = averageWeight(gamma, sum);
					return [gamma * weightDecay, gamma, 1 - beta1, beta1, c, 1 - c, beta2, 1 - beta2, epsilon];
				}
			};
		}
		case 'schedule-free-sgd': {
			const { momentum: beta, weightDecay } = config;
			return {
				scheduleFree: true,
				stepSize: (lr) => lr,
				slotInitialValues: { z: 'weights' },
				coefficients: (lr, _t, sum) => {
					const c = averageWeight(lr, sum);
					return [lr * weightDecay, lr, 1 - beta, beta, c, 1 - c];
				}
			};
		}
	}
}
