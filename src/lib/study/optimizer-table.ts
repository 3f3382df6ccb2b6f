// Which hyperparameters each of the playbook's optimizers takes, and their defaults. Pure data, so
// the page (forms, validation) can use it without loading tfjs.
import type { OptimizerName } from './trial-config';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = [
	'sgd',
	'momentum',
	'nesterov',
	'rmsprop',
	'adam',
	'nadam'
];

export type OptimizerHyperparameter = 'momentum' | 'rho' | 'beta1' | 'beta2' | 'epsilon';

/** The hyperparameters each optimizer takes besides weightDecay (which every optimizer takes). */
export const OPTIMIZER_HYPERPARAMETERS: Record<OptimizerName, readonly OptimizerHyperparameter[]> = {
	sgd: [],
	momentum: ['momentum'],
	nesterov: ['momentum'],
	rmsprop: ['rho', 'momentum', 'epsilon'],
	adam: ['beta1', 'beta2', 'epsilon'],
	nadam: ['beta1', 'beta2', 'epsilon']
};

/**
 * Values used when a hyperparameter is absent. RMSProp's momentum defaults to 0 (plain RMSProp, as in
 * most libraries), whereas heavy-ball and Nesterov momentum default to 0.9.
 */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Partial<Record<OptimizerHyperparameter, number>>> = {
	sgd: {},
	momentum: { momentum: 0.9 },
	nesterov: { momentum: 0.9 },
	rmsprop: { rho: 0.9, momentum: 0, epsilon: 1e-8 },
	adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
	nadam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
};
