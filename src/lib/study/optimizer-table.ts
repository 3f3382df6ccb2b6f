// Which hyperparameters each of the playbook's optimizers takes, and their defaults. Pure data, so
// the page (forms, validation) can use it without loading tfjs.
import type { OptimizerName } from './trial-config';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = [
	'sgd',
	'momentum',
	'nesterov',
	'rmsprop',
	'adam',
	'nadam',
	'schedule-free-adamw',
	'schedule-free-sgd'
];

/**
 * The schedule-free optimizers (Defazio et al. 2024): the gradient is taken at an interpolation of the
 * base sequence z and its running average x, and x is the model's weights (what is evaluated, saved and
 * exported). For them `beta1` and `momentum` are the interpolation weight β, not a momentum decay.
 */
export const SCHEDULE_FREE_OPTIMIZERS = [
	'schedule-free-adamw',
	'schedule-free-sgd'
] as const satisfies readonly OptimizerName[];

export function isScheduleFree(name: OptimizerName): name is (typeof SCHEDULE_FREE_OPTIMIZERS)[number] {
	return (SCHEDULE_FREE_OPTIMIZERS as readonly string[]).includes(name);
}

export type OptimizerHyperparameter = 'momentum' | 'rho' | 'beta1' | 'beta2' | 'epsilon';

/** The hyperparameters each optimizer takes besides weightDecay (which every optimizer takes). */
export const OPTIMIZER_HYPERPARAMETERS: Record<OptimizerName, readonly OptimizerHyperparameter[]> = {
	sgd: [],
	momentum: ['momentum'],
	nesterov: ['momentum'],
	rmsprop: ['rho', 'momentum', 'epsilon'],
	adam: ['beta1', 'beta2', 'epsilon'],
	nadam: ['beta1', 'beta2', 'epsilon'],
	'schedule-free-adamw': ['beta1', 'beta2', 'epsilon'],
	'schedule-free-sgd': ['momentum']
};

/**
 * Values used when a hyperparameter is absent. RMSProp's momentum defaults to 0 (plain RMSProp, as in
 * most libraries), whereas heavy-ball and Nesterov momentum default to 0.9. The schedule-free rules
 * take the paper's defaults: β = 0.9 for both (beta1 for AdamW, momentum for SGD), β₂ = 0.999, ε = 1e-8.
 */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Partial<Record<OptimizerHyperparameter, number>>> = {
	sgd: {},
	momentum: { momentum: 0.9 },
	nesterov: { momentum: 0.9 },
	rmsprop: { rho: 0.9, momentum: 0, epsilon: 1e-8 },
	adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
	nadam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
	'schedule-free-adamw': { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
	'schedule-free-sgd': { momentum: 0.9 }
};
