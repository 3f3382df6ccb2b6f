// The study model: one experiment in the playbook's sense ("A scientific approach to improving model
// performance"). A study names its goal, the workload, a fixed training budget, the objective, the
// configuration keys held fixed, and the scientific and nuisance parameters to search. It is pure
// data; its types come from the file's schema (study-schema.ts), `validateStudy`
// (study-validation.ts) turns untrusted JSON into it, and study-file.ts reads and writes it as the
// public `tuning-lab.study` file.

import { DATASET_NAMES, isUserDatasetId, type DatasetId, type DatasetName } from './trial-config';

export {
	OBJECTIVE_GOALS,
	OBJECTIVE_METRICS,
	PARAM_ROLES,
	PARAM_SCALES,
	PARAM_TYPES,
	SAMPLER_ALGORITHMS,
	STUDY_FORMAT,
	STUDY_VERSION,
	TRIAL_STATUSES
} from './study-schema';
export type {
	Budget,
	FixedConfig,
	Objective,
	ObjectiveGoal,
	ObjectiveMetric,
	ParamRole,
	ParamScale,
	ParamType,
	RecordedThroughput,
	TrialRun,
	SearchSettings,
	Study,
	StudyFile,
	StudyParam,
	TrialBest,
	TrialRecord,
	Workload
} from './study-schema';
export {
	USER_DATA_MODELS,
	WORKLOADS,
	describeValidPairs,
	modelsFor,
	type WorkloadSpec
} from './trial-config';

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

/** The direction that makes sense for each metric (defined with the objective, in objective.ts). */
export { METRIC_GOALS } from './objective';
