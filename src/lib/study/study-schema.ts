// The shape of the public study file (`"format": "tuning-lab.study"`), defined once with valibot. From
// this definition come the TypeScript types of a study (study.ts, metrics.ts and cooldown-branches.ts
// re-export them under their usual names), the shape check that `validateStudy` runs first, and the
// published docs/study.schema.json (`npm run schema` writes it). Every schema carries its message in
// our words (schema-kit.ts). Rules that span several keys (conditions, branches, fixed or searched,
// model/dataset pairs, …) live in semantics.ts.

import * as v from 'valibot';
import type { ParamValue, SamplerAlgorithm } from '../math/search-space';
import {
	CONFIG_KEYS,
	CONFIG_VOCABULARY,
	COOLDOWN_SHAPES,
	WORKLOAD_AND_BUDGET_KEYS,
	type ConfigKey,
	type ValueRule,
	type VocabularyEntry
} from './config-vocabulary';
import { describeValue, isPlainObject, quote } from './json-path';
import {
	choice,
	count,
	described,
	expecting,
	got,
	keyOf,
	noArrays,
	numberSchema,
	objectMessage,
	orList,
	strict,
	text,
	unknownKeyMessage,
	type AnySchema,
	type Message
} from './schema-kit';
import {
	DATASET_NAMES,
	ENGINE_NAMES,
	MODEL_NAMES,
	USER_DATA_KINDS,
	USER_DATASET_ID,
	modelsFor,
	type DatasetId,
	type ModelName
} from './trial-config';

export const STUDY_FORMAT = 'tuning-lab.study';
/** The newest file version this code reads and the one it writes. */
export const STUDY_VERSION = 1;

export const OBJECTIVE_METRICS = ['valLoss', 'valAccuracy', 'trainLoss'] as const;
export const OBJECTIVE_GOALS = ['minimize', 'maximize'] as const;
export const SAMPLER_ALGORITHMS = [
	'quasi-random',
	'random',
	'grid',
	'bayesian'
] as const satisfies readonly SamplerAlgorithm[];
export const PARAM_ROLES = ['scientific', 'nuisance'] as const;
export const PARAM_TYPES = ['float', 'int', 'discrete', 'categorical', 'bool'] as const;
export const PARAM_SCALES = ['linear', 'log'] as const;
export const TRIAL_STATUSES = [
	'queued',
	'running',
	'completed',
	'infeasible',
	'failed',
	'cancelled',
	'stopped'
] as const;
export const TRAIN_COLUMNS = ['step', 'loss', 'lr', 'gradNorm', 'clipped'] as const;
/** What a cooldown branch's `length` is a fraction of. */
export const BRANCH_LENGTH_OF = ['maxTrainSteps', 'branchPoint'] as const;

export const MAX_NAME_CHARS = 120;
export const MAX_PARAM_NAME_CHARS = 40;
export const MAX_GOAL_CHARS = 2_000;
export const MAX_NOTES_CHARS = 20_000;
export const MAX_TEXT_CHARS = 2_000;
/** Values a discrete or categorical parameter may list. */
export const MAX_VALUES = 64;
/** Largest step count or index: beyond it doubles no longer hold every integer. */
const MAX_STEPS = Number.MAX_SAFE_INTEGER;
const SEED_RULE = { kind: 'integer', min: 0, max: 4294967295 } as const;

// ---------------------------------------------------------------------------------------------
// Leaves

function integer(min: number, max = MAX_STEPS) {
	return numberSchema({ kind: 'integer', min, max });
}

const bool = expecting(v.boolean(got('true or false')), 'true or false');

const paramValue = expecting(
	v.union(
		[v.string(), v.pipe(v.number(), v.finite(got('a string, number or boolean'))), v.boolean()],
		got('a string, number or boolean')
	),
	'a string, number or boolean'
);

// ---------------------------------------------------------------------------------------------
// Workload and configuration keys

export const DATASET_CHOICES =
	`one of ${DATASET_NAMES.join(', ')}, or a user dataset id (${orList(USER_DATA_KINDS.map((k) => `${k}:`))} ` +
	'followed by the SHA-256 of the data in 64 lowercase hex digits)';

/** What is wrong with a value that is neither a bundled dataset nor a well-formed user dataset id. */
function datasetMessage(value: unknown): string {
	const colon = typeof value === 'string' ? value.indexOf(':') : -1;
	if (typeof value !== 'string' || colon < 0)
		return `expected ${DATASET_CHOICES}, got ${describeValue(value)}`;
	const kind = value.slice(0, colon);
	const digest = value.slice(colon + 1);
	if (!USER_DATA_KINDS.some((candidate) => candidate === kind)) {
		return `${quote(kind)} is not a kind of user data; a user dataset id starts with ${orList(USER_DATA_KINDS.map((k) => `${k}:`))}`;
	}
	const what =
		digest.length === 64
			? '64 characters, not all lowercase hex digits (0-9, a-f)'
			: `${digest.length} characters`;
	return (
		`${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} dataset id is "${kind}:" followed by the SHA-256 of the data in 64 lowercase hex ` +
		`digits; got ${what} after "${kind}:"`
	);
}

const datasetFailure: Message = (issue) => datasetMessage(issue.input);
/** A bundled dataset, or a user's data named by its kind and the SHA-256 of its content. */
const dataset = described(
	expecting(
		v.union(
			[v.picklist(DATASET_NAMES), v.pipe(v.string(), v.regex(USER_DATASET_ID, datasetFailure))],
			datasetFailure
		),
		DATASET_CHOICES
	),
	'A bundled dataset, or user data named by its kind and the SHA-256 of its content in 64 lowercase ' +
		'hex digits. Which models suit which datasets is checked by tuning-lab validate.'
) as unknown as v.GenericSchema<string, DatasetId>;

const model = choice(MODEL_NAMES);

/** The value one configuration key takes, as its vocabulary rule says. */
function configValue(rule: ValueRule): AnySchema {
	return rule.kind === 'choice' ? choice(rule.values) : numberSchema(rule);
}

type RuleValue<R> = R extends { readonly kind: 'choice'; readonly values: readonly (infer V)[] } ? V : number;
/** The value type of each configuration key, from its vocabulary rule. */
export type ConfigValues = { [S in VocabularyEntry as S['key']]: RuleValue<S['rule']> };

/** The configuration keys every recorded trial holds (the others have defaults). */
export const REQUIRED_CONFIG_KEYS = [
	'hiddenWidth',
	'depth',
	'batchSize',
	'seed',
	'backend',
	'optimizer',
	'learningRate',
	'schedule'
] as const satisfies readonly ConfigKey[];
type RequiredConfigKey = (typeof REQUIRED_CONFIG_KEYS)[number];

/** The full configuration one trial ran with: the vocabulary plus its workload and budget keys. */
export type TrialConfig = {
	dataset: DatasetId;
	model: ModelName;
	maxTrainSteps: number;
	evalEvery: number;
} & { [K in RequiredConfigKey]: ConfigValues[K] } & {
	[K in Exclude<ConfigKey, RequiredConfigKey>]?: ConfigValues[K];
};
/** Configuration keys held at one value in every trial. */
export type FixedConfig = Partial<ConfigValues>;

const WHY_BUDGET =
	'one length holds for every trial; refine it later from the steps where the best checkpoints land ' +
	'(playbook, "Deciding how long to train")';
export const MAX_TRAIN_STEPS_SEARCHED = `maxTrainSteps cannot be searched: set it once in budget.maxTrainSteps, because ${WHY_BUDGET}`;
const MAX_TRAIN_STEPS_FIXED = `maxTrainSteps belongs in budget.maxTrainSteps, not in fixed: ${WHY_BUDGET}`;
/** Where a study sets the workload and budget keys other than maxTrainSteps. */
export const SET_ELSEWHERE: Record<
	Exclude<(typeof WORKLOAD_AND_BUDGET_KEYS)[number], 'maxTrainSteps'>,
	string
> = { dataset: 'workload.dataset', model: 'workload.model', evalEvery: 'budget.evalEvery' };

const configEntries = (optional: (key: ConfigKey) => boolean): v.ObjectEntries =>
	Object.fromEntries(
		CONFIG_VOCABULARY.map(({ key, rule, description }) => {
			const schema = described(configValue(rule), description);
			return [key, optional(key) ? v.optional(schema) : schema];
		})
	);

const fixed = strict(
	configEntries(() => true),
	{
		what: 'an object',
		unknown: (key) =>
			key === 'maxTrainSteps'
				? MAX_TRAIN_STEPS_FIXED
				: key === 'dataset' || key === 'model' || key === 'evalEvery'
					? `${key} is set in ${SET_ELSEWHERE[key]}, not in fixed`
					: unknownKeyMessage(key, CONFIG_KEYS)
	}
) as unknown as v.GenericSchema<FixedConfig>;

const trialConfigEntries: v.ObjectEntries = {
	dataset,
	model,
	maxTrainSteps: count(1),
	evalEvery: count(1),
	...configEntries((key) => !(REQUIRED_CONFIG_KEYS as readonly string[]).includes(key))
};
const trialConfig = strict(trialConfigEntries, {
	what: 'a configuration object',
	required: () => 'required',
	// Reported in the order of the keys, as the configuration is read.
	unknownLast: true
}) as unknown as v.GenericSchema<TrialConfig>;

// ---------------------------------------------------------------------------------------------
// Study sections

const workload = strict(
	{
		dataset,
		// A missing model is named with the models the dataset allows, when the dataset is known.
		model: expecting(choice(MODEL_NAMES), `one of ${MODEL_NAMES.join(', ')}`, (parent) => {
			const found = typeof parent.dataset === 'string' ? modelsFor(parent.dataset) : undefined;
			return `required; expected one of ${(found ?? MODEL_NAMES).join(', ')}`;
		})
	},
	{ what: 'an object' }
);

/** Held constant for every trial of the study (playbook: "Deciding how long to train"). */
const budget = strict(
	{
		/** Optimizer steps of every trial. Never searched. */
		maxTrainSteps: integer(1),
		/** Evaluate on the validation split every this many steps (and at the last one). */
		evalEvery: integer(1),
		/** Save a checkpoint every this many steps. */
		checkpointEvery: integer(1),
		/** How many of the best checkpoints (by the objective) each trial keeps. */
		keepBestCheckpoints: integer(1, 1000)
	},
	{ what: 'an object' }
);

const objective = strict(
	{ metric: choice(OBJECTIVE_METRICS), goal: choice(OBJECTIVE_GOALS) },
	{ what: 'an object' }
);

/**
 * Successive halving (asynchronous, as trials arrive): at each rung, minSteps·eta^k steps below
 * maxTrainSteps, a trial is scored (after a cooldown branch of cooldownSteps steps, or by its own
 * evaluation there when cooldownSteps is 0) and goes on only while it is among the best 1/eta of the
 * trials scored at that rung so far (study/halving.ts).
 */
const halving = strict(
	{
		/** Reduction factor: about 1 in eta trials goes on at each rung. */
		eta: integer(2, 100),
		/** Steps of the first rung. */
		minSteps: count(1),
		/** Steps of the cooldown branch that scores a trial at a rung; 0 scores its own evaluation there. */
		cooldownSteps: count(0)
	},
	{ what: 'an object with eta, minSteps and cooldownSteps' }
);

const search = strict(
	{
		algorithm: choice(SAMPLER_ALGORITHMS),
		/** Number of trials to sample. */
		trials: integer(1, 10_000),
		/** Seeds the sampler and, unless `seed` is fixed or searched, each trial's own seed. */
		seed: numberSchema(SEED_RULE),
		/** Bayesian search only: quasi-random trials before the Gaussian process takes over (≤ trials). */
		initialTrials: v.optional(integer(1, 10_000)),
		/** Quasi-random and bayesian search only: stop weak trials early (successive halving). */
		halving: v.optional(halving)
	},
	{ what: 'an object' }
);

// ---------------------------------------------------------------------------------------------
// Parameters

function valueList<S extends AnySchema>(item: S) {
	const what = 'a non-empty list';
	return expecting(
		v.pipe(
			v.array(item, got(what)),
			v.minLength(1, got(what)),
			v.maxLength(
				MAX_VALUES,
				(issue) => `expected at most ${MAX_VALUES} values, got ${(issue.input as unknown[]).length}`
			)
		),
		what
	);
}

const conditionValues = v.pipe(
	v.array(paramValue, got('a non-empty list of values')),
	v.minLength(1, got('a non-empty list of values'))
);
/** Each named parent must take one of the listed values for the parameter to exist in a trial. */
const condition = v.pipe(
	noArrays(
		v.record(v.string(), conditionValues, got('an object mapping parameter names to lists of values'))
	),
	v.minEntries(1, 'expected at least one parameter name; leave when out for a parameter of every trial')
);

/** Which parameter types use each key, for the message about a key that another type uses. */
const PARAM_KEY_USERS: Record<string, readonly string[]> = {
	min: ['float', 'int'],
	max: ['float', 'int'],
	scale: ['float', 'int'],
	values: ['discrete', 'categorical']
};

function paramOption<const T extends (typeof PARAM_TYPES)[number], const E extends v.ObjectEntries>(
	type: T,
	entries: E
) {
	const all = {
		name: text(MAX_PARAM_NAME_CHARS, true),
		role: choice(PARAM_ROLES),
		type: v.literal(type),
		...entries,
		when: v.optional(condition)
	};
	const valid = Object.keys(all);
	return strict(all, {
		what: 'a parameter object',
		unknown: (key) => {
			const users = PARAM_KEY_USERS[key];
			return users
				? `not used by ${type} parameters (only by ${orList(users)}); valid keys are ${valid.join(', ')}`
				: unknownKeyMessage(key, valid);
		}
	});
}

const finiteNumber = expecting(v.pipe(v.number(got('a number')), v.finite(got('a number'))), 'a number');
const wholeNumber = expecting(
	v.pipe(v.number(got('an integer')), v.finite(got('an integer')), v.integer(got('an integer'))),
	'an integer'
);
const scale = choice(PARAM_SCALES);
const typeChoices = `one of ${PARAM_TYPES.join(', ')}`;

const paramVariant = v.variant(
	'type',
	[
		paramOption('float', { min: finiteNumber, max: finiteNumber, scale }),
		paramOption('int', { min: wholeNumber, max: wholeNumber, scale }),
		paramOption('discrete', { values: valueList(finiteNumber) }),
		paramOption('categorical', { values: valueList(paramValue) }),
		paramOption('bool', {})
	],
	(issue) =>
		keyOf(issue) === undefined
			? got('a parameter object')(issue)
			: issue.input === undefined
				? `required; expected ${typeChoices}`
				: got(typeChoices)(issue)
);
/** The keys of every parameter type, checked too when the type itself is missing or unknown. */
const paramCommon = v.looseObject({
	name: text(MAX_PARAM_NAME_CHARS, true),
	role: choice(PARAM_ROLES),
	when: v.optional(condition)
});
const param = expecting(
	noArrays({
		...paramVariant,
		'~run'(dataset, config) {
			const input = dataset.value;
			const result = paramVariant['~run'](dataset, config);
			const known = isPlainObject(input) && PARAM_TYPES.some((type) => type === input.type);
			if (result.typed || known || !isPlainObject(input)) return result;
			const common = paramCommon['~run']({ value: input }, config);
			return {
				typed: false,
				value: input,
				issues: [...(result.issues ?? []), ...(common.issues ?? [])]
			} as never;
		}
	} satisfies typeof paramVariant),
	'a parameter object'
);

// ---------------------------------------------------------------------------------------------
// Recorded trials: results, checked for types; the runner writes them.

const INFINITY = 'a number too large for a double (it reads as infinity); write null instead';
/**
 * A metric value: a finite number, or null for one that was not. validateStudy reads null back as NaN
 * (a transform here would cost more than the whole check of a large export).
 */
const metricValue = expecting(
	v.nullable(v.pipe(v.number(got('a number or null')), v.finite(INFINITY))),
	'a number or null',
	'required; expected a number'
);
/** One metric's values over steps; only the first bad value of a column is reported. */
const column = expecting(
	v.config(v.array(metricValue, got('a list of numbers')), { abortEarly: true }),
	'a list of numbers'
);
/** Step numbers: whole and never negative (only the first bad value is reported). */
const stepColumn = expecting(
	v.config(v.array(integer(0), got('a list of whole numbers')), { abortEarly: true }),
	'a list of whole numbers'
);
const trainColumns = {
	/** Optimizer step, 0-based: the loss of the batch that produced update step+1. */
	step: stepColumn,
	/** Mean training cross-entropy of that batch, in nats. */
	loss: column,
	/** Learning rate used for that update. */
	lr: column,
	/** Global gradient norm before clipping. */
	gradNorm: column,
	/** 1 when the gradient was clipped at that step, else 0. */
	clipped: column
} satisfies Record<(typeof TRAIN_COLUMNS)[number], AnySchema>;
/** Training rows, one list per metric, so thousands of steps stay compact. */
const trainRows = noArrays(
	expecting(
		v.objectWithRest(trainColumns, column, objectMessage(trainColumns, { what: 'an object' })),
		'an object'
	)
);
const evalEntries = {
	/** Number of updates applied before this evaluation. */
	step: integer(0),
	/** Mean validation cross-entropy over the whole validation split, in nats. */
	valLoss: metricValue,
	valAccuracy: metricValue
};
const evalRow = noArrays(
	v.objectWithRest(
		{
			...evalEntries,
			/** The same evaluation with the EMA weights, when `emaDecay` is set. */
			emaValLoss: v.optional(metricValue),
			emaValAccuracy: v.optional(metricValue),
			/** The same evaluation with the SWA weights, once SWA has sampled at least once. */
			swaValLoss: v.optional(metricValue),
			swaValAccuracy: v.optional(metricValue),
			/** Language models: valLoss in bits per character (valLoss / ln 2). */
			valBitsPerChar: v.optional(metricValue),
			/**
			 * Mean training loss, in nats, over the steps since the previous evaluation: the value of a
			 * `trainLoss` objective at this evaluation and at the checkpoint taken there.
			 */
			trainLoss: v.optional(metricValue)
		},
		metricValue,
		objectMessage(evalEntries, { what: 'an evaluation object' })
	)
);
const metrics = strict(
	{
		train: trainRows,
		// Only the first bad row is reported, with every problem it has.
		evals: expecting(
			v.config(v.array(v.config(evalRow, { abortEarly: false }), got('a list')), { abortEarly: true }),
			'a list'
		)
	},
	{ what: 'an object with train and evals' }
);

const status = choice(TRIAL_STATUSES);
const best = strict({ step: integer(0), value: metricValue }, { what: 'an object with step and value' });

const branchReason = expecting(
	v.pipe(
		v.string('expected a text of at most 2000 characters'),
		v.maxLength(MAX_TEXT_CHARS, 'expected a text of at most 2000 characters')
	),
	'text'
);
const branch = strict(
	{
		fromStep: count(0),
		length: count(1),
		shape: choice(COOLDOWN_SHAPES),
		finalFraction: numberSchema({ kind: 'number', min: 0, max: 1 }),
		status,
		reason: v.optional(branchReason),
		metrics: v.optional(metrics),
		best: v.optional(best)
	},
	{ what: 'a branch object' }
);

const CHECKPOINT_AVERAGE_KEYS = ['steps', 'valLoss', 'valAccuracy'];
const AVERAGED_STEPS = 'a list of 1 or more checkpoint steps (integers ≥ 0)';
const checkpointAverage = strict(
	{
		/** The steps of the checkpoints averaged. */
		steps: expecting(
			v.pipe(v.array(integer(0), got(AVERAGED_STEPS)), v.minLength(1, got(AVERAGED_STEPS))),
			AVERAGED_STEPS
		),
		valLoss: metricValue,
		valAccuracy: metricValue
	},
	{ what: `an object with ${CHECKPOINT_AVERAGE_KEYS.join(', ')}` }
);

const THROUGHPUT_KEYS = ['stepsPerSecond', 'measuredSteps', 'warmupSteps', 'includesEvaluation'];
const throughput = strict(
	{
		/** Optimizer steps per second over the timed steps. */
		stepsPerSecond: numberSchema({ kind: 'number', min: 0, minExclusive: true }),
		/** How many steps were timed. */
		measuredSteps: numberSchema({ kind: 'integer', min: 1 }),
		/** Steps at the start of the run left out as warm-up. */
		warmupSteps: numberSchema({ kind: 'integer', min: 0 }),
		/** True when every timed group also held an evaluation. */
		includesEvaluation: bool
	},
	{ what: `an object with ${THROUGHPUT_KEYS.join(', ')}` }
);

const ADAPTER_KEYS = ['name', 'fallback'];
/** The WebGPU adapter a trial trained on (trials on webgpu only). */
const adapter = strict(
	{
		/** Its names as the browser gives them (vendor, architecture, device, description), space-separated. */
		name: text(MAX_TEXT_CHARS),
		/** True for a software adapter (SwiftShader and the like), which emulates a GPU on the CPU. */
		fallback: bool
	},
	{ what: `an object with ${ADAPTER_KEYS.join(', ')}` }
);

const RUN_KEYS = ['slot', 'startedAt', 'endedAt'];
/** One stretch of training of a trial (a resumed trial has several): the study timeline draws them. */
const run = strict(
	{
		/** The worker slot it ran on, counted from 0. */
		slot: numberSchema({ kind: 'integer', min: 0 }),
		/** When it started, in milliseconds since 1970-01-01 UTC. */
		startedAt: numberSchema({ kind: 'integer', min: 0 }),
		/** When it ended, in milliseconds since 1970-01-01 UTC (absent while it still runs). */
		endedAt: v.optional(numberSchema({ kind: 'integer', min: 0 }))
	},
	{ what: `an object with ${RUN_KEYS.join(', ')}` }
);

/** A trial's keys in the order the documentation lists them (problems follow the order read). */
const TRIAL_KEYS = [
	'index',
	'params',
	'config',
	'seed',
	'status',
	'reason',
	'backend',
	'engine',
	'adapter',
	'batch',
	'metrics',
	'best',
	'branches',
	'notes',
	'throughput',
	'runs',
	'checkpointAverage'
];
/** One trial as the runner records it. Non-finite metric values are written as null. */
const trial = strict(
	{
		index: integer(0),
		seed: numberSchema(SEED_RULE),
		status,
		/** The sampled values, by parameter name (only the parameters active in this trial). */
		params: noArrays(expecting(v.record(v.string(), paramValue, got('an object')), 'an object')),
		/** The full configuration the trial ran with. */
		config: expecting(trialConfig, 'a configuration object', 'required; expected an object'),
		/** Why the trial failed, was infeasible or was stopped by successive halving. */
		reason: v.optional(text(MAX_TEXT_CHARS)),
		/** The backend it trained on (webgpu, webgl, wasm or cpu). */
		backend: v.optional(text(MAX_TEXT_CHARS)),
		/** The engine it trained on: tfjs or jax (absent in files written before there were two). */
		engine: v.optional(choice(ENGINE_NAMES)),
		/** The WebGPU adapter it trained on, when its backend was webgpu. */
		adapter: v.optional(adapter),
		/** The batch its latest run trained in: trials with the same id trained as one vectorised step. */
		batch: v.optional(text(MAX_TEXT_CHARS)),
		/** The user's notes on this trial (tuning log). */
		notes: v.optional(text(MAX_NOTES_CHARS)),
		/** Training speed of its last run, warm-up left out (the throughput probe reads it). */
		throughput: v.optional(throughput),
		/** When it trained and on which worker slot, oldest first. */
		runs: v.optional(expecting(v.array(run, got('a list of runs')), 'a list of runs')),
		metrics: v.optional(metrics),
		/** Where the objective was best over training (retrospective selection) and its value there. */
		best: v.optional(best),
		/** Cooldown branches trained from this trial's checkpoints. */
		branches: v.optional(expecting(v.array(branch, got('a list of branches')), 'a list of branches')),
		/** The uniform mean of some of its kept checkpoints, scored on the validation split. */
		checkpointAverage: v.optional(checkpointAverage)
	},
	{ what: 'a trial object', unknown: (key) => unknownKeyMessage(key, TRIAL_KEYS) }
);

/**
 * Branch every trial automatically at these fractions of maxTrainSteps (increasing, in (0, 1]), each
 * branch decaying the learning rate over `length` × maxTrainSteps steps to `finalFraction` (default 0)
 * of the rate at the branch point; with `when`, only the trials whose parameters meet it.
 */
const cooldownBranches = strict(
	{
		at: expecting(
			v.pipe(
				v.array(
					numberSchema({ kind: 'number', min: 0, max: 1, minExclusive: true }),
					got('a list of 1 to 20 fractions of maxTrainSteps')
				),
				v.minLength(1, got('a list of 1 to 20 fractions of maxTrainSteps')),
				v.maxLength(20, got('a list of 1 to 20 fractions of maxTrainSteps'))
			),
			'a list of 1 to 20 fractions of maxTrainSteps'
		),
		length: numberSchema(
			{ kind: 'number', min: 0, max: 1, minExclusive: true },
			'a fraction of maxTrainSteps in (0, 1]'
		),
		shape: choice(COOLDOWN_SHAPES),
		finalFraction: v.optional(numberSchema({ kind: 'number', min: 0, max: 1 })),
		/** Branch only the trials where these searched parameters took one of the listed values. */
		when: v.optional(condition),
		/**
		 * What `length` is a fraction of: `maxTrainSteps` (the default), or each branch's own point
		 * (`branchPoint`), so a branch from step s decays over length × s steps, as a scaling-law study
		 * wants (every training length gets the same share of cooldown).
		 */
		lengthOf: v.optional(choice(BRANCH_LENGTH_OF))
	},
	{ what: 'an object with at, length and shape', required: (what) => `expected ${what}, got nothing` }
);

const positive = numberSchema({ kind: 'number', min: 0, minExclusive: true });
const INTERVAL = 'a list of 2 numbers, lower then upper bound';
const interval = expecting(
	v.pipe(
		v.array(
			expecting(v.pipe(v.number(got('a number')), v.finite(got('a number'))), 'a number'),
			got(INTERVAL)
		),
		v.length(2, got(INTERVAL))
	),
	INTERVAL
);
const SCALING_POINT_KEYS = ['N', 'D', 'loss', 'trial', 'fromStep'];
/** One (model size, training length) point of a scaling-law fit. */
const scalingPoint = strict(
	{
		/** Trainable parameters of the model. */
		N: positive,
		/** Training examples seen by the end of the branch (tokens for the language model). */
		D: positive,
		/** The branch's final validation loss, in nats. */
		loss: positive,
		/** The index of the trial (the trunk) the branch grew from. */
		trial: integer(0),
		/** The step the cooldown branch started from. */
		fromStep: integer(0)
	},
	{ what: `an object with ${SCALING_POINT_KEYS.join(', ')}` }
);
const SCALING_FIT_KEYS = ['E', 'A', 'alpha', 'B', 'beta', 'intervals', 'bootstrap', 'seed', 'objective'];
/** E, A and B are exponentials: never negative (a fit may drive one to 0 when its term is not needed). */
const notNegative = numberSchema({ kind: 'number', min: 0 });
/** The fitted law L(N, D) = E + A·N^(−alpha) + B·D^(−beta), with 95 % bootstrap intervals. */
const scalingFit = strict(
	{
		E: notNegative,
		A: notNegative,
		alpha: finiteNumber,
		B: notNegative,
		beta: finiteNumber,
		intervals: strict(
			{ E: interval, A: interval, alpha: interval, B: interval, beta: interval },
			{ what: 'an object with E, A, alpha, B and beta' }
		),
		/** Bootstrap resamples refitted for the intervals. */
		bootstrap: integer(0),
		/** Seed of the resampling. */
		seed: numberSchema(SEED_RULE),
		/** The Huber objective at the optimum (sum over points). */
		objective: numberSchema({ kind: 'number', min: 0 })
	},
	{ what: `an object with ${SCALING_FIT_KEYS.join(', ')}` }
);
/**
 * A scaling-law study (the Procedures page): `size` names the searched parameter that sets the model
 * size; every trial is one size's trunk with cooldown branches. An export adds the points and the fit.
 */
const scalingLaw = strict(
	{
		size: text(MAX_PARAM_NAME_CHARS, true),
		points: v.optional(expecting(v.array(scalingPoint, got('a list of points')), 'a list of points')),
		fit: v.optional(scalingFit)
	},
	{ what: 'an object with size, points and fit' }
);

// ---------------------------------------------------------------------------------------------
// The file

/** The sections of a study file, in the order its problems are reported. */
export const STUDY_SECTIONS = {
	format: expecting(v.literal(STUDY_FORMAT, got(`"${STUDY_FORMAT}"`)), `"${STUDY_FORMAT}"`),
	version: expecting(v.literal(STUDY_VERSION, got(`the whole number ${STUDY_VERSION}`)), `${STUDY_VERSION}`),
	name: text(MAX_NAME_CHARS, true),
	/** What the study should find out, in the author's words. */
	goal: text(MAX_GOAL_CHARS, true),
	notes: v.optional(text(MAX_NOTES_CHARS)),
	/** What the study found, in the user's words (tuning log). */
	conclusion: v.optional(text(MAX_NOTES_CHARS)),
	/** Whether the study's outcome changed the baseline ("launched") configuration. */
	changedBaseline: v.optional(bool),
	workload,
	budget,
	objective,
	fixed,
	search,
	params: expecting(
		v.array(param, got('a list')),
		'a list',
		'required; expected a list (empty when nothing is searched)'
	),
	trials: v.optional(expecting(v.array(trial, got('a list of trials')), 'a list of trials'), () => []),
	cooldownBranches: v.optional(cooldownBranches),
	scalingLaw: v.optional(scalingLaw)
};

/** Top-level keys, in the order the documentation lists them. */
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
	'scalingLaw',
	'trials',
	'conclusion',
	'changedBaseline'
] as const satisfies readonly (keyof typeof STUDY_SECTIONS)[];

export const StudyFileSchema = strict(STUDY_SECTIONS, {
	what: 'a study object',
	unknown: (key) => unknownKeyMessage(key, TOP_LEVEL_KEYS)
});

/** The pieces the published JSON Schema names in its `$defs`. */
export const SCHEMA_DEFINITIONS = {
	workload,
	dataset,
	budget,
	objective,
	fixed,
	search,
	halving,
	param,
	condition,
	trial,
	trialConfig,
	metrics,
	metricValue,
	best,
	branch,
	throughput,
	run,
	cooldownBranches,
	scalingLaw,
	scalingPoint,
	scalingFit
};

// ---------------------------------------------------------------------------------------------
// Types

type Output<S extends AnySchema> = v.InferOutput<S>;
export type Workload = Output<typeof workload>;
export type Budget = Output<typeof budget>;
export type Objective = Output<typeof objective>;
export type SearchSettings = Output<typeof search>;
export type HalvingOption = Output<typeof halving>;
export type StudyParam = Output<typeof param>;
export type TrainRows = { [K in (typeof TRAIN_COLUMNS)[number]]: number[] };
/** Non-finite values are NaN in memory, null in files. */
type Read<T> = { [K in keyof T]: Exclude<T[K], null> };
export type EvalRow = Read<Output<typeof evalRow>>;
export interface MetricBatch {
	train: TrainRows;
	evals: EvalRow[];
}
export type TrialBest = Read<Output<typeof best>>;
export type RecordedThroughput = Output<typeof throughput>;
export type TrialRun = Output<typeof run>;
export type CheckpointAverageResult = Read<Output<typeof checkpointAverage>>;
export type BranchResult = Omit<Output<typeof branch>, 'metrics' | 'best'> & {
	metrics?: MetricBatch;
	best?: TrialBest;
};
export type CooldownBranchesOption = Output<typeof cooldownBranches>;
export type ScalingLawSection = Output<typeof scalingLaw>;
export type ScalingLawPoint = Output<typeof scalingPoint>;
export type ScalingLawFit = Output<typeof scalingFit>;
export type TrialRecord = Omit<Output<typeof trial>, 'metrics' | 'branches' | 'best'> & {
	metrics?: MetricBatch;
	best?: TrialBest;
	branches?: BranchResult[];
};
type FileOutput = Output<typeof StudyFileSchema>;
export type Study = Omit<FileOutput, 'format' | 'version' | 'trials'> & { trials: TrialRecord[] };
/** The study as written to a file: the study plus the format tag and version. */
export type StudyFile = { format: typeof STUDY_FORMAT; version: typeof STUDY_VERSION } & Study;
export type { ParamValue };
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];
export type ObjectiveGoal = (typeof OBJECTIVE_GOALS)[number];
export type ParamRole = (typeof PARAM_ROLES)[number];
export type ParamType = (typeof PARAM_TYPES)[number];
export type ParamScale = (typeof PARAM_SCALES)[number];
export type TrialStatus = (typeof TRIAL_STATUSES)[number];
