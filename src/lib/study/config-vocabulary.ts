// The flat vocabulary of configuration keys that a study may fix or search. Each entry says what values
// the key takes, its default, which optimizers, schedules or models read it, and what it does, in one line.
// docs/study-format.md carries the same table (a spec keeps the two in step), and the study validator
// checks every fixed value and every searched range against it.

import { COOLDOWN_SHAPES } from '../math/schedules';
import { SCHEDULE_KEY_USERS, SCHEDULE_NAMES } from '../math/schedule-config';
import { describeValue } from './json-path';
import { OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_NAMES, type OptimizerHyperparameter } from './optimizer-table';
import type {
	BackendChoice,
	CooldownShape,
	EngineChoice,
	ModelName,
	OptimizerName,
	ScheduleName
} from './trial-config';

export const BACKEND_CHOICES = [
	'auto',
	'webgpu',
	'webgl',
	'wasm',
	'cpu'
] as const satisfies readonly BackendChoice[];
export const ENGINE_CHOICES = ['auto', 'tfjs', 'jax'] as const satisfies readonly EngineChoice[];
export { COOLDOWN_SHAPES, OPTIMIZER_NAMES, SCHEDULE_NAMES };

export const CONFIG_KEYS = [
	'optimizer',
	'learningRate',
	'momentum',
	'rho',
	'beta1',
	'beta2',
	'epsilon',
	'weightDecay',
	'gradClipNorm',
	'dropout',
	'labelSmoothing',
	'emaDecay',
	'swaStart',
	'swaEvery',
	'schedule',
	'warmupSteps',
	'cooldownSteps',
	'cooldownFraction',
	'cooldownShape',
	'finalLrFraction',
	'rsqrtTimescale',
	'batchSize',
	'seed',
	'hiddenWidth',
	'depth',
	'cnnWidth',
	'cnnDepth',
	'nLayer',
	'nHead',
	'dModel',
	'contextLength',
	'backend',
	'engine'
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** TrialConfig keys that a study sets through `workload` and `budget` instead of `fixed` or `params`. */
export const WORKLOAD_AND_BUDGET_KEYS = ['dataset', 'model', 'maxTrainSteps', 'evalEvery'] as const;

// The trial configuration's type is made from this vocabulary (study-schema.ts), so every key a trial
// reads is documented here. The choice lists: each must name every value its type allows.
type MissingChoice =
	| Exclude<BackendChoice, (typeof BACKEND_CHOICES)[number]>
	| Exclude<EngineChoice, (typeof ENGINE_CHOICES)[number]>
	| Exclude<ScheduleName, (typeof SCHEDULE_NAMES)[number]>
	| Exclude<CooldownShape, (typeof COOLDOWN_SHAPES)[number]>;
const _everyChoiceListed: [MissingChoice] extends [never] ? true : false = true;

/** The values one key takes. Bounds are inclusive unless marked exclusive. */
export type ValueRule =
	| { kind: 'number'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
	| { kind: 'integer'; min?: number; max?: number }
	| { kind: 'choice'; values: readonly string[] };

export type ConfigGroup =
	'optimizer' | 'regularisation' | 'averaging' | 'schedule' | 'data' | 'model' | 'run';

export interface ConfigKeySpec {
	key: ConfigKey;
	rule: ValueRule;
	/** The value a trial gets when the study neither fixes nor searches the key, in words. */
	defaultText: string;
	group: ConfigGroup;
	/** Only these optimizers read the key; absent means every optimizer (or the key is not an optimizer's). */
	optimizers?: readonly OptimizerName[];
	/** Only these schedules read the key; absent means every schedule (or the key is not a schedule's). */
	schedules?: readonly ScheduleName[];
	/** Only these models read the key; absent means every model. */
	models?: readonly ModelName[];
	description: string;
}

/** The optimizers that read a hyperparameter, from the optimizer table. */
function readBy(key: OptimizerHyperparameter): readonly OptimizerName[] {
	return OPTIMIZER_NAMES.filter((name) => OPTIMIZER_HYPERPARAMETERS[name].includes(key));
}

const UNIT_OPEN = { kind: 'number', min: 0, max: 1, maxExclusive: true } as const;
const POSITIVE = { kind: 'number', min: 0, minExclusive: true } as const;
const NON_NEGATIVE = { kind: 'number', min: 0 } as const;

/**
 * What a trial uses for the optional model keys when a study neither fixes nor searches them. The
 * trainer's own table (MODEL_DEFAULTS in src/lib/training/model-spec.ts) must agree.
 */
export const MODEL_KEY_DEFAULTS = {
	cnnWidth: 16,
	cnnDepth: 2,
	nLayer: 2,
	nHead: 4,
	dModel: 64,
	contextLength: 64
} as const satisfies Partial<Record<ConfigKey, number>>;

const VOCABULARY = [
	{
		key: 'optimizer',
		rule: { kind: 'choice', values: OPTIMIZER_NAMES },
		defaultText: 'adam',
		group: 'optimizer',
		description:
			'The update rule: plain SGD, heavy-ball or Nesterov momentum, RMSProp, Adam, NAdam, or schedule-free ' +
			'AdamW or SGD (which evaluate and save the running average of their iterates).'
	},
	{
		key: 'learningRate',
		rule: POSITIVE,
		defaultText: '0.003',
		group: 'optimizer',
		description: 'Peak step size, reached after warmup and held until the schedule starts to decay.'
	},
	{
		key: 'momentum',
		rule: UNIT_OPEN,
		defaultText: '0.9 (0 with rmsprop)',
		group: 'optimizer',
		optimizers: readBy('momentum'),
		description:
			'How much of the previous update carries into the next one; for schedule-free-sgd, the weight β of ' +
			'the average in the point where the gradient is taken.'
	},
	{
		key: 'rho',
		rule: UNIT_OPEN,
		defaultText: '0.9',
		group: 'optimizer',
		optimizers: readBy('rho'),
		description: "Decay of RMSProp's running average of squared gradients."
	},
	{
		key: 'beta1',
		rule: UNIT_OPEN,
		defaultText: '0.9',
		group: 'optimizer',
		optimizers: readBy('beta1'),
		description:
			'Decay of the running average of gradients (the first moment); for schedule-free-adamw, the ' +
			'weight β of the average in the point where the gradient is taken.'
	},
	{
		key: 'beta2',
		rule: UNIT_OPEN,
		defaultText: '0.999',
		group: 'optimizer',
		optimizers: readBy('beta2'),
		description: 'Decay of the running average of squared gradients (the second moment).'
	},
	{
		key: 'epsilon',
		rule: POSITIVE,
		defaultText: '1e-8',
		group: 'optimizer',
		optimizers: readBy('epsilon'),
		description: 'Added to the denominator of adaptive steps; larger values make them more like SGD.'
	},
	{
		key: 'weightDecay',
		rule: NON_NEGATIVE,
		defaultText: '0 (off)',
		group: 'regularisation',
		description:
			'Decoupled decay: every step also subtracts learningRate × weightDecay × weight (schedule-free: ' +
			'from the base sequence, at the point where the gradient is taken).'
	},
	{
		key: 'gradClipNorm',
		rule: NON_NEGATIVE,
		defaultText: 'off',
		group: 'regularisation',
		description: 'Scale the gradient down when its global norm is above this value; 0 means no clipping.'
	},
	{
		key: 'dropout',
		rule: UNIT_OPEN,
		defaultText: '0 (off)',
		group: 'regularisation',
		description: 'Share of activations zeroed at random in each training step; evaluation never drops any.'
	},
	{
		key: 'labelSmoothing',
		rule: UNIT_OPEN,
		defaultText: '0 (off)',
		group: 'regularisation',
		description: 'Share of each training target spread evenly over all classes instead of the true one.'
	},
	{
		key: 'emaDecay',
		rule: UNIT_OPEN,
		defaultText: 'off',
		group: 'averaging',
		description: 'Also keep and evaluate an exponential moving average of the weights with this decay.'
	},
	{
		key: 'swaStart',
		rule: { kind: 'integer', min: 0 },
		defaultText: '0',
		group: 'averaging',
		description: 'First step whose weights join the stochastic weight average (needs swaEvery).'
	},
	{
		key: 'swaEvery',
		rule: { kind: 'integer', min: 1 },
		defaultText: 'off',
		group: 'averaging',
		description: 'Fold the weights into a uniform running average every this many steps.'
	},
	{
		key: 'schedule',
		rule: { kind: 'choice', values: SCHEDULE_NAMES },
		defaultText: 'constant',
		group: 'schedule',
		description: 'How the learning rate changes over the run, after the warmup.'
	},
	{
		key: 'warmupSteps',
		rule: { kind: 'integer', min: 0 },
		defaultText: '0',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.warmupSteps,
		description: 'Length of the linear ramp from 0 up to learningRate at the start, in steps.'
	},
	{
		key: 'cooldownSteps',
		rule: { kind: 'integer', min: 1 },
		defaultText: 'from cooldownFraction',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.cooldownSteps,
		description: 'Length of the final decay of a wsd schedule, in steps.'
	},
	{
		key: 'cooldownFraction',
		rule: { kind: 'number', min: 0, max: 1, minExclusive: true },
		defaultText: '0.2',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.cooldownFraction,
		description: 'Length of the final decay of a wsd schedule, as a share of maxTrainSteps.'
	},
	{
		key: 'cooldownShape',
		rule: { kind: 'choice', values: COOLDOWN_SHAPES },
		defaultText: 'linear',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.cooldownShape,
		description: 'The curve the wsd cooldown follows on its way down.'
	},
	{
		key: 'finalLrFraction',
		rule: { kind: 'number', min: 0, max: 1 },
		defaultText: '0',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.finalLrFraction,
		description: 'Where a decay ends, as a fraction of learningRate.'
	},
	{
		key: 'rsqrtTimescale',
		rule: POSITIVE,
		defaultText: '10000',
		group: 'schedule',
		schedules: SCHEDULE_KEY_USERS.rsqrtTimescale,
		description: 'Steps after warmup by which the rsqrt rate has dropped to 1/√2 of its peak.'
	},
	{
		key: 'batchSize',
		rule: { kind: 'integer', min: 1, max: 4096 },
		defaultText: '64',
		group: 'data',
		description: 'Training examples per optimizer step.'
	},
	{
		key: 'seed',
		rule: { kind: 'integer', min: 0, max: 4294967295 },
		defaultText: 'derived per trial',
		group: 'run',
		description: 'Seeds weight init and data order; fixing it gives every trial the same one.'
	},
	{
		key: 'hiddenWidth',
		rule: { kind: 'integer', min: 1, max: 4096 },
		defaultText: '64',
		group: 'model',
		models: ['mlp'],
		description: 'Units in each hidden layer of the MLP.'
	},
	{
		key: 'depth',
		rule: { kind: 'integer', min: 0, max: 16 },
		defaultText: '1',
		group: 'model',
		models: ['mlp'],
		description: 'Number of hidden layers of the MLP; 0 makes it a linear classifier.'
	},
	{
		key: 'cnnWidth',
		rule: { kind: 'integer', min: 1, max: 256 },
		defaultText: String(MODEL_KEY_DEFAULTS.cnnWidth),
		group: 'model',
		models: ['cnn'],
		description: 'Filters of the first conv block; every later block has twice as many as the one before.'
	},
	{
		key: 'cnnDepth',
		rule: { kind: 'integer', min: 1, max: 4 },
		defaultText: String(MODEL_KEY_DEFAULTS.cnnDepth),
		group: 'model',
		models: ['cnn'],
		description:
			'Conv blocks (3×3 conv, ReLU, 2×2 max-pool); each halves the image, which must stay at least 1×1.'
	},
	{
		key: 'nLayer',
		rule: { kind: 'integer', min: 1, max: 12 },
		defaultText: String(MODEL_KEY_DEFAULTS.nLayer),
		group: 'model',
		models: ['transformer'],
		description: 'Transformer blocks (attention then MLP, each added to the residual stream).'
	},
	{
		key: 'nHead',
		rule: { kind: 'integer', min: 1, max: 16 },
		defaultText: String(MODEL_KEY_DEFAULTS.nHead),
		group: 'model',
		models: ['transformer'],
		description:
			'Attention heads per block; each head works on dModel / nHead channels, so it must divide dModel.'
	},
	{
		key: 'dModel',
		rule: { kind: 'integer', min: 1, max: 1024 },
		defaultText: String(MODEL_KEY_DEFAULTS.dModel),
		group: 'model',
		models: ['transformer'],
		description: 'Width of the residual stream: the size of every token vector between blocks.'
	},
	{
		key: 'contextLength',
		rule: { kind: 'integer', min: 1, max: 512 },
		defaultText: String(MODEL_KEY_DEFAULTS.contextLength),
		group: 'model',
		models: ['transformer'],
		description: 'Characters the model sees at once; training windows have this length too.'
	},
	{
		key: 'backend',
		rule: { kind: 'choice', values: BACKEND_CHOICES },
		defaultText: 'auto',
		group: 'run',
		description:
			'Where the engine computes; auto takes the fastest pair measured on the workload (see engine).'
	},
	{
		key: 'engine',
		rule: { kind: 'choice', values: ENGINE_CHOICES },
		defaultText: 'auto',
		group: 'run',
		description: 'What trains: tfjs (TensorFlow.js) or jax (compiled, jax-js); auto: the fastest measured.'
	}
] as const satisfies readonly ConfigKeySpec[];
/** One vocabulary entry with its literal types (the trial configuration's type is made from them). */
export type VocabularyEntry = (typeof VOCABULARY)[number];
export const CONFIG_VOCABULARY: readonly ConfigKeySpec[] = VOCABULARY;

const SPECS = new Map<string, ConfigKeySpec>(CONFIG_VOCABULARY.map((spec) => [spec.key, spec]));

export function isConfigKey(name: string): name is ConfigKey {
	return SPECS.has(name);
}

export function configKeySpec(key: ConfigKey): ConfigKeySpec {
	const spec = SPECS.get(key);
	if (spec === undefined) throw new Error(`no vocabulary entry for ${key}`);
	return spec;
}

function formatNumber(n: number): string {
	return String(n);
}

/** "a number in [0, 1)", "an integer ≥ 1", "one of adam, sgd". */
export function describeRule(rule: ValueRule): string {
	if (rule.kind === 'choice') return `one of ${rule.values.join(', ')}`;
	const noun = rule.kind === 'number' ? 'a number' : 'an integer';
	const minExclusive = rule.kind === 'number' && rule.minExclusive === true;
	const maxExclusive = rule.kind === 'number' && rule.maxExclusive === true;
	if (rule.min !== undefined && rule.max !== undefined) {
		const open = minExclusive ? '(' : '[';
		const close = maxExclusive ? ')' : ']';
		return `${noun} in ${open}${formatNumber(rule.min)}, ${formatNumber(rule.max)}${close}`;
	}
	if (rule.min !== undefined) return `${noun} ${minExclusive ? '>' : '≥'} ${formatNumber(rule.min)}`;
	if (rule.max !== undefined) return `${noun} ${maxExclusive ? '<' : '≤'} ${formatNumber(rule.max)}`;
	return noun;
}

/** Whether a number lies inside a numeric rule (integers must also be whole). */
export function numberFits(rule: ValueRule, n: number): boolean {
	if (rule.kind === 'choice' || !Number.isFinite(n)) return false;
	if (rule.kind === 'integer' && !Number.isInteger(n)) return false;
	const minExclusive = rule.kind === 'number' && rule.minExclusive === true;
	const maxExclusive = rule.kind === 'number' && rule.maxExclusive === true;
	if (rule.min !== undefined && (minExclusive ? n <= rule.min : n < rule.min)) return false;
	if (rule.max !== undefined && (maxExclusive ? n >= rule.max : n > rule.max)) return false;
	return true;
}

/** Whether `value` is a valid value of `key`. */
export function valueFits(key: ConfigKey, value: unknown): boolean {
	const { rule } = configKeySpec(key);
	if (rule.kind === 'choice') return typeof value === 'string' && rule.values.includes(value);
	return typeof value === 'number' && numberFits(rule, value);
}

/** `expected …, got …` when `value` is not a valid value of `key`; undefined when it is. */
export function checkConfigValue(key: ConfigKey, value: unknown): string | undefined {
	if (valueFits(key, value)) return undefined;
	return `expected ${describeRule(configKeySpec(key).rule)}, got ${describeValue(value)}`;
}

/** Whether a trial of `model` reads `key` (keys without a model list are read by every model). */
export function modelReads(model: ModelName, key: ConfigKey): boolean {
	return configKeySpec(key).models?.includes(model) ?? true;
}

/** Which optimizers, schedules or models read the key, in words, for the vocabulary table. */
export function describeUsers(spec: ConfigKeySpec): string {
	if (spec.models) return `model: ${spec.models.join(', ')}`;
	if (spec.key === 'dropout' || spec.key === 'labelSmoothing') return 'every model';
	if (spec.optimizers) return `optimizer: ${spec.optimizers.join(', ')}`;
	if (spec.schedules?.length === SCHEDULE_NAMES.length) return 'every schedule';
	if (spec.schedules) return `schedule: ${spec.schedules.join(', ')}`;
	if (spec.key === 'learningRate' || spec.key === 'weightDecay') return 'every optimizer';
	return 'every trial';
}

export const VOCABULARY_TABLE_HEADER = ['key', 'group', 'values', 'default', 'read by', 'meaning'] as const;

/** The rows of the vocabulary table in docs/study-format.md, one cell per header column. */
export function vocabularyTableRows(): string[][] {
	return CONFIG_VOCABULARY.map((spec) => [
		`\`${spec.key}\``,
		spec.group,
		describeRule(spec.rule),
		spec.defaultText,
		describeUsers(spec),
		spec.description
	]);
}

/** The vocabulary as a Markdown table (the form docs/study-format.md holds between its markers). */
export function renderVocabularyTable(): string {
	const rows = [
		[...VOCABULARY_TABLE_HEADER],
		VOCABULARY_TABLE_HEADER.map(() => '---'),
		...vocabularyTableRows()
	];
	return rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
