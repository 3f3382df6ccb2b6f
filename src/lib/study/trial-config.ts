// The names a trial configuration is made of: backends, datasets (bundled and the user's own), models
// and which models train on which datasets. The configuration's type comes from the study file's schema
// (study-schema.ts), its keys from the vocabulary (config-vocabulary.ts). Pure data: the worker
// resolves a configuration into a model, an optimizer and a schedule.
import type { TrialConfig } from './study-schema';

export type { TrialConfig };

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;
/** The training engines: TensorFlow.js, and the compiled engine on @jax-js/jax. */
export const ENGINE_NAMES = ['tfjs', 'jax'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
/** `auto` measures the trial's own step on every engine × backend pair and trains on the fastest. */
export type EngineChoice = 'auto' | EngineName;

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

/** A user's dataset id: its kind, a colon, then the SHA-256 of its content in 64 lowercase hex digits. */
export const USER_DATASET_ID = /^(csv|text|idx):[0-9a-f]{64}$/;

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

export interface WorkloadSpec {
	dataset: DatasetName;
	/** The models that can train on this dataset. */
	models: readonly ModelName[];
}

/** Which dataset/model pairs exist. Adding a workload is adding a row (and its type names). */
export const WORKLOADS: readonly WorkloadSpec[] = [
	{ dataset: 'digits', models: ['mlp', 'cnn'] },
	{ dataset: 'fashion-mnist', models: ['mlp', 'cnn'] },
	{ dataset: 'moby-dick', models: ['transformer'] },
	{ dataset: 'breast-cancer', models: ['mlp'] },
	{ dataset: 'iris', models: ['mlp'] },
	{ dataset: 'wine', models: ['mlp'] }
];

/** The models that can train on each kind of user data: tables, plain text, and IDX images. */
export const USER_DATA_MODELS: Record<UserDataKind, readonly ModelName[]> = {
	csv: ['mlp'],
	text: ['transformer'],
	idx: ['mlp', 'cnn']
};

/** The models that can train on a dataset (bundled name or user id); undefined for anything else. */
export function modelsFor(dataset: string): readonly ModelName[] | undefined {
	if (isUserDatasetId(dataset)) return USER_DATA_MODELS[userDataKind(dataset)];
	return WORKLOADS.find((workload) => workload.dataset === dataset)?.models;
}

/** Every valid dataset/model pair in words, user data kinds included. */
export function describeValidPairs(): string {
	const bundled = WORKLOADS.map((w) => `${w.dataset}: ${w.models.join(', ')}`);
	const user = USER_DATA_KINDS.map((kind) => `${kind}:<sha256>: ${USER_DATA_MODELS[kind].join(', ')}`);
	return [...bundled, ...user].join('; ');
}

export type OptimizerName =
	| 'sgd'
	| 'momentum'
	| 'nesterov'
	| 'rmsprop'
	| 'adam'
	| 'nadam'
	| 'schedule-free-adamw'
	| 'schedule-free-sgd';
export type ScheduleName = 'constant' | 'linear' | 'cosine' | 'rsqrt' | 'wsd';
export type CooldownShape = 'linear' | '1-sqrt' | 'cosine' | 'square';

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
	engine: 'auto',
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
