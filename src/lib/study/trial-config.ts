// The flat configuration vocabulary of one trial (docs/study-format.md will document every key).
// Pure data: the worker resolves it into a model, an optimizer and a schedule.

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;

export const DATASET_NAMES = [
	'digits',
	'fashion-mnist',
	'moby-dick',
	'breast-cancer',
	'iris',
	'wine'
] as const;
/** The bundled datasets. */
export type DatasetName = (typeof DATASET_NAMES)[number];
/** What a user's own file holds: a table, plain text for the language model, or IDX images. */
export const USER_DATA_KINDS = ['csv', 'text', 'idx'] as const;
export type UserDataKind = (typeof USER_DATA_KINDS)[number];
/** A user's dataset, named by its kind and the SHA-256 of its content (64 lowercase hex digits). */
export type UserDatasetId = `${UserDataKind}:${string}`;
export type DatasetId = DatasetName | UserDatasetId;

const USER_DATASET_ID = /^(csv|text|idx):[0-9a-f]{64}$/;

/** Whether `id` names a user's dataset: its kind, a colon, then 64 lowercase hex digits of SHA-256. */
export function isUserDatasetId(id: string): id is UserDatasetId {
	return USER_DATASET_ID.test(id);
}

/** The kind of a user's dataset id. */
export function userDataKind(id: UserDatasetId): UserDataKind {
	return id.slice(0, id.indexOf(':')) as UserDataKind;
}

export const MODEL_NAMES = ['mlp', 'cnn', 'transformer'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'nadam';
export type ScheduleName = 'constant' | 'linear' | 'cosine' | 'rsqrt' | 'wsd';
export type CooldownShape = 'linear' | '1-sqrt' | 'cosine' | 'square';

export interface TrialConfig {
	dataset: DatasetId;
	model: ModelName;
	/** Hidden units per layer of the MLP. */
	hiddenWidth: number;
	/** Number of hidden layers of the MLP. */
	depth: number;
	/** CNN: filters of the first conv block; each later block doubles them. */
	cnnWidth?: number;
	/** CNN: conv blocks (conv 3×3 → ReLU → 2×2 max-pool each). */
	cnnDepth?: number;
	/** Transformer: residual blocks. */
	nLayer?: number;
	/** Transformer: attention heads per block (must divide dModel). */
	nHead?: number;
	/** Transformer: width of the residual stream. */
	dModel?: number;
	/** Transformer: characters the model sees at once (also the training window length). */
	contextLength?: number;
	/** Probability of zeroing an activation during training (0 = off); never applied at evaluation. */
	dropout?: number;
	/** Training targets put this much probability mass uniformly over all classes (0 = off). */
	labelSmoothing?: number;
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
