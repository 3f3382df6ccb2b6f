// Ready-made studies that put pieces of the tuning playbook's advice into a form the lab can run. Each
// preset is a function returning a complete, valid study that the user can then edit. The numeric
// ranges are our own starting points for small MLPs; the playbook gives the structure (what to search,
// what to fix, how much), not the numbers.

import type { OptimizerName } from './trial-config';
import { scheduleFamilyStudy } from './schedule-families';
import type { Budget, Study, StudyParam, Workload } from './study';

export interface PresetOptions {
	workload?: Workload;
	/** Seed of the sampler (default 1). */
	seed?: number;
	maxTrainSteps?: number;
	/** Number of trials, for presets where it is free (Adam by trial budget). */
	trials?: number;
}

export interface Preset {
	id: string;
	title: string;
	/** One sentence on what the preset is for. */
	summary: string;
	/** The playbook section the preset follows. */
	citation: string;
	build: (options?: PresetOptions) => Study;
}

const DEFAULT_WORKLOAD: Workload = { dataset: 'digits', model: 'mlp' };

/** The budget of a study of `maxTrainSteps` steps: about a dozen evaluations, a checkpoint every other one. */
export function standardBudget(maxTrainSteps: number): Budget {
	const evalEvery = Math.max(1, Math.round(maxTrainSteps / 12));
	return { maxTrainSteps, evalEvery, checkpointEvery: evalEvery * 2, keepBestCheckpoints: 3 };
}

// -------------------------------------------------------------------------------------------------
// Adam by trial budget

export const ADAM_BUDGET_CITATION = 'Tuning playbook, FAQ: "How should Adam\'s hyperparameters be tuned?"';

/**
 * The smallest study size at which each Adam hyperparameter starts being searched. Below 10 trials only
 * the learning rate is worth the samples; from 10, beta1 joins; from 25, epsilon; and when far more
 * trials are affordable (we take 100 as "far more"), beta2 as well.
 */
export const ADAM_TIERS = [
	{ fromTrials: 1, key: 'learningRate' },
	{ fromTrials: 10, key: 'beta1' },
	{ fromTrials: 25, key: 'epsilon' },
	{ fromTrials: 100, key: 'beta2' }
] as const;
export type AdamSearchedKey = (typeof ADAM_TIERS)[number]['key'];

/** Our search range for each Adam hyperparameter, all nuisance parameters. */
export const ADAM_RANGES: Record<AdamSearchedKey, StudyParam> = {
	// Three decades around the usual Adam rates for small networks.
	learningRate: { name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' },
	// Momentum-like decay: from short memory to long.
	beta1: { name: 'beta1', role: 'nuisance', type: 'float', min: 0.8, max: 0.99, scale: 'linear' },
	// Tiny values leave Adam adaptive; values near the gradient scale make it behave more like momentum SGD.
	epsilon: { name: 'epsilon', role: 'nuisance', type: 'float', min: 1e-10, max: 1e-2, scale: 'log' },
	// 1 − beta2 spans more than an order of magnitude, so a short list covers it better than a line.
	beta2: { name: 'beta2', role: 'nuisance', type: 'discrete', values: [0.95, 0.98, 0.99, 0.995, 0.999] }
};

/** Values of the Adam hyperparameters that are not searched at a given budget. */
const ADAM_FIXED: Record<Exclude<AdamSearchedKey, 'learningRate'>, number> = {
	beta1: 0.9,
	beta2: 0.999,
	epsilon: 1e-8
};

/** Which Adam hyperparameters a study of `trials` trials should search. */
export function adamSearchedKeys(trials: number): AdamSearchedKey[] {
	return ADAM_TIERS.filter((tier) => trials >= tier.fromTrials).map((tier) => tier.key);
}

export function adamByTrialBudget(trials: number, options: PresetOptions = {}): Study {
	if (!Number.isInteger(trials) || trials < 1)
		throw new RangeError(`trials must be a whole number ≥ 1, got ${trials}`);
	const searched = adamSearchedKeys(trials);
	const fixed: Study['fixed'] = { optimizer: 'adam', schedule: 'constant' };
	for (const [key, value] of Object.entries(ADAM_FIXED) as [keyof typeof ADAM_FIXED, number][]) {
		if (!searched.includes(key)) fixed[key] = value;
	}
	return {
		name: `Adam, ${trials} trials`,
		goal:
			`Tune Adam on this workload with ${trials} trials, searching only the hyperparameters worth that ` +
			`many samples: ${searched.join(', ')}.`,
		notes: `Follows ${ADAM_BUDGET_CITATION}. Hyperparameters not searched are fixed at their usual values.`,
		workload: options.workload ?? DEFAULT_WORKLOAD,
		budget: standardBudget(options.maxTrainSteps ?? 300),
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed,
		search: { algorithm: 'quasi-random', trials, seed: options.seed ?? 1 },
		params: searched.map((key) => structuredClone(ADAM_RANGES[key])),
		trials: []
	};
}

// -------------------------------------------------------------------------------------------------
// Constant learning rate sweep

export const SWEEP_CITATION =
	'Tuning playbook: "Algorithm for picking an initial candidate for max_train_steps using a learning rate sweep"';

/** Three decades of learning rates, two points per decade (plus the top end). */
export const SWEEP_LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

export function constantLearningRateSweep(options: PresetOptions = {}): Study {
	return {
		name: 'Constant learning rate sweep',
		goal:
			'Find roughly how many steps the fastest learning rate needs to fit the training set, as a first ' +
			'guess for maxTrainSteps.',
		notes:
			`Follows ${SWEEP_CITATION}. A constant schedule with no warmup, weight decay, clipping or weight ` +
			'averaging, so nothing but the learning rate changes the speed of fitting. Read the training loss ' +
			'curves; if the best rate sits at either end of the grid, widen it.',
		workload: options.workload ?? DEFAULT_WORKLOAD,
		budget: standardBudget(options.maxTrainSteps ?? 600),
		objective: { metric: 'trainLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', schedule: 'constant', warmupSteps: 0, weightDecay: 0 },
		search: { algorithm: 'grid', trials: SWEEP_LEARNING_RATES.length, seed: options.seed ?? 1 },
		params: [
			{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [...SWEEP_LEARNING_RATES] }
		],
		trials: []
	};
}

// -------------------------------------------------------------------------------------------------
// Optimizer comparison

export const COMPARISON_CITATION =
	'Tuning playbook: "Identifying scientific, nuisance, and fixed hyperparameters" (conditional ' +
	'hyperparameters) and "Choosing the optimizer"';

/** Where to look for a good learning rate with each optimizer (log scale), our starting points. */
export const LEARNING_RATE_RANGES: Record<OptimizerName, readonly [number, number]> = {
	sgd: [1e-2, 3],
	momentum: [1e-3, 0.3],
	nesterov: [1e-3, 0.3],
	rmsprop: [1e-5, 1e-2],
	adam: [1e-4, 1e-1],
	nadam: [1e-4, 1e-1],
	'schedule-free-adamw': [1e-4, 1e-1],
	'schedule-free-sgd': [1e-3, 1]
};

export interface ComparisonOptions extends PresetOptions {
	/** The optimizers to compare (default nesterov and adam, the playbook's example). */
	optimizers?: readonly OptimizerName[];
	/** Trials given to each optimizer (default 12). */
	trialsPerOptimizer?: number;
}

export function optimizerComparison(options: ComparisonOptions = {}): Study {
	const optimizers = [...(options.optimizers ?? ['nesterov', 'adam'])];
	const perOptimizer = options.trialsPerOptimizer ?? 12;
	if (optimizers.length < 2) throw new RangeError('compare at least two optimizers');
	const params: StudyParam[] = [
		{ name: 'optimizer', role: 'scientific', type: 'categorical', values: optimizers }
	];
	// Each optimizer gets its own learning rate: its good range differs, so one shared range would
	// favour whichever optimizer it suits.
	for (const optimizer of optimizers) {
		const [min, max] = LEARNING_RATE_RANGES[optimizer];
		params.push({
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min,
			max,
			scale: 'log',
			when: { optimizer: [optimizer] }
		});
	}
	const withMomentum = optimizers.filter((name) => name === 'momentum' || name === 'nesterov');
	if (withMomentum.length > 0) {
		params.push({
			name: 'momentum',
			role: 'nuisance',
			type: 'float',
			min: 0.8,
			max: 0.99,
			scale: 'linear',
			when: { optimizer: withMomentum }
		});
	}
	return {
		name: `Optimizer comparison: ${optimizers.join(' vs ')}`,
		goal: `Which optimizer reaches the lowest validation loss here, each with its learning rate tuned?`,
		notes:
			`Follows ${COMPARISON_CITATION}. The optimizer is the scientific parameter; each optimizer's ` +
			'learning rate (and momentum, where it has one) is a nuisance parameter searched only in its trials. ' +
			'Other optimizer hyperparameters stay at their defaults, a caveat on the conclusion.',
		workload: options.workload ?? DEFAULT_WORKLOAD,
		budget: standardBudget(options.maxTrainSteps ?? 300),
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { schedule: 'cosine' },
		search: { algorithm: 'quasi-random', trials: perOptimizer * optimizers.length, seed: options.seed ?? 1 },
		params,
		trials: []
	};
}

export const FAMILIES_CITATION =
	'Tuning playbook: "What is the best learning rate decay schedule family?"; Hägele et al. 2024; ' +
	'Defazio et al. 2024; AlgoPerf (time to target)';

export const PRESETS: readonly Preset[] = [
	{
		id: 'adam-by-budget',
		title: 'Adam by trial budget',
		summary: 'Searches more of Adam’s hyperparameters as the number of trials grows (20 unless chosen).',
		citation: ADAM_BUDGET_CITATION,
		build: (options) => adamByTrialBudget(options?.trials ?? 20, options)
	},
	{
		id: 'constant-lr-sweep',
		title: 'Constant learning rate sweep',
		summary: 'A grid of learning rates with a constant schedule, to choose a first maxTrainSteps.',
		citation: SWEEP_CITATION,
		build: (options) => constantLearningRateSweep(options)
	},
	{
		id: 'optimizer-comparison',
		title: 'Optimizer comparison',
		summary: 'The optimizer as the scientific parameter, with a learning rate tuned separately for each.',
		citation: COMPARISON_CITATION,
		build: (options) => optimizerComparison(options)
	},
	{
		id: 'schedule-families',
		title: 'Schedule-family comparison',
		summary:
			'Cosine, wsd (1−sqrt cooldown), constant with a cooldown branch, and schedule-free AdamW, each with its own learning rate and warmup tuned on the same number of trials (6 each unless chosen).',
		citation: FAMILIES_CITATION,
		build: (options) =>
			scheduleFamilyStudy({
				workload: options?.workload ?? DEFAULT_WORKLOAD,
				trialsPerFamily: options?.trials ?? 6,
				maxTrainSteps: options?.maxTrainSteps ?? 300,
				seed: options?.seed ?? 1
			})
	}
];
