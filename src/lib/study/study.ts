// The study model: one experiment in the playbook's sense ("A scientific approach to improving model
// performance"). A study names its goal, the workload, a fixed training budget, the objective, the
// configuration keys held fixed, and the scientific and nuisance parameters to search. It is pure
// data; `validateStudy` (study-validation.ts) turns untrusted JSON into it, and study-file.ts
// reads and writes it as the public `tuning-lab.study` file.

import type { Condition, SamplerAlgorithm, Sample } from '../math/search-space';
import type { ConfigKey } from './config-vocabulary';
import type { BranchResult, CooldownBranchesOption } from './cooldown-branches';
import type { MetricBatch, TrialStatus } from './metrics';
import {
	DATASET_NAMES,
	USER_DATA_KINDS,
	isUserDatasetId,
	userDataKind,
	type DatasetId,
	type DatasetName,
	type ModelName,
	type TrialConfig,
	type UserDataKind
} from './trial-config';

export const STUDY_FORMAT = 'tuning-lab.study';
/** The newest file version this code reads and the one it writes. */
export const STUDY_VERSION = 1;

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

/** Side in pixels of the square images of the bundled image datasets (the CNN halves it per block). */
export const IMAGE_SIDES: Partial<Record<DatasetName, number>> = { digits: 8, 'fashion-mnist': 28 };

/** How many conv blocks, each halving the side (rounding down), keep an image of this side ≥ 1 pixel. */
export function maxCnnDepth(side: number): number {
	let blocks = 0;
	for (let s = Math.floor(side / 2); s >= 1; s = Math.floor(s / 2)) blocks += 1;
	return blocks;
}

export function isDatasetName(value: string): value is DatasetName {
	return (DATASET_NAMES as readonly string[]).includes(value);
}

export function isDatasetId(value: string): value is DatasetId {
	return isDatasetName(value) || isUserDatasetId(value);
}

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

export interface Workload {
	dataset: DatasetId;
	model: ModelName;
}

/** Held constant for every trial of the study (playbook: "Deciding how long to train"). */
export interface Budget {
	/** Optimizer steps of every trial. Never searched. */
	maxTrainSteps: number;
	/** Evaluate on the validation split every this many steps (and at the last one). */
	evalEvery: number;
	/** Save a checkpoint every this many steps. */
	checkpointEvery: number;
	/** How many of the best checkpoints (by the objective) each trial keeps. */
	keepBestCheckpoints: number;
}

export const OBJECTIVE_METRICS = ['valLoss', 'valAccuracy', 'trainLoss'] as const;
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];
export const OBJECTIVE_GOALS = ['minimize', 'maximize'] as const;
export type ObjectiveGoal = (typeof OBJECTIVE_GOALS)[number];

export interface Objective {
	metric: ObjectiveMetric;
	goal: ObjectiveGoal;
}

/** The direction that makes sense for each metric. */
export const METRIC_GOALS: Record<ObjectiveMetric, ObjectiveGoal> = {
	valLoss: 'minimize',
	valAccuracy: 'maximize',
	trainLoss: 'minimize'
};

/** Configuration keys held at one value in every trial. */
export type FixedConfig = Partial<Pick<TrialConfig, ConfigKey>>;

export const SAMPLER_ALGORITHMS = [
	'quasi-random',
	'random',
	'grid',
	'bayesian'
] as const satisfies readonly SamplerAlgorithm[];

export interface SearchSettings {
	algorithm: SamplerAlgorithm;
	/** Number of trials to sample. */
	trials: number;
	/** Seeds the sampler and, unless `seed` is fixed or searched, each trial's own seed. */
	seed: number;
	/**
	 * Bayesian search only: how many quasi-random trials run before the Gaussian process takes over
	 * (default: see initialTrialCount in study-trials.ts).
	 */
	initialTrials?: number;
}

export const PARAM_ROLES = ['scientific', 'nuisance'] as const;
export type ParamRole = (typeof PARAM_ROLES)[number];
export const PARAM_TYPES = ['float', 'int', 'discrete', 'categorical', 'bool'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export const PARAM_SCALES = ['linear', 'log'] as const;
export type ParamScale = (typeof PARAM_SCALES)[number];

interface StudyParamBase {
	/** A configuration key, or the name of a switch that other parameters' `when` refers to. */
	name: string;
	role: ParamRole;
	/** The parameter exists only in trials where each named parent takes one of the listed values. */
	when?: Condition;
}

export type StudyParam =
	| (StudyParamBase & { type: 'float'; min: number; max: number; scale: ParamScale })
	| (StudyParamBase & { type: 'int'; min: number; max: number; scale: ParamScale })
	| (StudyParamBase & { type: 'discrete'; values: number[] })
	| (StudyParamBase & { type: 'categorical'; values: (string | number | boolean)[] })
	| (StudyParamBase & { type: 'bool' });

export const TRIAL_STATUSES = [
	'queued',
	'running',
	'completed',
	'infeasible',
	'failed',
	'cancelled'
] as const satisfies readonly TrialStatus[];
type MissingStatus = Exclude<TrialStatus, (typeof TRIAL_STATUSES)[number]>;
const _everyStatusListed: [MissingStatus] extends [never] ? true : false = true;

export interface TrialBest {
	step: number;
	value: number;
}

/** One trial as the runner records it. Non-finite metric values are written as null in files. */
export interface TrialRecord {
	index: number;
	/** The sampled values, by parameter name (only the parameters active in this trial). */
	params: Sample;
	/** The full configuration the trial ran with. */
	config: TrialConfig;
	seed: number;
	status: TrialStatus;
	/** Why the trial failed or was infeasible. */
	reason?: string;
	/** The tfjs backend it ran on. */
	backend?: string;
	metrics?: MetricBatch;
	/** Where the objective was best over training (retrospective selection) and its value there. */
	best?: TrialBest;
	/** Cooldown branches trained from this trial's checkpoints. */
	branches?: BranchResult[];
	/** The user's notes on this trial (tuning log). */
	notes?: string;
	/** Training speed of its last run, warm-up left out (the throughput probe reads it). */
	throughput?: RecordedThroughput;
}

/** A trial's measured speed, as `TrialThroughput` in src/lib/procedures/throughput.ts records it. */
export interface RecordedThroughput {
	/** Optimizer steps per second over the timed steps. */
	stepsPerSecond: number;
	/** How many steps were timed. */
	measuredSteps: number;
	/** Steps at the start of the run left out as warm-up. */
	warmupSteps: number;
	/** True when every timed group also held an evaluation. */
	includesEvaluation: boolean;
}

export interface Study {
	name: string;
	/** What the study should find out, in the author's words. */
	goal: string;
	notes?: string;
	workload: Workload;
	budget: Budget;
	objective: Objective;
	fixed: FixedConfig;
	search: SearchSettings;
	params: StudyParam[];
	/** Run cooldown branches of every trial automatically at these points. */
	cooldownBranches?: CooldownBranchesOption;
	/** Results, filled in by the runner; empty for a study that has not run. */
	trials: TrialRecord[];
	/** What the study found, in the user's words (tuning log); files only, the database keeps it apart. */
	conclusion?: string;
	/** Whether the study's outcome changed the baseline ("launched") configuration. */
	changedBaseline?: boolean;
}

/** The study as written to a file: the study plus the format tag and version. */
export type StudyFile = { format: typeof STUDY_FORMAT; version: typeof STUDY_VERSION } & Study;
