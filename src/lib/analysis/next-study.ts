// Drafts of the study a checklist finding calls for: the analysed study's definition with one change,
// no trials, a new name, and a goal that says why it exists. The playbook's loop is to refine the last
// study and run again (playbook: "Extracting insight from experimental results"); these drafts are the
// first step of that loop, ready to open, edit and run. Every draft is checked by the same validator as
// an imported file, and a change that would not validate yields no draft at all. Pure: no DOM, no tfjs.
import { configKeySpec, isConfigKey, modelReads, type ValueRule } from '../study/config-vocabulary';
import type { FixedConfig, Study, StudyParam } from '../study/study';
import { toStudyFile } from '../study/study-file';
import { validateStudy } from '../study/study-validation';
import type { NextStudySuggestion } from './findings/types';

/** The longest study name the validator accepts. */
const MAX_NAME_CHARS = 120;

/** A log-scale range is widened by one decade past the edge the best trials sit at. */
export const LOG_WIDEN_FACTOR = 10;
/** A linear range is widened by this many of its own widths past that edge. */
export const LINEAR_WIDEN_WIDTHS = 1;

export type RangeParam = Extract<StudyParam, { type: 'float' | 'int' }>;

/** The regularisers tried in turn when the best trials overfit, with a first range for each. */
export const REGULARISERS: readonly RangeParam[] = [
	// Decoupled decay is multiplied by the learning rate, so the useful values reach up to about 1.
	{ name: 'weightDecay', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' },
	{ name: 'dropout', role: 'nuisance', type: 'float', min: 0, max: 0.5, scale: 'linear' },
	{ name: 'labelSmoothing', role: 'nuisance', type: 'float', min: 0, max: 0.2, scale: 'linear' }
];

/** Warmup searched from 1% to 10% of the run: the playbook keeps the longest feasible warmup under 10%. */
export const WARMUP_MIN_SHARE = 0.01;
export const WARMUP_MAX_SHARE = 0.1;

export function isRangeParam(param: StudyParam): param is RangeParam {
	return param.type === 'float' || param.type === 'int';
}

/** Float noise such as 1e-4 / 10 = 9.999999999999999e-6 is cut off at 12 significant digits. */
function tidy(value: number): number {
	return Number(value.toPrecision(12));
}

function shortenedName(name: string, suffix: string): string {
	const tail = ` · ${suffix}`;
	const room = MAX_NAME_CHARS - Array.from(tail).length;
	const chars = Array.from(name);
	const base = chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : name;
	return `${base}${tail}`;
}

export interface DraftSpec {
	/** Appended to the study's name. */
	suffix: string;
	/** What differs, in a few words (shown on the button). */
	change: string;
	/** Why: the finding, in a sentence. */
	reason: string;
	/** What the new study does about it, in a sentence. */
	plan: string;
	/** Edits the draft's definition in place. */
	edit(draft: Study): void;
}

/**
 * The analysed study's definition with `spec.edit` applied, no trials, a new name, and a goal stating the
 * reason. Undefined when the edited study does not validate.
 */
export function draftNextStudy(study: Study, spec: DraftSpec): NextStudySuggestion | undefined {
	const draft: Study = structuredClone({ ...study, trials: [] });
	draft.name = shortenedName(study.name, spec.suffix);
	draft.goal = `Follow-up to “${study.name}”. ${spec.reason} ${spec.plan}`;
	draft.notes = `Drafted by the analysis checklist of “${study.name}”: ${spec.change}.`;
	spec.edit(draft);
	const checked = validateStudy(toStudyFile(draft));
	if (!checked.ok) return undefined;
	return { change: spec.change, study: checked.study };
}

/** Moves `value` to the allowed side of a rule's bound, or halfway to a bound the rule excludes. */
function clipToRule(value: number, old: number, edge: 'min' | 'max', rule: ValueRule): number {
	if (rule.kind === 'choice') return old;
	const exclusive =
		rule.kind === 'number' && (edge === 'min' ? rule.minExclusive === true : rule.maxExclusive === true);
	const bound = edge === 'min' ? rule.min : rule.max;
	if (bound === undefined) return value;
	const beyond =
		edge === 'min'
			? value < bound || (exclusive && value <= bound)
			: value > bound || (exclusive && value >= bound);
	if (!beyond) return value;
	return exclusive ? (old + bound) / 2 : bound;
}

/**
 * The bound that widens `param` past `edge`: one decade on a log scale, one range width on a linear one,
 * kept inside the values the configuration key allows (and above 0 on a log scale, whole for integers).
 * Null when the key's limits leave no room.
 */
export function widenedBound(param: RangeParam, edge: 'min' | 'max'): number | null {
	const old = edge === 'min' ? param.min : param.max;
	let value: number;
	if (param.scale === 'log') value = edge === 'min' ? old / LOG_WIDEN_FACTOR : old * LOG_WIDEN_FACTOR;
	else {
		const width = (param.max - param.min) * LINEAR_WIDEN_WIDTHS;
		value = edge === 'min' ? old - width : old + width;
	}
	if (isConfigKey(param.name)) value = clipToRule(value, old, edge, configKeySpec(param.name).rule);
	if (param.type === 'int') {
		value = edge === 'min' ? Math.floor(value) : Math.ceil(value);
		if (param.scale === 'log' && value < 1) value = 1;
		if (isConfigKey(param.name)) {
			const rule = configKeySpec(param.name).rule;
			if (rule.kind !== 'choice' && edge === 'min' && rule.min !== undefined)
				value = Math.max(value, Math.ceil(rule.min));
			if (rule.kind !== 'choice' && edge === 'max' && rule.max !== undefined)
				value = Math.min(value, Math.floor(rule.max));
		}
	}
	value = tidy(value);
	if (param.scale === 'log' && !(value > 0)) return null;
	if (edge === 'min' ? !(value < old) : !(value > old)) return null;
	return value;
}

/** A draft with the `index`-th parameter's range widened past `edge`; undefined when it cannot widen. */
export function widenRange(
	study: Study,
	index: number,
	edge: 'min' | 'max',
	reason: string
): NextStudySuggestion | undefined {
	const param = study.params[index];
	if (!param || !isRangeParam(param)) return undefined;
	const bound = widenedBound(param, edge);
	if (bound === null) return undefined;
	const range = edge === 'min' ? `[${bound}, ${param.max}]` : `[${param.min}, ${bound}]`;
	return draftNextStudy(study, {
		suffix: `wider ${param.name}`,
		change: `search ${param.name} over ${range} instead of [${param.min}, ${param.max}]`,
		reason,
		plan:
			`This study widens the ${edge === 'min' ? 'lower' : 'upper'} end of ${param.name}'s range to ${bound}, ` +
			'to see whether the best value lies beyond the old edge; the rest of the study is unchanged.',
		edit(draft) {
			const target = draft.params[index] as RangeParam;
			if (edge === 'min') target.min = bound;
			else target.max = bound;
		}
	});
}

function withoutFixed(fixed: FixedConfig, key: string): FixedConfig {
	const copy = { ...fixed } as Record<string, unknown>;
	delete copy[key];
	return copy as FixedConfig;
}

/** A draft that also searches the first regulariser the study neither searches nor lacks a model for. */
export function addRegularisation(study: Study, reason: string): NextStudySuggestion | undefined {
	const searched = new Set(study.params.map((p) => p.name));
	for (const candidate of REGULARISERS) {
		if (searched.has(candidate.name) || !isConfigKey(candidate.name)) continue;
		if (!modelReads(study.workload.model, candidate.name)) continue;
		const draft = draftNextStudy(study, {
			suffix: `with ${candidate.name}`,
			change: `also search ${candidate.name} over [${candidate.min}, ${candidate.max}] (${candidate.scale})`,
			reason,
			plan:
				`This study adds ${candidate.name} as a nuisance parameter, so that the comparison is made between ` +
				'well-regularised trials; the rest of the study is unchanged.',
			edit(d) {
				d.fixed = withoutFixed(d.fixed, candidate.name);
				d.params = [...d.params, { ...candidate }];
			}
		});
		if (draft) return draft;
	}
	return undefined;
}

/** A draft with maxTrainSteps multiplied by `factor` (evaluation and checkpoint spacing kept inside it). */
export function scaleTrainSteps(
	study: Study,
	factor: number,
	reason: string
): NextStudySuggestion | undefined {
	const steps = Math.max(1, Math.round(study.budget.maxTrainSteps * factor));
	if (steps === study.budget.maxTrainSteps) return undefined;
	const longer = steps > study.budget.maxTrainSteps;
	return draftNextStudy(study, {
		suffix: longer ? `${steps} steps` : `only ${steps} steps`,
		change: `maxTrainSteps ${steps} instead of ${study.budget.maxTrainSteps}`,
		reason,
		plan: longer
			? `This study trains every trial for ${steps} steps instead of ${study.budget.maxTrainSteps}; the rest is unchanged, so the two studies compare directly.`
			: `This study trains every trial for ${steps} steps instead of ${study.budget.maxTrainSteps}, saving compute for more trials; the rest is unchanged.`,
		edit(draft) {
			draft.budget = {
				...draft.budget,
				maxTrainSteps: steps,
				evalEvery: Math.min(draft.budget.evalEvery, steps),
				checkpointEvery: Math.min(draft.budget.checkpointEvery, steps)
			};
		}
	});
}

/** A draft that searches warmupSteps (1%–10% of the run, log scale); undefined when it is searched already. */
export function addWarmup(study: Study, reason: string): NextStudySuggestion | undefined {
	if (study.params.some((p) => p.name === 'warmupSteps')) return undefined;
	const steps = study.budget.maxTrainSteps;
	const min = Math.max(1, Math.round(steps * WARMUP_MIN_SHARE));
	const max = Math.max(min + 1, Math.round(steps * WARMUP_MAX_SHARE));
	if (max >= steps) return undefined;
	return draftNextStudy(study, {
		suffix: 'with warmup',
		change: `search warmupSteps over [${min}, ${max}] (log scale)`,
		reason,
		plan:
			`This study ramps the learning rate up over a searched warmup of ${min} to ${max} steps, which often ` +
			'lets higher learning rates train stably; the rest of the study is unchanged.',
		edit(draft) {
			draft.fixed = withoutFixed(draft.fixed, 'warmupSteps');
			draft.params = [
				...draft.params,
				{ name: 'warmupSteps', role: 'nuisance', type: 'int', min, max, scale: 'log' }
			];
		}
	});
}

/**
 * A draft whose parameter entries at `indices` (learning-rate ranges) end at the given new maxima.
 * Entries whose new maximum would not lie inside their range are left out; undefined when none is left.
 */
export function lowerRangeMax(
	study: Study,
	limits: readonly { index: number; max: number }[],
	reason: string
): NextStudySuggestion | undefined {
	const valid = limits
		.map((l) => ({ ...l, max: tidy(l.max) }))
		.filter(({ index, max }) => {
			const p = study.params[index];
			return p !== undefined && isRangeParam(p) && max > p.min && max < p.max;
		});
	if (valid.length === 0) return undefined;
	const names = [...new Set(valid.map(({ index }) => study.params[index]!.name))].join(', ');
	const changes = valid.map(({ index, max }) => {
		const p = study.params[index] as RangeParam;
		return `${p.name} up to ${max} instead of ${p.max}`;
	});
	return draftNextStudy(study, {
		suffix: `lower ${names} max`,
		change: changes.join('; '),
		reason,
		plan: `This study ends the range of ${names} lower, so fewer trials are spent where training breaks down; the rest is unchanged.`,
		edit(draft) {
			for (const { index, max } of valid) (draft.params[index] as RangeParam).max = max;
		}
	});
}
