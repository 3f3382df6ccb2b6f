// What the optimizers' update rules need besides tensors, written once for every engine: each rule's
// slots with their starting values, and the per-step scalars computed on the host in float64 (the
// learning rate, Adam's bias correction, the β's and ε) that each engine uploads as one small vector.
// The tensor arithmetic that uses them lives in each engine (tfjs/optimizers.ts, jax/optimizers.ts);
// math/optimizer-reference.ts is the independent float64 reference both are tested against.

/** A resolved optimizer configuration, the same for every engine. */
export type OptimizerConfig =
	| { kind: 'sgd'; weightDecay: number }
	| { kind: 'momentum' | 'nesterov'; momentum: number; weightDecay: number }
	| { kind: 'rmsprop'; rho: number; momentum: number; epsilon: number; weightDecay: number }
	| { kind: 'adam' | 'nadam'; beta1: number; beta2: number; epsilon: number; weightDecay: number };

export interface RuleScalars {
	/** Slot name → the value every element starts from, in a fixed order. */
	slotInitialValues: Record<string, number>;
	/** Per-step scalars for the rule's update, in float64; `t` is the 1-based update index. */
	coefficients(learningRate: number, t: number): number[];
}

export function ruleScalars(config: OptimizerConfig): RuleScalars {
	switch (config.kind) {
		case 'sgd':
			return { slotInitialValues: {}, coefficients: (lr) => [lr] };
		case 'momentum':
		case 'nesterov':
			return { slotInitialValues: { v: 0 }, coefficients: (lr) => [lr, config.momentum] };
		case 'rmsprop':
			// v starts at 1, as the playbook writes RMSProp.
			return {
				slotInitialValues: { v: 1, m: 0 },
				coefficients: (lr) => [lr, config.rho, 1 - config.rho, config.momentum, config.epsilon]
			};
		case 'adam':
		case 'nadam': {
			const { beta1, beta2, epsilon } = config;
			return {
				slotInitialValues: { m: 0, v: 0 },
				coefficients: (lr, t) => {
					const bias = Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
					return [lr * bias, beta1, 1 - beta1, beta2, 1 - beta2, epsilon];
				}
			};
		}
	}
}
