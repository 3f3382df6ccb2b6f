// The rules of a study file that span several keys, run after the shape check (study-schema.ts) on
// the sections whose shape is right. A key is either fixed or searched; `maxTrainSteps` is never
// searched; the model can train on the dataset and a metric's goal suits it; a parameter's range or
// values lie inside the vocabulary's rule for its key; conditions refer to existing categorical, bool or discrete
// parameters and to values they can take; parameters sharing a name never apply to the same trial;
// and in every combination of searched choices (every "branch") the fixed and active keys belong to
// the optimizer and schedule of that branch and to the workload's model, fit in the run, and give the
// model a shape it can have (nHead divides dModel, the CNN's blocks leave the image at least one
// pixel). Recorded trials need distinct indices and metric columns of one length; cooldown branch
// points must increase. Every problem names the JSON path it concerns.

import { resolveCooldownSteps } from '../math/schedule-config';
import type { ParamSpec, ParamValue, Sample } from '../math/search-space';
import { activeParams, sampleTrials, validateSpaceForSampling } from '../math/sampler';
import {
	CONFIG_KEYS,
	MODEL_KEY_DEFAULTS,
	configKeySpec,
	describeRule,
	isConfigKey,
	numberFits,
	type ConfigKey,
	type ValueRule
} from './config-vocabulary';
import { childPath, clip, describeValue, isPlainObject, listWords, quote } from './json-path';
import { OPTIMIZER_HYPERPARAMETERS } from './optimizer-table';
import {
	IMAGE_SIDES,
	METRIC_GOALS,
	describeValidPairs,
	isDatasetName,
	maxCnnDepth,
	modelsFor,
	type Budget,
	type FixedConfig,
	type Objective,
	type ParamType,
	type SearchSettings,
	type StudyParam,
	type Workload
} from './study';
import { nearestKey, orList } from './schema-kit';
import { MAX_TRAIN_STEPS_SEARCHED, SET_ELSEWHERE } from './study-schema';
import { toSearchSpace } from './study-trials';
import {
	DEFAULT_TRIAL_CONFIG,
	isUserDatasetId,
	userDataKind,
	type DatasetId,
	type OptimizerName,
	type ScheduleName
} from './trial-config';
import { errorMessage } from '../util/error-message';

/** Combinations of searched choices the cross-checks walk through before giving up. */
export const MAX_BRANCHES = 4_096;

/** Collects problems in order, dropping exact repeats (the branch checks meet the same problem often). */
export class Problems {
	readonly list: { path: string; message: string }[] = [];
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

function unknownConfigKeyMessage(name: string): string {
	const hint = nearestKey(name, CONFIG_KEYS);
	return `unknown config key ${quote(name)}${hint ? ` (did you mean ${hint}?)` : ''}; valid keys are ${CONFIG_KEYS.join(', ')}`;
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

/** A dataset as messages name it: bundled sets by name, user data by kind (the hash says little). */
function datasetText(dataset: DatasetId): string {
	return isUserDatasetId(dataset) ? `user ${userDataKind(dataset)} data` : dataset;
}

/** The model must be able to train on the dataset; false when it cannot. */
export function checkWorkload(problems: Problems, workload: Workload): boolean {
	const models = modelsFor(workload.dataset) ?? [];
	if (models.includes(workload.model)) return true;
	problems.add(
		'$.workload.model',
		`${workload.model} cannot train on ${datasetText(workload.dataset)}, which takes ${orList(models)}; the valid pairs ` +
			`are ${describeValidPairs()}`
	);
	return false;
}

/** The goal must be the direction in which the metric improves. */
export function checkObjective(problems: Problems, { metric, goal }: Objective): void {
	if (METRIC_GOALS[metric] === goal) return;
	const better = METRIC_GOALS[metric] === 'minimize' ? 'lower' : 'higher';
	problems.add(
		'$.objective.goal',
		`a ${better} ${metric} is better: expected ${METRIC_GOALS[metric]}, got ${goal}`
	);
}

/**
 * How many quasi-random trials a bayesian search starts with (study-trials.ts initialTrialCount): at
 * most the trials, and only for bayesian search. Successive halving (study/halving.ts) applies to
 * quasi-random and bayesian search and needs its first rung below `budget.maxTrainSteps`. False when a
 * setting breaks that.
 */
export function checkSearch(
	problems: Problems,
	search: SearchSettings,
	budget?: Pick<Budget, 'maxTrainSteps'>
): boolean {
	const { initialTrials, trials, algorithm, halving } = search;
	let valid = true;
	if (halving !== undefined) {
		if (algorithm !== 'quasi-random' && algorithm !== 'bayesian') {
			problems.add(
				'$.search.halving',
				`halving applies to quasi-random and bayesian search only, not ${algorithm}`
			);
			valid = false;
		} else if (budget !== undefined && halving.minSteps >= budget.maxTrainSteps) {
			problems.add(
				'$.search.halving.minSteps',
				`the first rung must come before the end of training: expected fewer than budget.maxTrainSteps (${budget.maxTrainSteps}) steps, got ${halving.minSteps}`
			);
			valid = false;
		}
	}
	if (initialTrials === undefined) return valid;
	if (initialTrials > trials) {
		problems.add(
			'$.search.initialTrials',
			`expected ${describeRule({ kind: 'integer', min: 1, max: trials })}, got ${initialTrials}`
		);
	} else if (algorithm !== 'bayesian') {
		problems.add('$.search.initialTrials', `initialTrials applies to bayesian search only, not ${algorithm}`);
	} else {
		return valid;
	}
	return false;
}

// ---------------------------------------------------------------------------------------------
// Parameters, one at a time

const TYPES_FOR_RULE: Record<ValueRule['kind'], readonly ParamType[]> = {
	number: ['float', 'int', 'discrete'],
	integer: ['int', 'discrete'],
	choice: ['categorical']
};

/** Reports each value listed twice; true when none is. */
function distinct(problems: Problems, values: readonly ParamValue[], path: string): boolean {
	const seen = new Set<string>();
	const before = problems.count;
	values.forEach((value, j) => {
		if (seen.has(valueKey(value)))
			problems.add(childPath(path, j), `${describeValue(value)} is listed twice`);
		seen.add(valueKey(value));
	});
	return problems.count === before;
}

/**
 * The rules of one parameter whose shape is right: its name (a configuration key, or a switch that
 * conditions refer to), a type that suits the key, and a range or values inside the key's rule.
 * Returns whether the parameter passed, so the checks across parameters know they can run.
 */
export function checkParam(problems: Problems, param: StudyParam, path: string): boolean {
	const before = problems.count;
	const { name, type } = param;
	for (const [parent, values] of Object.entries(param.when ?? {})) {
		distinct(problems, values, childPath(`${path}.when`, parent));
	}
	let key: ConfigKey | undefined;
	if (name === 'maxTrainSteps') problems.add(`${path}.name`, MAX_TRAIN_STEPS_SEARCHED);
	else if (name === 'dataset' || name === 'model' || name === 'evalEvery') {
		problems.add(`${path}.name`, `${name} cannot be searched: it is set once in ${SET_ELSEWHERE[name]}`);
	} else if (isConfigKey(name)) key = name;
	else if (type !== 'categorical' && type !== 'bool') {
		problems.add(`${path}.name`, unknownConfigKeyMessage(name));
	}
	const rule = key === undefined ? undefined : configKeySpec(key).rule;
	if (key !== undefined && rule !== undefined && !TYPES_FOR_RULE[rule.kind].includes(type)) {
		problems.add(
			`${path}.type`,
			`${key} takes ${describeRule(rule)}; search it as ${orList(TYPES_FOR_RULE[rule.kind])}`
		);
		return false;
	}
	switch (param.type) {
		case 'float':
		case 'int': {
			const { min, max, scale } = param;
			if (!(min < max)) {
				problems.add(`${path}.max`, `expected a number greater than min (${min}), got ${max}`);
				break;
			}
			if (scale === 'log' && !(min > 0)) {
				problems.add(`${path}.min`, `a log-scale range needs min > 0, got ${min}`);
				break;
			}
			if (rule === undefined) break;
			for (const [which, bound] of [
				['min', min],
				['max', max]
			] as const) {
				if (!numberFits(rule, bound)) {
					problems.add(`${path}.${which}`, `${key} takes ${describeRule(rule)}, got ${bound}`);
				}
			}
			break;
		}
		case 'discrete':
		case 'categorical': {
			if (!distinct(problems, param.values, `${path}.values`) || rule === undefined) break;
			param.values.forEach((value, j) => {
				const fits =
					rule.kind === 'choice'
						? typeof value === 'string' && rule.values.includes(value)
						: typeof value === 'number' && numberFits(rule, value);
				if (!fits) {
					problems.add(
						`${path}.values[${j}]`,
						`${key} takes ${describeRule(rule)}, got ${describeValue(value)}`
					);
				}
			});
			break;
		}
		case 'bool':
			break;
	}
	return problems.count === before;
}

// ---------------------------------------------------------------------------------------------
// Parameters, together

/** The values a categorical or bool parameter takes; undefined for the others. */
function choicesOf(param: StudyParam): readonly ParamValue[] | undefined {
	if (param.type === 'categorical') return param.values;
	if (param.type === 'bool') return [false, true];
	return undefined;
}

/**
 * The values a parameter that a `when` names can take: a categorical's or bool's, and a discrete one's
 * (so that, say, each model size of a scaling-law study gets its own learning rate). Float and int
 * ranges have too many values to list in a condition.
 */
function conditionValuesOf(param: StudyParam): readonly ParamValue[] | undefined {
	return param.type === 'discrete' ? param.values : choicesOf(param);
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

export function checkParamsTogether(
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
						? `${nameText(parent)} is fixed, not searched; when may only refer to searched categorical, bool or discrete parameters`
						: `${nameText(parent)} is not a parameter of this study; when may only refer to categorical, bool or discrete parameters`
				);
				continue;
			}
			const choices = parents.map((j) => conditionValuesOf(params[j] as StudyParam));
			if (choices.some((list) => list === undefined)) {
				const kind = params[parents[0] as number]?.type ?? 'float';
				problems.add(
					at,
					`${nameText(parent)} is a ${kind} parameter; when may only refer to categorical, bool or discrete parameters`
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

	// Walk every combination of the listed choices that steer other keys: the parents named in
	// conditions (categorical, bool or discrete), and the optimizer and schedule (which decide the keys
	// that apply).
	const steering = order.filter((i) => {
		const param = params[i] as StudyParam;
		return (
			conditionValuesOf(param) !== undefined &&
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
		for (const value of conditionValuesOf(param) ?? []) {
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
		problems.add('$.search', errorMessage(error));
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
// Recorded results, read leniently: these rules hold even where other values are malformed.

/** Every metric column of a trial's (or a branch's) metrics holds one entry per training row. */
export function checkColumnLengths(problems: Problems, metrics: unknown, path: string): void {
	const train = isPlainObject(metrics) ? metrics.train : undefined;
	if (!isPlainObject(train)) return;
	let length: number | undefined;
	for (const [column, list] of Object.entries(train)) {
		if (!Array.isArray(list)) continue;
		if (length !== undefined && list.length !== length) {
			problems.add(
				childPath(`${path}.train`, column),
				`expected ${length} entries like the columns before it, got ${list.length}`
			);
		}
		length ??= list.length;
	}
}

/** Why `value` is not one a trial could have drawn for `spec`, or undefined when it is. */
function drawnValueProblem(spec: ParamSpec, value: unknown): string | undefined {
	const got = describeValue(value);
	switch (spec.type) {
		case 'float':
			if (typeof value === 'number' && value >= spec.min && value <= spec.max) return undefined;
			return `expected a number from ${spec.min} to ${spec.max} (the search space), got ${got}`;
		case 'int':
			if (typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max) {
				return undefined;
			}
			return `expected a whole number from ${spec.min} to ${spec.max} (the search space), got ${got}`;
		case 'bool':
			return typeof value === 'boolean' ? undefined : `expected true or false, got ${got}`;
		default:
			return (spec.values as readonly unknown[]).includes(value)
				? undefined
				: `expected one of ${spec.values.map((v) => describeValue(v)).join(', ')} (the search space), got ${got}`;
	}
}

/**
 * A recorded trial's `params` fit the study's search space: every parameter whose conditions hold for
 * the trial is there with a value the space allows, and nothing else is (a result whose parameters the
 * space could not have produced would mislead every plot and the importance analysis).
 */
export function checkTrialParams(
	problems: Problems,
	params: readonly StudyParam[],
	trialParams: Record<string, ParamValue>,
	path: string
): void {
	const names = [...new Set(params.map((param) => param.name))];
	for (const key of Object.keys(trialParams)) {
		if (names.includes(key)) continue;
		problems.add(
			childPath(path, key),
			names.length === 0
				? `${nameText(key)} is not searched: this study searches no parameter`
				: `${nameText(key)} is not a searched parameter of this study; searched: ${names.join(', ')}`
		);
	}
	const active = activeParams(toSearchSpace(params), trialParams as Sample);
	for (const name of names) {
		const spec = active.find((candidate) => candidate.name === name);
		const has = Object.hasOwn(trialParams, name);
		if (spec === undefined) {
			if (has) {
				problems.add(
					childPath(path, name),
					`${nameText(name)} does not apply to this trial: its conditions do not hold for the other values`
				);
			}
		} else if (!has) {
			problems.add(
				childPath(path, name),
				`required; ${nameText(name)} applies to this trial (its conditions hold)`
			);
		} else {
			const problem = drawnValueProblem(spec, trialParams[name]);
			if (problem) problems.add(childPath(path, name), problem);
		}
	}
}

/** Trial indices are distinct; `seen` maps each index met so far to the position of its trial. */
export function checkTrialIndex(
	problems: Problems,
	trial: unknown,
	j: number,
	seen: Map<number, number>
): void {
	const index = isPlainObject(trial) ? trial.index : undefined;
	if (typeof index !== 'number') return;
	const earlier = seen.get(index);
	if (earlier !== undefined) {
		problems.add(`$.trials[${j}].index`, `index ${index} is already used by $.trials[${earlier}]`);
	} else {
		seen.set(index, j);
	}
}

/** Automatic cooldown branch points increase. */
export function checkBranchPoints(problems: Problems, option: unknown): void {
	const at = isPlainObject(option) ? option.at : undefined;
	if (!Array.isArray(at)) return;
	at.forEach((f: unknown, i) => {
		const previous: unknown = at[i - 1];
		if (i === 0 || typeof f !== 'number' || !(f > 0 && f <= 1) || typeof previous !== 'number') return;
		if (f <= previous) problems.add(`$.cooldownBranches.at[${i}]`, 'the fractions must increase');
	});
}

/**
 * The parameters named in `cooldownBranches.when` are searched categorical, bool or discrete parameters of the
 * study, and each listed value is one they can take (the same rule as a parameter's `when`).
 */
export function checkBranchCondition(
	problems: Problems,
	option: unknown,
	params: readonly StudyParam[]
): void {
	const when = isPlainObject(option) ? option.when : undefined;
	if (!isPlainObject(when)) return;
	for (const [parent, values] of Object.entries(when)) {
		const at = childPath('$.cooldownBranches.when', parent);
		const parents = params.filter((param) => param.name === parent);
		if (parents.length === 0) {
			problems.add(
				at,
				`${nameText(parent)} is not a parameter of this study; when may only refer to searched categorical, bool or discrete parameters`
			);
			continue;
		}
		const choices = parents.map((param) => conditionValuesOf(param));
		if (choices.some((list) => list === undefined)) {
			problems.add(
				at,
				`${nameText(parent)} is a ${parents[0]?.type ?? 'float'} parameter; when may only refer to categorical, bool or discrete parameters`
			);
			continue;
		}
		if (!Array.isArray(values)) continue;
		const possible = new Set(choices.flatMap((list) => (list ?? []).map(valueKey)));
		values.forEach((value: unknown, j) => {
			if (!possible.has(valueKey(value as ParamValue))) {
				const listed = [...new Set(choices.flatMap((list) => list ?? []))].map((v) => describeValue(v));
				problems.add(
					childPath(at, j),
					`${nameText(parent)} never takes ${describeValue(value as ParamValue)}; its values are ${clip(listed.join(', '), 60)}`
				);
			}
		});
	}
}

/** A scaling-law study's `size` names one of its searched parameters (the model-size parameter). */
export function checkScalingLaw(problems: Problems, option: unknown, params: unknown): void {
	const size = isPlainObject(option) ? option.size : undefined;
	if (typeof size !== 'string' || !Array.isArray(params)) return;
	const names = params.map((p: unknown) => (isPlainObject(p) ? p.name : undefined));
	if (!names.includes(size))
		problems.add(
			'$.scalingLaw.size',
			`${JSON.stringify(size)} is not a searched parameter; the size must be one of the params (${names.filter((n) => typeof n === 'string').join(', ') || 'none'})`
		);
}
