// The study designer's draft, as pure data and pure functions. The form edits a `DraftForm`, which keeps
// what the user typed even when it is not yet a valid study (an empty number, a list with a typo);
// `toFileObject` turns it into the JSON object of a study file, which `validateStudy` checks and the
// JSON view shows. A valid study file comes back into the form through `fromStudy`. So the form and the
// file are two views of one model, and the validator is the only judge of both.

import type { ParamValue, SamplerAlgorithm } from '../math/search-space';
import { planTrials, type PlannedTrial } from '../study/study-trials';
import {
	CONFIG_VOCABULARY,
	configKeySpec,
	isConfigKey,
	MODEL_KEY_DEFAULTS,
	modelReads,
	type ConfigKey
} from '../study/config-vocabulary';
import { childPath } from '../study/json-path';
import {
	METRIC_GOALS,
	PARAM_TYPES,
	STUDY_FORMAT,
	STUDY_VERSION,
	type ObjectiveGoal,
	type ObjectiveMetric,
	type ParamRole,
	type ParamScale,
	type ParamType,
	type Study,
	type StudyParam
} from '../study/study';
import { validateStudy, type StudyError, type StudyValidation } from '../study/study-validation';
import { DEFAULT_TRIAL_CONFIG, type ModelName } from '../study/trial-config';
import { errorMessage } from '$lib/util/error-message';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** One key held at one value in every trial. Numbers are NaN while their field is empty. */
export interface FixedRow {
	uid: number;
	key: ConfigKey;
	value: number | string;
}

/** One `when` entry: the parent's name and its allowed values as list text (see parseValueList). */
export interface ConditionRow {
	uid: number;
	parent: string;
	values: string;
}

/**
 * One searched parameter as the form holds it. Every type's fields are kept, so switching the type
 * back and forth loses nothing; only the fields of the current type reach the file.
 */
export interface ParamDraft {
	uid: number;
	name: string;
	role: ParamRole;
	type: ParamType;
	min: number;
	max: number;
	scale: ParamScale;
	/** Comma-separated values of a discrete or categorical parameter. */
	values: string;
	when: ConditionRow[];
}

/** The search algorithms that take successive halving (`search.halving`). */
export const HALVING_ALGORITHMS: readonly SamplerAlgorithm[] = ['quasi-random', 'bayesian'];

/** Where the designer's halving switch starts: a first rung at a tenth of the run, a short cooldown. */
export function defaultHalving(maxTrainSteps: number): {
	eta: number;
	minSteps: number;
	cooldownSteps: number;
} {
	const steps = Number.isFinite(maxTrainSteps) && maxTrainSteps > 1 ? maxTrainSteps : 1000;
	const minSteps = Math.max(1, Math.round(steps / 10));
	return { eta: 3, minSteps, cooldownSteps: Math.max(1, Math.round(minSteps / 5)) };
}

export interface DraftForm {
	name: string;
	goal: string;
	/** Empty means no notes. */
	notes: string;
	workload: { dataset: string; model: string };
	budget: { maxTrainSteps: number; evalEvery: number; checkpointEvery: number; keepBestCheckpoints: number };
	objective: { metric: ObjectiveMetric; goal: ObjectiveGoal };
	fixed: FixedRow[];
	/**
	 * `initialTrials`: bayesian only; absent or NaN = the default start. `halving`: successive halving,
	 * quasi-random and bayesian only; absent = off.
	 */
	search: {
		algorithm: SamplerAlgorithm;
		trials: number;
		seed: number;
		initialTrials?: number;
		halving?: { eta: number; minSteps: number; cooldownSteps: number };
	};
	params: ParamDraft[];
	/**
	 * Sections the form has no fields for (a procedure's cooldown branches, a scaling-law study's
	 * marker and fit): carried through unchanged, so editing such a study in the designer keeps them.
	 */
	kept: Pick<Study, 'cooldownBranches' | 'scalingLaw'>;
}

// ---------------------------------------------------------------------------------------------
// Value lists: `32, 64, 128` or `adam, "sgd", true`

const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** How one unquoted item reads: a number, true or false, or else the text itself. */
function readItem(text: string): ParamValue {
	if (text === 'true') return true;
	if (text === 'false') return false;
	if (NUMBER_TEXT.test(text)) return Number(text);
	return text;
}

/**
 * Reads comma-separated values. Numbers and true/false become numbers and booleans; anything else is
 * text. Text that would otherwise read as a number, a boolean, or holds a comma is written in double
 * quotes (JSON escapes apply inside). Empty items are skipped.
 */
export function parseValueList(text: string): ParamValue[] {
	const values: ParamValue[] = [];
	let i = 0;
	while (i < text.length) {
		while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
		if (i >= text.length) break;
		if (text.charAt(i) === '"') {
			let j = i + 1;
			while (j < text.length && text.charAt(j) !== '"') j += text.charAt(j) === '\\' ? 2 : 1;
			const quoted = text.slice(i, Math.min(j + 1, text.length));
			let value: string;
			try {
				value = JSON.parse(quoted) as string;
			} catch {
				value = quoted; // an unclosed quote: kept as typed, for the validator to quote back
			}
			values.push(value);
			i = j + 1;
			while (i < text.length && text.charAt(i) !== ',') i += 1;
			i += 1;
		} else {
			let j = text.indexOf(',', i);
			if (j < 0) j = text.length;
			const item = text.slice(i, j).trim();
			if (item !== '') values.push(readItem(item));
			i = j + 1;
		}
	}
	return values;
}

/** The list text that `parseValueList` reads back as exactly these values. */
export function formatValueList(values: readonly ParamValue[]): string {
	return values
		.map((value) => {
			if (typeof value !== 'string') return String(value);
			const plain = value.trim() === value && value !== '' && !/[,"]/.test(value);
			return plain && readItem(value) === value ? value : JSON.stringify(value);
		})
		.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Form ⇄ file

function numberOrNull(n: number): number | null {
	return Number.isFinite(n) ? n : null;
}

function fixedValue(row: FixedRow): JsonValue {
	if (typeof row.value === 'number') return numberOrNull(row.value);
	if (configKeySpec(row.key).rule.kind === 'choice') return row.value;
	// A number field holding text (from an odd edit): a number when it reads as one.
	const text = row.value.trim();
	return NUMBER_TEXT.test(text) ? Number(text) : row.value;
}

function conditionObject(rows: readonly ConditionRow[]): JsonObject {
	const when: JsonObject = {};
	for (const row of rows) when[row.parent] = parseValueList(row.values);
	return when;
}

function paramObject(param: ParamDraft): JsonObject {
	const out: JsonObject = { name: param.name, role: param.role, type: param.type };
	if (param.type === 'float' || param.type === 'int') {
		out.min = numberOrNull(param.min);
		out.max = numberOrNull(param.max);
		out.scale = param.scale;
	} else if (param.type === 'discrete' || param.type === 'categorical') {
		out.values = parseValueList(param.values);
	}
	if (param.when.length > 0) out.when = conditionObject(param.when);
	return out;
}

/**
 * The study file the form describes, keys in the order `serializeStudy` writes them. Empty numbers
 * become null, so the validator names them the same way whether they came from the form or the text.
 */
export function toFileObject(form: DraftForm): JsonObject {
	const fixed: JsonObject = {};
	for (const row of form.fixed) fixed[row.key] = fixedValue(row);
	return {
		format: STUDY_FORMAT,
		version: STUDY_VERSION,
		name: form.name,
		goal: form.goal,
		...(form.notes === '' ? {} : { notes: form.notes }),
		workload: { dataset: form.workload.dataset, model: form.workload.model },
		budget: {
			maxTrainSteps: numberOrNull(form.budget.maxTrainSteps),
			evalEvery: numberOrNull(form.budget.evalEvery),
			checkpointEvery: numberOrNull(form.budget.checkpointEvery),
			keepBestCheckpoints: numberOrNull(form.budget.keepBestCheckpoints)
		},
		objective: { metric: form.objective.metric, goal: form.objective.goal },
		fixed,
		search: {
			algorithm: form.search.algorithm,
			trials: numberOrNull(form.search.trials),
			seed: numberOrNull(form.search.seed),
			...(form.search.algorithm === 'bayesian' && Number.isFinite(form.search.initialTrials)
				? { initialTrials: form.search.initialTrials! }
				: {}),
			...(form.search.halving && HALVING_ALGORITHMS.includes(form.search.algorithm)
				? {
						halving: {
							eta: numberOrNull(form.search.halving.eta),
							minSteps: numberOrNull(form.search.halving.minSteps),
							cooldownSteps: numberOrNull(form.search.halving.cooldownSteps)
						}
					}
				: {})
		},
		params: form.params.map(paramObject),
		...(form.kept.cooldownBranches === undefined
			? {}
			: { cooldownBranches: structuredClone(form.kept.cooldownBranches) as JsonObject }),
		...(form.kept.scalingLaw === undefined
			? {}
			: { scalingLaw: structuredClone(form.kept.scalingLaw) as JsonObject }),
		trials: []
	};
}

/** The study file text of the form: tab-indented JSON and a final newline, like serializeStudy. */
export function draftText(form: DraftForm): string {
	return `${JSON.stringify(toFileObject(form), null, '\t')}\n`;
}

/** Problems the file object cannot show: a fixed key listed twice collapses into one JSON key. */
function formOnlyProblems(form: DraftForm): StudyError[] {
	const seen = new Set<string>();
	const problems: StudyError[] = [];
	for (const row of form.fixed) {
		if (seen.has(row.key)) {
			problems.push({
				path: childPath('$.fixed', row.key),
				message: `${row.key} is fixed twice; remove one of the rows`
			});
		}
		seen.add(row.key);
	}
	return problems;
}

/** Validates the study the form describes. */
export function validateForm(form: DraftForm): StudyValidation {
	const extra = formOnlyProblems(form);
	const result = validateStudy(toFileObject(form));
	if (extra.length === 0) return result;
	return { ok: false, errors: [...extra, ...(result.ok ? [] : result.errors)] };
}

/**
 * The form of a valid study. Recorded trials are not part of a design and are left out: a study made
 * in the designer starts with none.
 */
export function fromStudy(study: Study): DraftForm {
	let uid = 0;
	const next = () => (uid += 1);
	return {
		name: study.name,
		goal: study.goal,
		notes: study.notes ?? '',
		workload: { ...study.workload },
		budget: { ...study.budget },
		objective: { ...study.objective },
		fixed: (Object.entries(study.fixed) as [ConfigKey, number | string][]).map(([key, value]) => ({
			uid: next(),
			key,
			value
		})),
		search: {
			...study.search,
			...(study.search.halving ? { halving: { ...study.search.halving } } : {})
		},
		params: study.params.map((param) => paramDraft(param, next)),
		kept: {
			...(study.cooldownBranches === undefined ? {} : { cooldownBranches: study.cooldownBranches }),
			...(study.scalingLaw === undefined ? {} : { scalingLaw: study.scalingLaw })
		}
	};
}

function paramDraft(param: StudyParam, next: () => number): ParamDraft {
	const draft: ParamDraft = {
		uid: next(),
		name: param.name,
		role: param.role,
		type: param.type,
		min: Number.NaN,
		max: Number.NaN,
		scale: 'linear',
		values: '',
		when: Object.entries(param.when ?? {}).map(([parent, values]) => ({
			uid: next(),
			parent,
			values: formatValueList(values)
		}))
	};
	if (param.type === 'float' || param.type === 'int') {
		draft.min = param.min;
		draft.max = param.max;
		draft.scale = param.scale;
	} else if (param.type === 'discrete' || param.type === 'categorical') {
		draft.values = formatValueList(param.values);
	}
	return draft;
}

// ---------------------------------------------------------------------------------------------
// Edits. Each returns a new form and leaves its argument alone.

/** A fresh row id: one more than any id the form uses. */
export function nextUid(form: DraftForm): number {
	const ids = [
		...form.fixed.map((row) => row.uid),
		...form.params.flatMap((param) => [param.uid, ...param.when.map((row) => row.uid)])
	];
	return Math.max(0, ...ids) + 1;
}

/** A starting range for searching each numeric key: our choices for small MLPs, to be edited. */
const SUGGESTED_RANGES: Partial<Record<ConfigKey, { min: number; max: number; scale: ParamScale }>> = {
	learningRate: { min: 1e-4, max: 1e-1, scale: 'log' },
	momentum: { min: 0.8, max: 0.99, scale: 'linear' },
	rho: { min: 0.8, max: 0.99, scale: 'linear' },
	beta1: { min: 0.8, max: 0.99, scale: 'linear' },
	beta2: { min: 0.9, max: 0.999, scale: 'linear' },
	epsilon: { min: 1e-10, max: 1e-2, scale: 'log' },
	weightDecay: { min: 1e-6, max: 1e-2, scale: 'log' },
	gradClipNorm: { min: 0.1, max: 10, scale: 'log' },
	emaDecay: { min: 0.9, max: 0.999, scale: 'linear' },
	swaStart: { min: 0, max: 100, scale: 'linear' },
	swaEvery: { min: 1, max: 20, scale: 'linear' },
	warmupSteps: { min: 0, max: 50, scale: 'linear' },
	cooldownSteps: { min: 10, max: 100, scale: 'linear' },
	cooldownFraction: { min: 0.1, max: 0.5, scale: 'linear' },
	finalLrFraction: { min: 0, max: 0.1, scale: 'linear' },
	rsqrtTimescale: { min: 100, max: 10_000, scale: 'log' },
	batchSize: { min: 16, max: 256, scale: 'log' },
	seed: { min: 0, max: 1000, scale: 'linear' },
	hiddenWidth: { min: 16, max: 256, scale: 'log' },
	depth: { min: 0, max: 3, scale: 'linear' },
	cnnWidth: { min: 8, max: 64, scale: 'log' },
	cnnDepth: { min: 1, max: 3, scale: 'linear' },
	nLayer: { min: 1, max: 4, scale: 'linear' },
	dModel: { min: 32, max: 128, scale: 'log' },
	contextLength: { min: 32, max: 128, scale: 'log' },
	dropout: { min: 0, max: 0.5, scale: 'linear' },
	labelSmoothing: { min: 0, max: 0.2, scale: 'linear' }
};

/** A value for a newly fixed key where the trial default is "off" or derived. */
const SUGGESTED_FIXED: Partial<Record<ConfigKey, number | string>> = {
	momentum: 0.9,
	rho: 0.9,
	weightDecay: 0,
	gradClipNorm: 1,
	emaDecay: 0.999,
	swaStart: 0,
	swaEvery: 10,
	cooldownFraction: 0.2,
	cooldownShape: 'linear',
	finalLrFraction: 0,
	rsqrtTimescale: 10_000,
	...MODEL_KEY_DEFAULTS,
	dropout: 0.1,
	labelSmoothing: 0.1
};

/** A sensible value to start a fixed row of `key` with. */
export function defaultFixedValue(key: ConfigKey): number | string {
	const rule = configKeySpec(key).rule;
	const fromDefaults = (DEFAULT_TRIAL_CONFIG as unknown as Record<string, number | string | undefined>)[key];
	const value = fromDefaults ?? SUGGESTED_FIXED[key];
	if (value !== undefined) return value;
	if (rule.kind === 'choice') return rule.values[0] ?? '';
	return rule.min ?? 0;
}

/** The fields a parameter searching `key` starts with: its whole choice list, or a suggested range. */
export function suggestedSearch(
	key: ConfigKey
): Pick<ParamDraft, 'type' | 'min' | 'max' | 'scale' | 'values'> {
	const rule = configKeySpec(key).rule;
	if (rule.kind === 'choice') {
		return {
			type: 'categorical',
			min: Number.NaN,
			max: Number.NaN,
			scale: 'linear',
			values: rule.values.join(', ')
		};
	}
	const range = SUGGESTED_RANGES[key] ?? { min: rule.min ?? 0, max: (rule.min ?? 0) + 1, scale: 'linear' };
	return { type: rule.kind === 'integer' ? 'int' : 'float', ...range, values: '' };
}

/** Config keys neither fixed nor searched yet, in vocabulary order. */
export function unusedKeys(form: DraftForm): ConfigKey[] {
	const used = new Set<string>([...form.fixed.map((row) => row.key), ...form.params.map((p) => p.name)]);
	return CONFIG_VOCABULARY.map((spec) => spec.key).filter((key) => !used.has(key));
}

export function addFixed(form: DraftForm, key?: ConfigKey): DraftForm {
	const chosen = key ?? unusedKeys(form)[0] ?? CONFIG_VOCABULARY[0]!.key;
	const row: FixedRow = { uid: nextUid(form), key: chosen, value: defaultFixedValue(chosen) };
	return { ...form, fixed: [...form.fixed, row] };
}

export function removeFixed(form: DraftForm, index: number): DraftForm {
	return { ...form, fixed: form.fixed.filter((_, i) => i !== index) };
}

/** Changes the key of a fixed row; its value restarts from the new key's default. */
export function setFixedKey(form: DraftForm, index: number, key: ConfigKey): DraftForm {
	return {
		...form,
		fixed: form.fixed.map((row, i) => (i === index ? { ...row, key, value: defaultFixedValue(key) } : row))
	};
}

export function addParam(form: DraftForm, key?: ConfigKey): DraftForm {
	const chosen = key ?? unusedKeys(form)[0] ?? 'learningRate';
	const param: ParamDraft = {
		uid: nextUid(form),
		name: chosen,
		role: 'nuisance',
		...suggestedSearch(chosen),
		when: []
	};
	return { ...form, params: [...form.params, param] };
}

export function removeParam(form: DraftForm, index: number): DraftForm {
	return { ...form, params: form.params.filter((_, i) => i !== index) };
}

/** Moves a parameter up (delta −1) or down (+1); out-of-range moves change nothing. */
export function moveParam(form: DraftForm, index: number, delta: number): DraftForm {
	const target = index + delta;
	if (index < 0 || index >= form.params.length || target < 0 || target >= form.params.length) return form;
	const params = [...form.params];
	const [moved] = params.splice(index, 1);
	params.splice(target, 0, moved!);
	return { ...form, params };
}

function updateParam(form: DraftForm, index: number, change: (param: ParamDraft) => ParamDraft): DraftForm {
	return { ...form, params: form.params.map((param, i) => (i === index ? change(param) : param)) };
}

/**
 * Renames a parameter. It keeps its type, values and range where the new name can be searched that
 * way (what the user entered is not thrown away by a rename); only a type the new key cannot take
 * restarts from that key's suggestion. Any other name makes it a switch, which must be categorical or
 * bool (the other fields stay in the draft, so renaming back restores them).
 */
export function setParamName(form: DraftForm, index: number, name: string): DraftForm {
	return updateParam(form, index, (param) => {
		if (isConfigKey(name)) {
			return typesFor(name).includes(param.type)
				? { ...param, name }
				: { ...param, name, ...suggestedSearch(name) };
		}
		const switchType = param.type === 'categorical' || param.type === 'bool' ? param.type : 'bool';
		return { ...param, name, type: switchType };
	});
}

/** The parameter types a name can be searched as: by its key's values, or categorical/bool for a switch. */
export function typesFor(name: string): readonly ParamType[] {
	if (!isConfigKey(name)) return ['categorical', 'bool'];
	const rule = configKeySpec(name).rule;
	if (rule.kind === 'choice') return ['categorical'];
	if (rule.kind === 'integer') return ['int', 'discrete'];
	return PARAM_TYPES.filter((type) => type === 'float' || type === 'int' || type === 'discrete');
}

/** Sets the objective's metric, and its goal to the direction that makes sense for it. */
export function setObjectiveMetric(form: DraftForm, metric: ObjectiveMetric): DraftForm {
	return { ...form, objective: { metric, goal: METRIC_GOALS[metric] } };
}

export function addCondition(form: DraftForm, index: number): DraftForm {
	const uid = nextUid(form);
	return updateParam(form, index, (param) => {
		const parent = form.params.find(
			(other) =>
				other.uid !== param.uid &&
				(other.type === 'categorical' || other.type === 'bool') &&
				!param.when.some((row) => row.parent === other.name)
		);
		const values = parent === undefined ? '' : parent.type === 'bool' ? 'true' : firstValue(parent.values);
		return { ...param, when: [...param.when, { uid, parent: parent?.name ?? '', values }] };
	});
}

function firstValue(listText: string): string {
	const [first] = parseValueList(listText);
	return first === undefined ? '' : formatValueList([first]);
}

export function removeCondition(form: DraftForm, index: number, conditionIndex: number): DraftForm {
	return updateParam(form, index, (param) => ({
		...param,
		when: param.when.filter((_, j) => j !== conditionIndex)
	}));
}

// ---------------------------------------------------------------------------------------------
// The JSON view

/**
 * Text the user typed into the JSON view, kept on screen while the form still holds what it held when
 * the text was last read (`basis`, the form's own text then). Editing the form changes its text, and the
 * JSON view goes back to showing the form.
 */
export interface TextOverride {
	text: string;
	basis: string;
	/** Problems of `text`; empty when it was valid (or is not read yet). */
	errors: StudyError[];
}

/** What the JSON view shows. */
export function shownText(formText: string, override: TextOverride | null): string {
	return override !== null && override.basis === formText ? override.text : formText;
}

/** The problems of the typed text that still apply (none once the form has been edited since). */
export function shownTextErrors(formText: string, override: TextOverride | null): StudyError[] {
	return override !== null && override.basis === formText ? override.errors : [];
}

// ---------------------------------------------------------------------------------------------
// Errors next to their fields

/** Whether `path` is `prefix` itself or lies inside it (`$.params[1]` holds `$.params[1].max`). */
export function pathWithin(path: string, prefix: string): boolean {
	if (!path.startsWith(prefix)) return false;
	const rest = path.charAt(prefix.length);
	return rest === '' || rest === '.' || rest === '[';
}

export function errorsWithin(errors: readonly StudyError[], prefix: string): StudyError[] {
	return errors.filter((error) => pathWithin(error.path, prefix));
}

// ---------------------------------------------------------------------------------------------
// Preview

/** Trials planned at most for the preview; planning is cheap, but tables and plots are not. */
export const PREVIEW_TRIAL_CAP = 500;

export type TrialPreview =
	| { ok: true; study: Study; trials: PlannedTrial[]; total: number; capped: boolean }
	| { ok: false; study: Study; message: string };

/** The first trials (at most PREVIEW_TRIAL_CAP) a valid study would run. */
export function previewTrials(study: Study, cap = PREVIEW_TRIAL_CAP): TrialPreview {
	try {
		const trials = planTrials(study, { count: Math.min(study.search.trials, cap) });
		const capped = study.search.trials > cap;
		// Grid search may plan fewer trials than asked for; without the cap, the plan is the whole study.
		return { ok: true, study, trials, total: capped ? study.search.trials : trials.length, capped };
	} catch (error) {
		return { ok: false, study, message: errorMessage(error) };
	}
}

/**
 * Everything the plan depends on, as text: two studies with the same key plan the same trials. The name,
 * goal and notes are not part of it, so typing them does not plan (and redraw) the trials again.
 */
export function planKey(study: Study): string {
	return JSON.stringify([study.workload, study.budget, study.fixed, study.search, study.params]);
}

// ---------------------------------------------------------------------------------------------
// A model switch: keys the new model does not read

/** The size keys of each model, in the same roles (width, depth), so a switch can carry them over. */
const MODEL_COUNTERPARTS: Record<ModelName, { width: ConfigKey; depth: ConfigKey }> = {
	mlp: { width: 'hiddenWidth', depth: 'depth' },
	cnn: { width: 'cnnWidth', depth: 'cnnDepth' },
	transformer: { width: 'dModel', depth: 'nLayer' }
};

/** A fixed or searched key the model does not read, and the key in its role for the model, if any. */
export interface StrayKey {
	where: 'fixed' | 'param';
	key: ConfigKey;
	counterpart: ConfigKey | null;
}

function counterpartOf(key: ConfigKey, model: ModelName): ConfigKey | null {
	for (const keys of Object.values(MODEL_COUNTERPARTS)) {
		if (keys.width === key) return MODEL_COUNTERPARTS[model].width;
		if (keys.depth === key) return MODEL_COUNTERPARTS[model].depth;
	}
	return null;
}

/** The fixed and searched keys `model` does not read (after a model switch), in form order. */
export function strayModelKeys(form: DraftForm, model: ModelName): StrayKey[] {
	const stray: StrayKey[] = [];
	const used = new Set<string>([...form.fixed.map((r) => r.key), ...form.params.map((p) => p.name)]);
	const entries = [
		...form.fixed.map((r) => ({ where: 'fixed' as const, key: r.key })),
		...form.params
			.filter((p) => isConfigKey(p.name))
			.map((p) => ({ where: 'param' as const, key: p.name as ConfigKey }))
	];
	for (const { where, key } of entries) {
		if (modelReads(model, key)) continue;
		const counterpart = counterpartOf(key, model);
		// A counterpart the form already holds is not offered twice.
		stray.push({ where, key, counterpart: counterpart && !used.has(counterpart) ? counterpart : null });
	}
	return stray;
}

/**
 * Fixes the stray keys: each with a counterpart becomes it (a fixed row with the new key's default, a
 * searched one with its suggested search, since sizes differ between models); the rest are dropped.
 */
export function fixModelKeys(form: DraftForm, model: ModelName): DraftForm {
	const to = new Map(strayModelKeys(form, model).map((s) => [`${s.where}:${s.key}`, s.counterpart]));
	const fixed = form.fixed.flatMap((row) => {
		if (!to.has(`fixed:${row.key}`)) return [row];
		const key = to.get(`fixed:${row.key}`);
		return key ? [{ ...row, key, value: defaultFixedValue(key) }] : [];
	});
	const params = form.params.flatMap((param) => {
		if (!to.has(`param:${param.name}`)) return [param];
		const key = to.get(`param:${param.name}`);
		return key ? [{ ...param, name: key, ...suggestedSearch(key) }] : [];
	});
	return { ...form, fixed, params };
}

/** Drops every fixed and searched key `model` does not read. */
export function dropModelKeys(form: DraftForm, model: ModelName): DraftForm {
	return {
		...form,
		fixed: form.fixed.filter((row) => modelReads(model, row.key)),
		params: form.params.filter((p) => !isConfigKey(p.name) || modelReads(model, p.name))
	};
}
