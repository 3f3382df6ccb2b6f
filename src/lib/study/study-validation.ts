// Strict validation of a study file (already parsed from JSON) into the `Study` model. Every problem is
// reported with the JSON path it concerns and what was expected there; unknown keys are named along
// with the valid ones. Values quoted back from the file are cut short (see json-path.ts).
//
// Beyond the shape of each section it checks what only makes sense across sections: a key is either
// fixed or searched; `maxTrainSteps` is never searched; conditions refer to existing categorical or
// bool parameters and to values they can take; parameters sharing a name never apply to the same
// trial; the model can train on the dataset; and in every combination of searched choices (every
// "branch") the fixed and active keys belong to the optimizer and schedule of that branch and to the
// workload's model, fit in the run, and give the model a shape it can have (nHead divides dModel, the
// CNN's blocks leave the image at least one pixel).

import { resolveCooldownSteps } from '../math/schedule-config';
import type { ParamValue } from '../math/search-space';
import { sampleTrials, validateSpaceForSampling } from '../math/sampler';
import {
	CONFIG_KEYS,
	MODEL_KEY_DEFAULTS,
	WORKLOAD_AND_BUDGET_KEYS,
	checkConfigValue,
	configKeySpec,
	describeRule,
	isConfigKey,
	numberFits,
	type ConfigKey,
	type ValueRule
} from './config-vocabulary';
import { childPath, clip, describeValue, isPlainObject, listWords, quote } from './json-path';
import type { EvalRow, MetricBatch, TrainRows } from './metrics';
import { OPTIMIZER_HYPERPARAMETERS } from './optimizer-table';
import {
	METRIC_GOALS,
	OBJECTIVE_GOALS,
	OBJECTIVE_METRICS,
	PARAM_ROLES,
	PARAM_SCALES,
	PARAM_TYPES,
	SAMPLER_ALGORITHMS,
	STUDY_FORMAT,
	STUDY_VERSION,
	TRIAL_STATUSES,
	IMAGE_SIDES,
	describeValidPairs,
	isDatasetId,
	isDatasetName,
	maxCnnDepth,
	modelsFor,
	type Budget,
	type FixedConfig,
	type Objective,
	type ParamType,
	type RecordedThroughput,
	type SearchSettings,
	type Study,
	type StudyParam,
	type TrialBest,
	type TrialRecord,
	type Workload
} from './study';
import { toSearchSpace } from './study-trials';
import { checkBranchResults, checkCooldownBranches } from './cooldown-branches';
import {
	DATASET_NAMES,
	DEFAULT_TRIAL_CONFIG,
	MODEL_NAMES,
	USER_DATA_KINDS,
	isUserDatasetId,
	userDataKind,
	type DatasetId,
	type OptimizerName,
	type ScheduleName,
	type TrialConfig
} from './trial-config';

export interface StudyError {
	/** Where the problem is, e.g. `$.params[2].scale`. */
	path: string;
	message: string;
}

export type StudyValidation = { ok: true; study: Study } | { ok: false; errors: StudyError[] };

export const TOP_LEVEL_KEYS = [
	'format',
	'version',
	'name',
	'goal',
	'notes',
	'workload',
	'budget',
	'objective',
	'fixed',
	'search',
	'params',
	'cooldownBranches',
	'trials',
	'conclusion',
	'changedBaseline'
] as const;
const WORKLOAD_KEYS = ['dataset', 'model'] as const;
const BUDGET_KEYS = ['maxTrainSteps', 'evalEvery', 'checkpointEvery', 'keepBestCheckpoints'] as const;
const OBJECTIVE_KEYS = ['metric', 'goal'] as const;
const SEARCH_KEYS = ['algorithm', 'trials', 'seed', 'initialTrials'] as const;
const COMMON_PARAM_KEYS = ['name', 'role', 'type'] as const;
const PARAM_KEYS: Record<ParamType, readonly string[]> = {
	float: [...COMMON_PARAM_KEYS, 'min', 'max', 'scale', 'when'],
	int: [...COMMON_PARAM_KEYS, 'min', 'max', 'scale', 'when'],
	discrete: [...COMMON_PARAM_KEYS, 'values', 'when'],
	categorical: [...COMMON_PARAM_KEYS, 'values', 'when'],
	bool: [...COMMON_PARAM_KEYS, 'when']
};
const TRIAL_KEYS = [
	'index',
	'params',
	'config',
	'seed',
	'status',
	'reason',
	'backend',
	'metrics',
	'best',
	'branches',
	'notes',
	'throughput'
] as const;
const METRICS_KEYS = ['train', 'evals'] as const;
const TRAIN_COLUMNS = [
	'step',
	'loss',
	'lr',
	'gradNorm',
	'clipped'
] as const satisfies readonly (keyof TrainRows)[];
const EVAL_REQUIRED = ['step', 'valLoss', 'valAccuracy'] as const satisfies readonly (keyof EvalRow)[];

/** The TrialConfig keys a recorded trial must hold. */
const TRIAL_CONFIG_REQUIRED = [
	'dataset',
	'model',
	'hiddenWidth',
	'depth',
	'batchSize',
	'maxTrainSteps',
	'evalEvery',
	'seed',
	'backend',
	'optimizer',
	'learningRate',
	'schedule'
] as const;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type UnlistedRequired = Exclude<RequiredKeys<TrialConfig>, (typeof TRIAL_CONFIG_REQUIRED)[number]>;
const _everyRequiredKeyListed: [UnlistedRequired] extends [never] ? true : false = true;

const MAX_NAME_CHARS = 120;
const MAX_PARAM_NAME_CHARS = 40;
const MAX_GOAL_CHARS = 2_000;
const MAX_NOTES_CHARS = 20_000;
const MAX_TEXT_CHARS = 2_000;
const MAX_VALUES = 64;
/** Combinations of searched choices the cross-checks walk through before giving up. */
export const MAX_BRANCHES = 4_096;
/** Errors reported at most; a last entry says how many more there were. */
export const MAX_ERRORS = 50;
const MAX_STEPS = Number.MAX_SAFE_INTEGER;
const SEED_RULE: ValueRule = { kind: 'integer', min: 0, max: 4294967295 };

const WHY_BUDGET =
	'one length holds for every trial; refine it later from the steps where the best checkpoints land ' +
	'(playbook, "Deciding how long to train")';
const MAX_TRAIN_STEPS_SEARCHED = `maxTrainSteps cannot be searched: set it once in budget.maxTrainSteps, because ${WHY_BUDGET}`;
const MAX_TRAIN_STEPS_FIXED = `maxTrainSteps belongs in budget.maxTrainSteps, not in fixed: ${WHY_BUDGET}`;
const SET_ELSEWHERE: Record<Exclude<(typeof WORKLOAD_AND_BUDGET_KEYS)[number], 'maxTrainSteps'>, string> = {
	dataset: 'workload.dataset',
	model: 'workload.model',
	evalEvery: 'budget.evalEvery'
};

/** Collects problems in order, dropping exact repeats (the branch checks meet the same problem often). */
class Problems {
	readonly list: StudyError[] = [];
	private readonly seen = new Set<string>();

	add(path: string, message: string): void {
		const key = `${path}\n${message}`;
		if (this.seen.has(key)) return;
		this.seen.add(key);
		this.list.push({ path, message });
	}

	get count(): number {
		return this.list.length;
	}
}

function own(record: Record<string, unknown>, key: string): unknown {
	return Object.hasOwn(record, key) ? record[key] : undefined;
}

function checkKeys(
	problems: Problems,
	record: Record<string, unknown>,
	path: string,
	valid: readonly string[]
) {
	for (const key of Object.keys(record)) {
		if (!valid.includes(key)) problems.add(childPath(path, key), unknownKeyMessage(key, valid));
	}
}

function unknownKeyMessage(key: string, valid: readonly string[]): string {
	const hint = valid.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
	return `unknown key${hint ? ` (did you mean ${hint}?)` : ''}; valid keys are ${valid.join(', ')}`;
}

function unknownConfigKeyMessage(name: string): string {
	const hint = CONFIG_KEYS.find((key) => key.toLowerCase() === name.toLowerCase());
	return `unknown config key ${quote(name)}${hint ? ` (did you mean ${hint}?)` : ''}; valid keys are ${CONFIG_KEYS.join(', ')}`;
}

function readObject(
	problems: Problems,
	parent: Record<string, unknown>,
	key: string,
	path: string
): Record<string, unknown> | undefined {
	const value = own(parent, key);
	const at = childPath(path, key);
	if (value === undefined) problems.add(at, 'required; expected an object');
	else if (!isPlainObject(value)) problems.add(at, `expected an object, got ${describeValue(value)}`);
	else return value;
	return undefined;
}

function readText(
	problems: Problems,
	parent: Record<string, unknown>,
	key: string,
	path: string,
	options: { required: boolean; maxChars: number }
): string | undefined {
	const value = own(parent, key);
	const at = childPath(path, key);
	if (value === undefined) {
		if (options.required) problems.add(at, 'required; expected text');
	} else if (typeof value !== 'string') {
		problems.add(at, `expected text, got ${describeValue(value)}`);
	} else if (options.required && value.trim() === '') {
		problems.add(at, 'must not be empty');
	} else if (value.length > options.maxChars) {
		problems.add(at, `too long: ${value.length} characters, at most ${options.maxChars}`);
	} else {
		return value;
	}
	return undefined;
}

function readInteger(
	problems: Problems,
	parent: Record<string, unknown>,
	key: string,
	path: string,
	rule: ValueRule
): number | undefined {
	const value = own(parent, key);
	const at = childPath(path, key);
	if (value === undefined) problems.add(at, `required; expected ${describeRule(rule)}`);
	else if (typeof value !== 'number' || !numberFits(rule, value)) {
		problems.add(at, `expected ${describeRule(rule)}, got ${describeValue(value)}`);
	} else return value;
	return undefined;
}

function readChoice<T extends string>(
	problems: Problems,
	parent: Record<string, unknown>,
	key: string,
	path: string,
	values: readonly T[]
): T | undefined {
	const value = own(parent, key);
	const at = childPath(path, key);
	const found = values.find((candidate) => candidate === value);
	if (value === undefined) problems.add(at, `required; expected one of ${values.join(', ')}`);
	else if (found === undefined)
		problems.add(at, `expected one of ${values.join(', ')}, got ${describeValue(value)}`);
	return found;
}

function isParamValue(value: unknown): value is ParamValue {
	return (
		typeof value === 'string' ||
		typeof value === 'boolean' ||
		(typeof value === 'number' && Number.isFinite(value))
	);
}

/** A key that tells 1 from "1" from true, for finding repeated values. */
function valueKey(value: ParamValue): string {
	return `${typeof value}:${String(value)}`;
}

/** How a parameter or key name appears in a message: config keys as they are, anything else quoted. */
function nameText(name: string): string {
	return isConfigKey(name) ? name : quote(name);
}

// ---------------------------------------------------------------------------------------------
// Sections

const DATASET_CHOICES =
	`one of ${DATASET_NAMES.join(', ')}, or a user dataset id (${orList(USER_DATA_KINDS.map((k) => `${k}:`))} ` +
	'followed by the SHA-256 of the data in 64 lowercase hex digits)';

/** A bundled dataset name or a well-formed user dataset id; a problem naming what is wrong otherwise. */
function checkDataset(problems: Problems, value: unknown, at: string): DatasetId | undefined {
	if (value === undefined) {
		problems.add(at, `required; expected ${DATASET_CHOICES}`);
		return undefined;
	}
	if (typeof value === 'string' && isDatasetId(value)) return value;
	const colon = typeof value === 'string' ? value.indexOf(':') : -1;
	if (typeof value !== 'string' || colon < 0) {
		problems.add(at, `expected ${DATASET_CHOICES}, got ${describeValue(value)}`);
		return undefined;
	}
	const kind = value.slice(0, colon);
	const digest = value.slice(colon + 1);
	if (!USER_DATA_KINDS.some((candidate) => candidate === kind)) {
		problems.add(
			at,
			`${quote(kind)} is not a kind of user data; a user dataset id starts with ${orList(USER_DATA_KINDS.map((k) => `${k}:`))}`
		);
	} else {
		const what =
			digest.length === 64
				? '64 characters, not all lowercase hex digits (0-9, a-f)'
				: `${digest.length} characters`;
		problems.add(
			at,
			`${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} dataset id is "${kind}:" followed by the SHA-256 of the data in 64 lowercase hex ` +
				`digits; got ${what} after "${kind}:"`
		);
	}
	return undefined;
}

/** A dataset as messages name it: bundled sets by name, user data by kind (the hash says little). */
function datasetText(dataset: DatasetId): string {
	return isUserDatasetId(dataset) ? `user ${userDataKind(dataset)} data` : dataset;
}

function checkWorkload(problems: Problems, root: Record<string, unknown>): Workload | undefined {
	const record = readObject(problems, root, 'workload', '$');
	if (!record) return undefined;
	const path = '$.workload';
	checkKeys(problems, record, path, WORKLOAD_KEYS);
	const dataset = checkDataset(problems, own(record, 'dataset'), `${path}.dataset`);
	const modelValue = own(record, 'model');
	const at = `${path}.model`;
	const models = dataset === undefined ? MODEL_NAMES : (modelsFor(dataset) ?? []);
	if (modelValue === undefined) {
		problems.add(at, `required; expected one of ${models.join(', ')}`);
		return undefined;
	}
	const model = MODEL_NAMES.find((candidate) => candidate === modelValue);
	if (model === undefined) {
		problems.add(at, `expected one of ${MODEL_NAMES.join(', ')}, got ${describeValue(modelValue)}`);
		return undefined;
	}
	if (dataset === undefined) return undefined;
	if (!models.includes(model)) {
		problems.add(
			at,
			`${model} cannot train on ${datasetText(dataset)}, which takes ${orList(models)}; the valid pairs ` +
				`are ${describeValidPairs()}`
		);
		return undefined;
	}
	return { dataset, model };
}

function checkBudget(problems: Problems, root: Record<string, unknown>): Budget | undefined {
	const record = readObject(problems, root, 'budget', '$');
	if (!record) return undefined;
	const path = '$.budget';
	checkKeys(problems, record, path, BUDGET_KEYS);
	const positive: ValueRule = { kind: 'integer', min: 1, max: MAX_STEPS };
	const maxTrainSteps = readInteger(problems, record, 'maxTrainSteps', path, positive);
	const evalEvery = readInteger(problems, record, 'evalEvery', path, positive);
	const checkpointEvery = readInteger(problems, record, 'checkpointEvery', path, positive);
	const keepBestCheckpoints = readInteger(problems, record, 'keepBestCheckpoints', path, {
		kind: 'integer',
		min: 1,
		max: 1000
	});
	if (
		maxTrainSteps === undefined ||
		evalEvery === undefined ||
		checkpointEvery === undefined ||
		keepBestCheckpoints === undefined
	) {
		return undefined;
	}
	return { maxTrainSteps, evalEvery, checkpointEvery, keepBestCheckpoints };
}

function checkObjective(problems: Problems, root: Record<string, unknown>): Objective | undefined {
	const record = readObject(problems, root, 'objective', '$');
	if (!record) return undefined;
	const path = '$.objective';
	checkKeys(problems, record, path, OBJECTIVE_KEYS);
	const metric = readChoice(problems, record, 'metric', path, OBJECTIVE_METRICS);
	const goal = readChoice(problems, record, 'goal', path, OBJECTIVE_GOALS);
	if (metric === undefined || goal === undefined) return undefined;
	if (METRIC_GOALS[metric] !== goal) {
		const better = METRIC_GOALS[metric] === 'minimize' ? 'lower' : 'higher';
		problems.add(
			`${path}.goal`,
			`a ${better} ${metric} is better: expected ${METRIC_GOALS[metric]}, got ${goal}`
		);
		return undefined;
	}
	return { metric, goal };
}

function checkSearch(problems: Problems, root: Record<string, unknown>): SearchSettings | undefined {
	const record = readObject(problems, root, 'search', '$');
	if (!record) return undefined;
	const path = '$.search';
	checkKeys(problems, record, path, SEARCH_KEYS);
	const algorithm = readChoice(problems, record, 'algorithm', path, SAMPLER_ALGORITHMS);
	const trials = readInteger(problems, record, 'trials', path, { kind: 'integer', min: 1, max: 10_000 });
	const seed = readInteger(problems, record, 'seed', path, SEED_RULE);
	if (algorithm === undefined || trials === undefined || seed === undefined) return undefined;
	if (own(record, 'initialTrials') === undefined) return { algorithm, trials, seed };
	// How many quasi-random trials a bayesian search starts with (study-trials.ts initialTrialCount).
	const initialTrials = readInteger(problems, record, 'initialTrials', path, {
		kind: 'integer',
		min: 1,
		max: trials
	});
	if (initialTrials === undefined) return undefined;
	if (algorithm !== 'bayesian') {
		problems.add(`${path}.initialTrials`, `initialTrials applies to bayesian search only, not ${algorithm}`);
		return undefined;
	}
	return { algorithm, trials, seed, initialTrials };
}

function checkFixed(problems: Problems, root: Record<string, unknown>): FixedConfig | undefined {
	const record = readObject(problems, root, 'fixed', '$');
	if (!record) return undefined;
	const fixed: Record<string, unknown> = {};
	let ok = true;
	for (const [key, value] of Object.entries(record)) {
		const at = childPath('$.fixed', key);
		if (key === 'maxTrainSteps') {
			problems.add(at, MAX_TRAIN_STEPS_FIXED);
		} else if (key === 'dataset' || key === 'model' || key === 'evalEvery') {
			problems.add(at, `${key} is set in ${SET_ELSEWHERE[key]}, not in fixed`);
		} else if (!isConfigKey(key)) {
			problems.add(at, unknownKeyMessage(key, CONFIG_KEYS));
		} else {
			const wrong = checkConfigValue(key, value);
			if (wrong === undefined) {
				fixed[key] = value;
				continue;
			}
			problems.add(at, wrong);
		}
		ok = false;
	}
	// Validated key by key against the vocabulary, so the record has the FixedConfig shape.
	return ok ? (fixed as FixedConfig) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parameters, one at a time

const TYPES_FOR_RULE: Record<ValueRule['kind'], readonly ParamType[]> = {
	number: ['float', 'int', 'discrete'],
	integer: ['int', 'discrete'],
	choice: ['categorical']
};

function orList(words: readonly string[]): string {
	return words.length <= 1
		? words.join('')
		: `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function readFinite(
	problems: Problems,
	record: Record<string, unknown>,
	key: string,
	path: string,
	integer: boolean
): number | undefined {
	const value = own(record, key);
	const at = childPath(path, key);
	const noun = integer ? 'an integer' : 'a number';
	if (value === undefined) problems.add(at, `required; expected ${noun}`);
	else if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
		problems.add(at, `expected ${noun}, got ${describeValue(value)}`);
	} else return value;
	return undefined;
}

function checkCondition(
	problems: Problems,
	value: unknown,
	path: string
): Record<string, ParamValue[]> | undefined {
	if (!isPlainObject(value)) {
		problems.add(
			path,
			`expected an object mapping parameter names to lists of values, got ${describeValue(value)}`
		);
		return undefined;
	}
	const entries = Object.entries(value);
	if (entries.length === 0) {
		problems.add(path, 'expected at least one parameter name; leave when out for a parameter of every trial');
		return undefined;
	}
	const condition: Record<string, ParamValue[]> = {};
	let ok = true;
	for (const [parent, list] of entries) {
		const at = childPath(path, parent);
		if (!Array.isArray(list) || list.length === 0) {
			problems.add(at, `expected a non-empty list of values, got ${describeValue(list)}`);
			ok = false;
			continue;
		}
		const values = checkValueList(problems, list, at, isParamValue, 'a string, number or boolean');
		if (values === undefined) ok = false;
		else condition[parent] = values;
	}
	return ok ? condition : undefined;
}

/** Checks each item with `accept` and that no value repeats; returns the list when all is well. */
function checkValueList<T extends ParamValue>(
	problems: Problems,
	list: readonly unknown[],
	path: string,
	accept: (value: unknown) => value is T,
	expected: string
): T[] | undefined {
	const seen = new Set<string>();
	const values: T[] = [];
	let ok = true;
	list.forEach((item, j) => {
		const at = childPath(path, j);
		if (!accept(item)) {
			problems.add(at, `expected ${expected}, got ${describeValue(item)}`);
			ok = false;
		} else if (seen.has(valueKey(item))) {
			problems.add(at, `${describeValue(item)} is listed twice`);
			ok = false;
		} else {
			seen.add(valueKey(item));
			values.push(item);
		}
	});
	return ok ? values : undefined;
}

function readValues(
	problems: Problems,
	record: Record<string, unknown>,
	path: string
): unknown[] | undefined {
	const value = own(record, 'values');
	const at = `${path}.values`;
	if (value === undefined) problems.add(at, 'required; expected a non-empty list');
	else if (!Array.isArray(value) || value.length === 0) {
		problems.add(at, `expected a non-empty list, got ${describeValue(value)}`);
	} else if (value.length > MAX_VALUES) {
		problems.add(at, `expected at most ${MAX_VALUES} values, got ${value.length}`);
	} else return value;
	return undefined;
}

function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function checkParam(problems: Problems, raw: unknown, path: string): StudyParam | undefined {
	if (!isPlainObject(raw)) {
		problems.add(path, `expected a parameter object, got ${describeValue(raw)}`);
		return undefined;
	}
	const before = problems.count;
	const type = readChoice(problems, raw, 'type', path, PARAM_TYPES);
	if (type !== undefined) {
		for (const key of Object.keys(raw)) {
			if (PARAM_KEYS[type].includes(key)) continue;
			const usedElsewhere = PARAM_TYPES.filter((other) => PARAM_KEYS[other].includes(key));
			problems.add(
				childPath(path, key),
				usedElsewhere.length > 0
					? `not used by ${type} parameters (only by ${orList(usedElsewhere)}); valid keys are ${PARAM_KEYS[type].join(', ')}`
					: unknownKeyMessage(key, PARAM_KEYS[type])
			);
		}
	}
	const name = readText(problems, raw, 'name', path, { required: true, maxChars: MAX_PARAM_NAME_CHARS });
	const role = readChoice(problems, raw, 'role', path, PARAM_ROLES);
	const rawWhen = own(raw, 'when');
	const when = rawWhen === undefined ? undefined : checkCondition(problems, rawWhen, `${path}.when`);

	let key: ConfigKey | undefined;
	if (name !== undefined) {
		if (name === 'maxTrainSteps') problems.add(`${path}.name`, MAX_TRAIN_STEPS_SEARCHED);
		else if (name === 'dataset' || name === 'model' || name === 'evalEvery') {
			problems.add(`${path}.name`, `${name} cannot be searched: it is set once in ${SET_ELSEWHERE[name]}`);
		} else if (isConfigKey(name)) key = name;
		else if (type !== 'categorical' && type !== 'bool') {
			problems.add(`${path}.name`, unknownConfigKeyMessage(name));
		}
	}
	const rule = key === undefined ? undefined : configKeySpec(key).rule;
	if (
		key !== undefined &&
		rule !== undefined &&
		type !== undefined &&
		!TYPES_FOR_RULE[rule.kind].includes(type)
	) {
		problems.add(
			`${path}.type`,
			`${key} takes ${describeRule(rule)}; search it as ${orList(TYPES_FOR_RULE[rule.kind])}`
		);
		return undefined;
	}
	if (type === undefined || name === undefined || role === undefined) return undefined;

	const base = when === undefined ? { name, role } : { name, role, when };
	let param: StudyParam | undefined;
	switch (type) {
		case 'float':
		case 'int': {
			const integer = type === 'int';
			const min = readFinite(problems, raw, 'min', path, integer);
			const max = readFinite(problems, raw, 'max', path, integer);
			const scale = readChoice(problems, raw, 'scale', path, PARAM_SCALES);
			if (min === undefined || max === undefined || scale === undefined) break;
			if (!(min < max)) {
				problems.add(`${path}.max`, `expected a number greater than min (${min}), got ${max}`);
				break;
			}
			if (scale === 'log' && !(min > 0)) {
				problems.add(`${path}.min`, `a log-scale range needs min > 0, got ${min}`);
				break;
			}
			if (rule !== undefined) {
				const outside = (
					[
						['min', min],
						['max', max]
					] as const
				).filter(([, bound]) => !numberFits(rule, bound));
				for (const [which, bound] of outside) {
					problems.add(`${path}.${which}`, `${key} takes ${describeRule(rule)}, got ${bound}`);
				}
				if (outside.length > 0) break;
			}
			param = { ...base, type, min, max, scale };
			break;
		}
		case 'discrete': {
			const list = readValues(problems, raw, path);
			if (list === undefined) break;
			const values = checkValueList(problems, list, `${path}.values`, isFiniteNumber, 'a number');
			if (values === undefined) break;
			if (rule !== undefined) {
				const before = problems.count;
				values.forEach((value, j) => {
					if (!numberFits(rule, value)) {
						problems.add(`${path}.values[${j}]`, `${key} takes ${describeRule(rule)}, got ${value}`);
					}
				});
				if (problems.count > before) break;
			}
			param = { ...base, type, values };
			break;
		}
		case 'categorical': {
			const list = readValues(problems, raw, path);
			if (list === undefined) break;
			const values = checkValueList(
				problems,
				list,
				`${path}.values`,
				isParamValue,
				'a string, number or boolean'
			);
			if (values === undefined) break;
			if (rule !== undefined && rule.kind === 'choice') {
				const before = problems.count;
				values.forEach((value, j) => {
					if (typeof value !== 'string' || !rule.values.includes(value)) {
						problems.add(
							`${path}.values[${j}]`,
							`${key} takes ${describeRule(rule)}, got ${describeValue(value)}`
						);
					}
				});
				if (problems.count > before) break;
			}
			param = { ...base, type, values };
			break;
		}
		case 'bool':
			param = { ...base, type };
			break;
	}
	return problems.count === before ? param : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parameters, together

/** The values a categorical or bool parameter takes; undefined for the others. */
function choicesOf(param: StudyParam): readonly ParamValue[] | undefined {
	if (param.type === 'categorical') return param.values;
	if (param.type === 'bool') return [false, true];
	return undefined;
}

/** Largest value a source can give a numeric key, and the path to blame if it is too large. */
interface Upper {
	value: number;
	path: string;
}

/** Where one key's value comes from in one branch: the fixed section or an active parameter. */
interface KeySource {
	path: string;
	searched: boolean;
	/** Known in this branch: fixed values, and the branch's pick of an enumerated categorical. */
	value?: ParamValue;
	upper?: Upper;
	/** The parameter that searches the key, when it is searched. */
	param?: StudyParam;
}

interface CrossCheckInput {
	params: StudyParam[];
	fixed: FixedConfig;
	budget?: Budget;
	search?: SearchSettings;
	/** Absent when the workload itself is invalid; the model checks are then skipped. */
	workload?: Workload;
}

function checkParamsTogether(
	problems: Problems,
	{ params, fixed, budget, search, workload }: CrossCheckInput
): void {
	const start = problems.count;
	const foundMore = () => problems.count > start;
	const paramPath = (i: number) => `$.params[${i}]`;
	const byName = new Map<string, number[]>();
	params.forEach((param, i) => byName.set(param.name, [...(byName.get(param.name) ?? []), i]));
	const referenced = new Set(params.flatMap((param) => Object.keys(param.when ?? {})));

	params.forEach((param, i) => {
		if (Object.hasOwn(fixed, param.name)) {
			problems.add(
				`${paramPath(i)}.name`,
				`${param.name} is also set in fixed; a key is either fixed for every trial or searched, not both`
			);
		}
		if (!isConfigKey(param.name) && !referenced.has(param.name)) {
			problems.add(
				`${paramPath(i)}.name`,
				`${unknownConfigKeyMessage(param.name)} (a ${param.type} parameter may have another name only ` +
					"as a switch that some parameter's when refers to)"
			);
		}
		for (const [parent, values] of Object.entries(param.when ?? {})) {
			const at = childPath(`${paramPath(i)}.when`, parent);
			const parents = byName.get(parent) ?? [];
			if (parent === param.name) {
				problems.add(at, 'a parameter cannot depend on a parameter of its own name');
				continue;
			}
			if (parents.length === 0) {
				problems.add(
					at,
					Object.hasOwn(fixed, parent)
						? `${nameText(parent)} is fixed, not searched; when may only refer to searched categorical or bool parameters`
						: `${nameText(parent)} is not a parameter of this study; when may only refer to categorical or bool parameters`
				);
				continue;
			}
			const choices = parents.map((j) => choicesOf(params[j] as StudyParam));
			if (choices.some((list) => list === undefined)) {
				const kind = params[parents[0] as number]?.type ?? 'float';
				problems.add(
					at,
					`${nameText(parent)} is a ${kind} parameter; when may only refer to categorical or bool parameters`
				);
				continue;
			}
			const possible = new Set(choices.flatMap((list) => (list ?? []).map(valueKey)));
			values.forEach((value, j) => {
				if (!possible.has(valueKey(value))) {
					const listed = [...new Set(choices.flatMap((list) => list ?? []))].map((v) => describeValue(v));
					problems.add(
						childPath(at, j),
						`${nameText(parent)} never takes ${describeValue(value)}; its values are ${clip(listed.join(', '), 60)}`
					);
				}
			});
		}
	});
	if (foundMore()) return;

	const order = topologicalOrder(problems, params, byName);
	if (order === undefined) return;

	// Walk every combination of the categorical choices that steer other keys: the parents named in
	// conditions, and the optimizer and schedule (which decide the keys that apply).
	const steering = order.filter((i) => {
		const param = params[i] as StudyParam;
		return (
			choicesOf(param) !== undefined &&
			(referenced.has(param.name) || param.name === 'optimizer' || param.name === 'schedule')
		);
	});
	const picks = new Map<number, ParamValue>();
	const isActive = (param: StudyParam) =>
		Object.entries(param.when ?? {}).every(([parent, values]) =>
			[...picks].some(([j, value]) => params[j]?.name === parent && values.includes(value))
		);
	let branches = 0;
	const visit = (k: number): boolean => {
		if (k === steering.length) {
			branches += 1;
			if (branches > MAX_BRANCHES) return false;
			checkBranch(problems, { params, fixed, budget, workload }, picks, isActive);
			return true;
		}
		const i = steering[k] as number;
		const param = params[i] as StudyParam;
		if (!isActive(param)) return visit(k + 1);
		for (const value of choicesOf(param) ?? []) {
			picks.set(i, value);
			if (!visit(k + 1)) return false;
		}
		picks.delete(i);
		return true;
	};
	if (!visit(0)) {
		problems.add(
			'$.params',
			`the categorical parameters combine into more than ${MAX_BRANCHES} cases, too many to check; use fewer values or conditions`
		);
		return;
	}

	// The sampler shares the trials out among the values of unconditional scientific categorical, bool
	// and discrete parameters; each value needs at least one trial to be compared at all.
	if (search !== undefined) {
		params.forEach((param, i) => {
			const values = param.type === 'discrete' ? param.values : choicesOf(param);
			if (param.role !== 'scientific' || param.when !== undefined || values === undefined) return;
			if (search.trials < values.length) {
				problems.add(
					'$.search.trials',
					`${search.trials} trials cannot cover the ${values.length} values of the scientific parameter ` +
						`${nameText(param.name)} ($.params[${i}]); use at least ${values.length}`
				);
			}
		});
	}
	if (foundMore() || search === undefined) return;
	const space = toSearchSpace(params);
	for (const message of validateSpaceForSampling(space)) problems.add('$.params', message);
	if (foundMore()) return;
	// A dry run with no trials meets the limits of the chosen algorithm (grid search's, mainly).
	try {
		sampleTrials(space, { algorithm: search.algorithm, seed: search.seed, count: 0, total: search.trials });
	} catch (error) {
		problems.add('$.search', error instanceof Error ? error.message : String(error));
	}
}

/** Parameters ordered parents first; undefined (with a problem reported) when conditions form a cycle. */
function topologicalOrder(
	problems: Problems,
	params: StudyParam[],
	byName: Map<string, number[]>
): number[] | undefined {
	const state = new Array<'new' | 'open' | 'done'>(params.length).fill('new');
	const order: number[] = [];
	const stack: number[] = [];
	let cycle: number[] | undefined;
	const visit = (i: number): void => {
		if (cycle !== undefined || state[i] === 'done') return;
		if (state[i] === 'open') {
			cycle = [...stack.slice(stack.indexOf(i)), i];
			return;
		}
		state[i] = 'open';
		stack.push(i);
		for (const parent of Object.keys(params[i]?.when ?? {})) {
			for (const j of byName.get(parent) ?? []) visit(j);
		}
		stack.pop();
		state[i] = 'done';
		order.push(i);
	};
	params.forEach((_, i) => visit(i));
	if (cycle === undefined) return order;
	const names = cycle.map((i) => nameText(params[i]?.name ?? ''));
	problems.add(`$.params[${cycle[0]}].when`, `conditions form a cycle: ${names.join(' → ')}`);
	return undefined;
}

/** The picks of a branch, such as `optimizer = "adam", "useEma" = true`, cut to 60 characters. */
function describePicks(params: StudyParam[], picks: Map<number, ParamValue>): string {
	const parts = [...picks].map(
		([i, value]) => `${nameText(params[i]?.name ?? '')} = ${describeValue(value)}`
	);
	return clip(parts.join(', '), 60);
}

function upperOf(param: StudyParam, path: string): Upper | undefined {
	if (param.type === 'float' || param.type === 'int') return { value: param.max, path: `${path}.max` };
	if (param.type === 'discrete') return { value: Math.max(...param.values), path: `${path}.values` };
	return undefined;
}

/** The checks of one combination of searched choices (`picks`: steering parameter index → its value). */
function checkBranch(
	problems: Problems,
	{ params, fixed, budget, workload }: Pick<CrossCheckInput, 'params' | 'fixed' | 'budget' | 'workload'>,
	picks: Map<number, ParamValue>,
	isActive: (param: StudyParam) => boolean
): void {
	const sources = new Map<ConfigKey, KeySource>();
	for (const [key, value] of Object.entries(fixed) as [ConfigKey, ParamValue][]) {
		const path = childPath('$.fixed', key);
		sources.set(key, {
			path,
			searched: false,
			value,
			upper: typeof value === 'number' ? { value, path } : undefined
		});
	}
	const activeByName = new Map<string, number>();
	params.forEach((param, i) => {
		if (!isActive(param)) return;
		const path = `$.params[${i}]`;
		const earlier = activeByName.get(param.name);
		if (earlier !== undefined) {
			const when = describePicks(params, picks);
			problems.add(
				when === '' ? `${path}.name` : `${path}.when`,
				`${nameText(param.name)} is also searched by $.params[${earlier}]` +
					(when === '' ? '' : ` in trials where ${when}`) +
					'; parameters that share a name need conditions that never hold together'
			);
			return;
		}
		activeByName.set(param.name, i);
		if (isConfigKey(param.name)) {
			sources.set(param.name, {
				path,
				searched: true,
				value: picks.get(i),
				upper: upperOf(param, path),
				param
			});
		}
	});

	const optimizerSource = sources.get('optimizer');
	const optimizer = (optimizerSource?.value ?? DEFAULT_TRIAL_CONFIG.optimizer) as OptimizerName;
	const scheduleSource = sources.get('schedule');
	const schedule = (scheduleSource?.value ?? DEFAULT_TRIAL_CONFIG.schedule) as ScheduleName;
	const which = (source: KeySource | undefined, kind: string, value: string) =>
		source === undefined
			? ` (the default ${kind})`
			: source.searched
				? ` (in trials where ${kind} is ${value})`
				: '';

	for (const [key, source] of sources) {
		const spec = configKeySpec(key);
		if (spec.optimizers !== undefined && !spec.optimizers.includes(optimizer)) {
			const takes = OPTIMIZER_HYPERPARAMETERS[optimizer];
			const takesText =
				takes.length > 0
					? `which takes ${listWords(takes)}`
					: 'which takes only learningRate and weightDecay';
			const fix = optimizerSource?.searched
				? source.searched
					? '; limit it with a when condition on optimizer'
					: '; search it with a when condition on optimizer instead of fixing it'
				: '';
			problems.add(
				source.path,
				`${key} does not apply to ${optimizer}${which(optimizerSource, 'optimizer', optimizer)}, ${takesText}${fix}`
			);
		}
		if (spec.schedules !== undefined && !spec.schedules.includes(schedule)) {
			problems.add(
				source.path,
				`${key} is not read by the ${schedule} schedule${which(scheduleSource, 'schedule', schedule)}; only by ${listWords(spec.schedules)}`
			);
		}
		if (workload !== undefined && spec.models !== undefined && !spec.models.includes(workload.model)) {
			problems.add(
				source.path,
				`${key} is not read by the ${workload.model} model of this workload; only by ${listWords(spec.models)}`
			);
		}
	}
	if (workload?.model === 'transformer') checkHeadsDivideWidth(problems, sources);
	if (workload?.model === 'cnn') checkCnnDepth(problems, sources, workload);

	const cooldownSteps = sources.get('cooldownSteps');
	const cooldownFraction = sources.get('cooldownFraction');
	if (schedule === 'wsd' && cooldownSteps !== undefined && cooldownFraction !== undefined) {
		problems.add(cooldownSteps.path, 'give either cooldownSteps or cooldownFraction, not both');
	}
	const swaStart = sources.get('swaStart');
	if (swaStart !== undefined && !sources.has('swaEvery')) {
		problems.add(swaStart.path, 'swaStart has no effect without swaEvery, which is not set');
	}

	if (budget === undefined) return;
	const total = budget.maxTrainSteps;
	const warmup = sources.get('warmupSteps')?.upper;
	if (warmup !== undefined && warmup.value >= total) {
		problems.add(
			warmup.path,
			`a warmup of ${warmup.value} steps must be shorter than budget.maxTrainSteps (${total})`
		);
		return;
	}
	if (schedule === 'wsd' && !(cooldownSteps && cooldownFraction)) {
		const cooldown = resolveCooldownSteps(
			{
				schedule,
				learningRate: 1,
				cooldownSteps: cooldownSteps?.upper?.value,
				cooldownFraction: cooldownFraction?.upper?.value
			},
			total
		);
		const warmupSteps = warmup?.value ?? 0;
		if (warmupSteps + cooldown > total) {
			const blame =
				cooldownSteps?.upper?.path ??
				cooldownFraction?.upper?.path ??
				warmup?.path ??
				'$.budget.maxTrainSteps';
			problems.add(
				blame,
				`a cooldown of ${cooldown} steps after a warmup of ${warmupSteps} steps does not fit in budget.maxTrainSteps (${total})`
			);
		}
	}
}

/** Largest integer range whose values the nHead/dModel check lists one by one. */
const MAX_LISTED_VALUES = 4_096;

/**
 * Every value a numeric key can take in a branch: the fixed value, the listed values, each integer of
 * an int range, or the default when the key is not set. Undefined when there are too many to list.
 */
function possibleValues(source: KeySource | undefined, fallback: number): number[] | undefined {
	if (source === undefined) return [fallback];
	const param = source.param;
	if (param === undefined) return typeof source.value === 'number' ? [source.value] : undefined;
	if (param.type === 'discrete') return param.values;
	if (param.type === 'int' && param.max - param.min < MAX_LISTED_VALUES) {
		return Array.from({ length: param.max - param.min + 1 }, (_, k) => param.min + k);
	}
	return undefined;
}

/** Each attention head takes an equal share of the residual width, so nHead must divide dModel. */
function checkHeadsDivideWidth(problems: Problems, sources: Map<ConfigKey, KeySource>): void {
	const heads = sources.get('nHead');
	const width = sources.get('dModel');
	if (heads === undefined && width === undefined) return;
	const headValues = possibleValues(heads, MODEL_KEY_DEFAULTS.nHead);
	const widthValues = possibleValues(width, MODEL_KEY_DEFAULTS.dModel);
	if (headValues === undefined || widthValues === undefined) return;
	let pair: [number, number] | undefined;
	for (const h of headValues) {
		const d = widthValues.find((candidate) => candidate % h !== 0);
		if (d !== undefined) {
			pair = [h, d];
			break;
		}
	}
	if (pair === undefined) return;
	const [h, d] = pair;
	const why = 'each head works on dModel / nHead channels';
	const searched = heads?.searched === true || width?.searched === true;
	const blame = (heads?.searched ? heads : width?.searched ? width : (heads ?? width)) as KeySource;
	const note = (source: KeySource | undefined) => (source === undefined ? ' (the default)' : '');
	problems.add(
		blame.path,
		searched
			? `some trials would pair nHead ${h} with dModel ${d}, which ${h} does not divide (${why}); search ` +
					'values where every nHead divides every dModel'
			: `nHead ${h}${note(heads)} does not divide dModel ${d}${note(width)}: ${why}`
	);
}

/** Each conv block halves the image (rounding down); the last must still have at least one pixel. */
function checkCnnDepth(problems: Problems, sources: Map<ConfigKey, KeySource>, workload: Workload): void {
	const side = isDatasetName(workload.dataset) ? IMAGE_SIDES[workload.dataset] : undefined;
	const upper = sources.get('cnnDepth')?.upper;
	if (side === undefined || upper === undefined) return;
	const most = maxCnnDepth(side);
	if (upper.value <= most) return;
	problems.add(
		upper.path,
		`cnnDepth ${upper.value} is too deep for the ${side}×${side} images of ${workload.dataset}: each block ` +
			`halves the side, so at most ${most} blocks keep it at least 1 pixel`
	);
}

// ---------------------------------------------------------------------------------------------
// Recorded trials (results). Checked for types rather than meaning: the runner writes them.

function checkNumberOrNull(problems: Problems, value: unknown, path: string): number | undefined {
	if (value === null) return Number.NaN;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'number') {
		// Only a literal like 1e999 parses to infinity; the lab writes null for non-finite values.
		problems.add(path, 'a number too large for a double (it reads as infinity); write null instead');
		return undefined;
	}
	problems.add(path, `expected a number or null, got ${describeValue(value)}`);
	return undefined;
}

function checkEvalRow(problems: Problems, value: unknown, path: string): EvalRow | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected an evaluation object, got ${describeValue(value)}`);
		return undefined;
	}
	const row: Record<string, number> = {};
	const before = problems.count;
	for (const key of EVAL_REQUIRED)
		if (!Object.hasOwn(value, key)) problems.add(childPath(path, key), 'required; expected a number');
	for (const [key, item] of Object.entries(value)) {
		const n = checkNumberOrNull(problems, item, childPath(path, key));
		if (n !== undefined) row[key] = n;
	}
	return problems.count === before ? (row as unknown as EvalRow) : undefined;
}

function checkBest(problems: Problems, value: unknown, path: string): TrialBest | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected an object with step and value, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.count;
	checkKeys(problems, value, path, ['step', 'value']);
	const step = readInteger(problems, value, 'step', path, { kind: 'integer', min: 0, max: MAX_STEPS });
	if (!Object.hasOwn(value, 'value')) problems.add(`${path}.value`, 'required; expected a number');
	const best = checkNumberOrNull(problems, value.value, `${path}.value`);
	return problems.count === before && step !== undefined && best !== undefined
		? { step, value: best }
		: undefined;
}

const THROUGHPUT_KEYS = ['stepsPerSecond', 'measuredSteps', 'warmupSteps', 'includesEvaluation'] as const;

function checkThroughput(problems: Problems, value: unknown, path: string): RecordedThroughput | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected an object with ${THROUGHPUT_KEYS.join(', ')}, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.count;
	checkKeys(problems, value, path, THROUGHPUT_KEYS);
	const rate = own(value, 'stepsPerSecond');
	if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)
		problems.add(`${path}.stepsPerSecond`, `expected a number > 0, got ${describeValue(rate)}`);
	const measuredSteps = readInteger(problems, value, 'measuredSteps', path, { kind: 'integer', min: 1 });
	const warmupSteps = readInteger(problems, value, 'warmupSteps', path, { kind: 'integer', min: 0 });
	const includesEvaluation = own(value, 'includesEvaluation');
	if (typeof includesEvaluation !== 'boolean')
		problems.add(
			`${path}.includesEvaluation`,
			`expected true or false, got ${describeValue(includesEvaluation)}`
		);
	if (problems.count > before || measuredSteps === undefined || warmupSteps === undefined) return undefined;
	return {
		stepsPerSecond: rate as number,
		measuredSteps,
		warmupSteps,
		includesEvaluation: includesEvaluation as boolean
	};
}

function checkMetrics(problems: Problems, value: unknown, path: string): MetricBatch | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected an object with train and evals, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.count;
	checkKeys(problems, value, path, METRICS_KEYS);
	const train = readObject(problems, value, 'train', path);
	const columns: Record<string, number[]> = {};
	if (train) {
		for (const column of TRAIN_COLUMNS) {
			if (!Object.hasOwn(train, column))
				problems.add(`${path}.train.${column}`, 'required; expected a list of numbers');
		}
		let length: number | undefined;
		for (const [column, list] of Object.entries(train)) {
			const at = childPath(`${path}.train`, column);
			if (!Array.isArray(list)) {
				problems.add(at, `expected a list of numbers, got ${describeValue(list)}`);
				continue;
			}
			const numbers: number[] = [];
			for (let j = 0; j < list.length; j++) {
				const n = checkNumberOrNull(problems, list[j], childPath(at, j));
				if (n === undefined) break;
				numbers.push(n);
			}
			if (length !== undefined && list.length !== length) {
				problems.add(at, `expected ${length} entries like the columns before it, got ${list.length}`);
			}
			length ??= list.length;
			columns[column] = numbers;
		}
	}
	const evalsValue = own(value, 'evals');
	const evals: EvalRow[] = [];
	if (!Array.isArray(evalsValue)) {
		problems.add(
			`${path}.evals`,
			evalsValue === undefined
				? 'required; expected a list'
				: `expected a list, got ${describeValue(evalsValue)}`
		);
	} else {
		for (let j = 0; j < evalsValue.length; j++) {
			const row = checkEvalRow(problems, evalsValue[j], childPath(`${path}.evals`, j));
			if (row === undefined) break;
			evals.push(row);
		}
	}
	return problems.count === before ? { train: columns as unknown as TrainRows, evals } : undefined;
}

function checkTrialConfig(problems: Problems, value: unknown, path: string): TrialConfig | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected a configuration object, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.count;
	const valid: readonly string[] = [...WORKLOAD_AND_BUDGET_KEYS, ...CONFIG_KEYS];
	for (const key of TRIAL_CONFIG_REQUIRED) {
		if (!Object.hasOwn(value, key)) problems.add(`${path}.${key}`, 'required');
	}
	for (const [key, item] of Object.entries(value)) {
		const at = childPath(path, key);
		if (isConfigKey(key)) {
			const wrong = checkConfigValue(key, item);
			if (wrong !== undefined) problems.add(at, wrong);
		} else if (key === 'dataset') {
			checkDataset(problems, item, at);
		} else if (key === 'model') {
			if (!MODEL_NAMES.some((name) => name === item)) {
				problems.add(at, `expected one of ${MODEL_NAMES.join(', ')}, got ${describeValue(item)}`);
			}
		} else if (key === 'maxTrainSteps' || key === 'evalEvery') {
			if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < 1) {
				problems.add(at, `expected an integer ≥ 1, got ${describeValue(item)}`);
			}
		} else {
			problems.add(at, unknownKeyMessage(key, valid));
		}
	}
	// Every key was checked against the vocabulary and the required ones are present.
	return problems.count === before ? (value as unknown as TrialConfig) : undefined;
}

function checkTrial(problems: Problems, value: unknown, path: string): TrialRecord | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected a trial object, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.count;
	checkKeys(problems, value, path, TRIAL_KEYS);
	const index = readInteger(problems, value, 'index', path, { kind: 'integer', min: 0, max: MAX_STEPS });
	const seed = readInteger(problems, value, 'seed', path, SEED_RULE);
	const status = readChoice(problems, value, 'status', path, TRIAL_STATUSES);
	const paramsValue = readObject(problems, value, 'params', path);
	const params: Record<string, ParamValue> = {};
	for (const [name, item] of Object.entries(paramsValue ?? {})) {
		if (isParamValue(item)) params[name] = item;
		else
			problems.add(
				childPath(`${path}.params`, name),
				`expected a string, number or boolean, got ${describeValue(item)}`
			);
	}
	const configValue = own(value, 'config');
	const config =
		configValue === undefined
			? (problems.add(`${path}.config`, 'required; expected an object'), undefined)
			: checkTrialConfig(problems, configValue, `${path}.config`);
	const reason = readText(problems, value, 'reason', path, { required: false, maxChars: MAX_TEXT_CHARS });
	const backend = readText(problems, value, 'backend', path, { required: false, maxChars: MAX_TEXT_CHARS });
	const notes = readText(problems, value, 'notes', path, { required: false, maxChars: MAX_NOTES_CHARS });
	const throughputValue = own(value, 'throughput');
	const throughput =
		throughputValue === undefined
			? undefined
			: checkThroughput(problems, throughputValue, `${path}.throughput`);
	const metricsValue = own(value, 'metrics');
	const metrics =
		metricsValue === undefined ? undefined : checkMetrics(problems, metricsValue, `${path}.metrics`);
	const bestValue = own(value, 'best');
	const best = bestValue === undefined ? undefined : checkBest(problems, bestValue, `${path}.best`);
	const branchesValue = own(value, 'branches');
	const branches =
		branchesValue === undefined
			? undefined
			: checkBranchResults(branchesValue, `${path}.branches`, (p, m) => problems.add(p, m), {
					status: (v, p) => {
						const found = TRIAL_STATUSES.find((s) => s === v);
						if (!found)
							problems.add(p, `expected one of ${TRIAL_STATUSES.join(', ')}, got ${describeValue(v)}`);
						return found;
					},
					metrics: (v, p) => checkMetrics(problems, v, p),
					best: (v, p) => checkBest(problems, v, p)
				});
	if (
		problems.count > before ||
		index === undefined ||
		seed === undefined ||
		status === undefined ||
		!config
	) {
		return undefined;
	}
	const trial: TrialRecord = { index, params, config, seed, status };
	if (reason !== undefined) trial.reason = reason;
	if (backend !== undefined) trial.backend = backend;
	if (metrics !== undefined) trial.metrics = metrics;
	if (best !== undefined) trial.best = best;
	if (branches !== undefined) trial.branches = branches;
	if (notes !== undefined) trial.notes = notes;
	if (throughput !== undefined) trial.throughput = throughput;
	return trial;
}

function checkTrials(problems: Problems, root: Record<string, unknown>): TrialRecord[] | undefined {
	const value = own(root, 'trials');
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		problems.add('$.trials', `expected a list of trials, got ${describeValue(value)}`);
		return undefined;
	}
	const trials: TrialRecord[] = [];
	const seen = new Map<number, number>();
	let ok = true;
	value.forEach((item, j) => {
		const trial = checkTrial(problems, item, `$.trials[${j}]`);
		if (trial === undefined) ok = false;
		else trials.push(trial);
		const index = isPlainObject(item) ? own(item, 'index') : undefined;
		if (typeof index !== 'number') return;
		const earlier = seen.get(index);
		if (earlier !== undefined) {
			problems.add(`$.trials[${j}].index`, `index ${index} is already used by $.trials[${earlier}]`);
			ok = false;
		} else {
			seen.set(index, j);
		}
	});
	return ok ? trials : undefined;
}

// ---------------------------------------------------------------------------------------------

function finish(problems: Problems): { ok: false; errors: StudyError[] } {
	if (problems.count <= MAX_ERRORS) return { ok: false, errors: problems.list };
	const hidden = problems.count - MAX_ERRORS;
	return {
		ok: false,
		errors: [
			...problems.list.slice(0, MAX_ERRORS),
			{ path: '$', message: `${hidden} more problems not shown` }
		]
	};
}

/**
 * Checks an untrusted value (a parsed study file) and returns the study, or every problem found with
 * its JSON path. A file from a newer format version, or one that is not a study file at all, gets a
 * single error and no further checks.
 */
export function validateStudy(input: unknown): StudyValidation {
	const problems = new Problems();
	if (!isPlainObject(input)) {
		problems.add('$', `expected a study object, got ${describeValue(input)}`);
		return finish(problems);
	}
	const format = own(input, 'format');
	if (format === undefined) problems.add('$.format', `required; expected "${STUDY_FORMAT}"`);
	else if (format !== STUDY_FORMAT) {
		problems.add(
			'$.format',
			`expected "${STUDY_FORMAT}", got ${describeValue(format)}: this is not a Tuning Lab study file`
		);
		return finish(problems);
	}
	const version = own(input, 'version');
	if (version === undefined) problems.add('$.version', `required; expected ${STUDY_VERSION}`);
	else if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		problems.add('$.version', `expected the whole number ${STUDY_VERSION}, got ${describeValue(version)}`);
	} else if (version > STUDY_VERSION) {
		problems.add(
			'$.version',
			`this file comes from a newer Tuning Lab (study format version ${version}); this version reads ` +
				`format version ${STUDY_VERSION}. Update Tuning Lab to open it`
		);
		return finish(problems);
	}
	checkKeys(problems, input, '$', TOP_LEVEL_KEYS);

	const name = readText(problems, input, 'name', '$', { required: true, maxChars: MAX_NAME_CHARS });
	const goal = readText(problems, input, 'goal', '$', { required: true, maxChars: MAX_GOAL_CHARS });
	const notes = readText(problems, input, 'notes', '$', { required: false, maxChars: MAX_NOTES_CHARS });
	const conclusion = readText(problems, input, 'conclusion', '$', {
		required: false,
		maxChars: MAX_NOTES_CHARS
	});
	const changedBaseline = own(input, 'changedBaseline');
	if (changedBaseline !== undefined && typeof changedBaseline !== 'boolean')
		problems.add('$.changedBaseline', `expected true or false, got ${describeValue(changedBaseline)}`);
	const workload = checkWorkload(problems, input);
	const budget = checkBudget(problems, input);
	const objective = checkObjective(problems, input);
	const fixed = checkFixed(problems, input);
	const search = checkSearch(problems, input);

	const paramsValue = own(input, 'params');
	let params: StudyParam[] | undefined;
	if (paramsValue === undefined)
		problems.add('$.params', 'required; expected a list (empty when nothing is searched)');
	else if (!Array.isArray(paramsValue))
		problems.add('$.params', `expected a list, got ${describeValue(paramsValue)}`);
	else {
		const checked = paramsValue.map((raw, i) => checkParam(problems, raw, `$.params[${i}]`));
		if (checked.every((param) => param !== undefined)) params = checked;
	}
	if (params !== undefined && fixed !== undefined) {
		checkParamsTogether(problems, { params, fixed, budget, search, workload });
	}
	const trials = checkTrials(problems, input);
	const branchesOption = own(input, 'cooldownBranches');
	const cooldownBranches =
		branchesOption === undefined
			? undefined
			: checkCooldownBranches(branchesOption, '$.cooldownBranches', (p, m) => problems.add(p, m));

	if (
		problems.count > 0 ||
		name === undefined ||
		goal === undefined ||
		workload === undefined ||
		budget === undefined ||
		objective === undefined ||
		fixed === undefined ||
		search === undefined ||
		params === undefined ||
		trials === undefined
	) {
		return finish(problems);
	}
	const study: Study = {
		name,
		goal,
		...(notes === undefined ? {} : { notes }),
		workload,
		budget,
		objective,
		fixed,
		search,
		params,
		...(cooldownBranches === undefined ? {} : { cooldownBranches }),
		trials,
		...(conclusion === undefined ? {} : { conclusion }),
		...(typeof changedBaseline === 'boolean' ? { changedBaseline } : {})
	};
	return { ok: true, study };
}
