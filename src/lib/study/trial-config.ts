// The flat configuration vocabulary of one trial (docs/study-format.md will document every key).
// Pure data: the worker resolves it into a model, an optimizer and a schedule.

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;

export type DatasetName = 'digits' | 'fashion-mnist' | 'breast-cancer' | 'iris' | 'wine';
export type ModelName = 'mlp';

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'nadam';
export type ScheduleName = 'constant' | 'linear' | 'cosine' | 'rsqrt' | 'wsd';
export type CooldownShape = 'linear' | '1-sqrt' | 'cosine' | 'square';

export interface TrialConfig {
	dataset: DatasetName;
	model: ModelName;
	/** Hidden units per layer of the MLP. */
	hiddenWidth: number;
	/** Number of hidden layers of the MLP. */
	depth: number;
	batchSize: number;
	/** Fixed length of the trial, in optimizer steps. */
	maxTrainSteps: number;
	/** Evaluate on the whole validation split every this many steps (and at the last step). */
	evalEvery: number;
	/** Seeds weight init and data order. */
	seed: number;
	backend: BackendChoice;

	optimizer: OptimizerName;
	learningRate: number;
	momentum?: number;
	rho?: number;
	beta1?: number;
	beta2?: number;
	epsilon?: number;
	/** Decoupled weight decay, multiplied by the learning rate like AdamW. */
	weightDecay?: number;
	/** Clip the global gradient norm to this value; absent or 0 = no clipping. */
	gradClipNorm?: number;
	/** Polyak averaging: avg ← emaDecay·avg + (1 − emaDecay)·w after every step; absent = off. */
	emaDecay?: number;
	/** Stochastic weight averaging: uniform average of the weights every `swaEvery` steps from `swaStart`. */
	swaStart?: number;
	swaEvery?: number;

	schedule: ScheduleName;
	warmupSteps?: number;
	cooldownSteps?: number;
	cooldownFraction?: number;
	cooldownShape?: CooldownShape;
	finalLrFraction?: number;
	rsqrtTimescale?: number;
}

export const DEFAULT_TRIAL_CONFIG: TrialConfig = {
	dataset: 'digits',
	model: 'mlp',
	hiddenWidth: 64,
	depth: 1,
	batchSize: 64,
	maxTrainSteps: 300,
	evalEvery: 25,
	seed: 1,
	backend: 'auto',
	optimizer: 'adam',
	learningRate: 3e-3,
	beta1: 0.9,
	beta2: 0.999,
	epsilon: 1e-8,
	schedule: 'constant',
	warmupSteps: 0
};

const POSITIVE_INTEGERS = ['hiddenWidth', 'batchSize', 'maxTrainSteps', 'evalEvery'] as const;

/** Problems with a trial configuration, each naming its key; empty when it can run. */
export function trialConfigProblems(config: TrialConfig): string[] {
	const problems: string[] = [];
	for (const key of POSITIVE_INTEGERS) {
		const v = config[key];
		if (!Number.isInteger(v) || v < 1) problems.push(`${key}: expected a whole number ≥ 1, got ${v}`);
	}
	if (!Number.isInteger(config.depth) || config.depth < 0) {
		problems.push(`depth: expected a whole number ≥ 0, got ${config.depth}`);
	}
	if (!Number.isInteger(config.seed)) problems.push(`seed: expected a whole number, got ${config.seed}`);
	if (!(config.learningRate > 0) || !Number.isFinite(config.learningRate)) {
		problems.push(`learningRate: expected a positive number, got ${config.learningRate}`);
	}
	return problems;
}
