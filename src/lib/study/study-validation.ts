// Strict validation of a study file (already parsed from JSON) into the `Study` model, in two passes:
// the shape of every key against the one schema (study-schema.ts), then the rules that span several
// keys (semantics.ts) on each section whose shape is right. Every problem is reported with the JSON
// path it concerns and what was expected there; unknown keys are named along with the valid ones.
// Values quoted back from the file are cut short (see json-path.ts). Problems come section by
// section, in the order of the file's documentation.

import * as v from 'valibot';
import { describeValue, isPlainObject, jsonPath, quote, type PathSegment } from './json-path';
import {
	Problems,
	checkBranchPoints,
	checkBranchCondition,
	checkColumnLengths,
	checkScalingLaw,
	checkObjective,
	checkParam,
	checkParamsTogether,
	checkSearch,
	checkTrialParams,
	checkTrialIndex,
	checkWorkload
} from './semantics';
import type { ParamValue } from '../math/search-space';
import type { Study, StudyParam } from './study';
import {
	SCHEMA_DEFINITIONS,
	STUDY_FORMAT,
	STUDY_SECTIONS,
	STUDY_VERSION,
	StudyFileSchema
} from './study-schema';

export { MAX_BRANCHES } from './semantics';
export { TOP_LEVEL_KEYS } from './study-schema';

export interface StudyError {
	/** Where the problem is, e.g. `$.params[2].scale`. */
	path: string;
	message: string;
}

export type StudyValidation = { ok: true; study: Study } | { ok: false; errors: StudyError[] };

/** Errors reported at most; a last entry says how many more there were. */
export const MAX_ERRORS = 50;

/** The order in which sections report their problems; unknown top-level keys come after version. */
const SECTION_ORDER = [
	'format',
	'version',
	'',
	'name',
	'goal',
	'notes',
	'conclusion',
	'changedBaseline',
	'workload',
	'budget',
	'objective',
	'fixed',
	'search',
	'params',
	'trials',
	'cooldownBranches',
	'scalingLaw'
] as const satisfies readonly ('' | keyof typeof STUDY_SECTIONS)[];
type Section = (typeof SECTION_ORDER)[number];

/** One shape problem, with the section and (for params and trials) the item it sits in. */
interface ShapeProblem {
	section: Section;
	item?: number;
	path: string;
	message: string;
}

function shapeProblems(issues: readonly v.BaseIssue<unknown>[]): ShapeProblem[] {
	return issues.map((issue) => {
		const keys = (issue.path ?? []).map((item) => item.key as string | number);
		const top = keys[0];
		const section = SECTION_ORDER.find((name) => name !== '' && name === top) ?? '';
		const item = typeof keys[1] === 'number' ? keys[1] : undefined;
		return { section, item, path: jsonPath(keys), message: issue.message };
	});
}

/** The typed value of a section or item whose shape is right; undefined when it has problems. */
function typed<S extends v.GenericSchema>(
	schema: S,
	value: unknown,
	clean: boolean
): v.InferOutput<S> | undefined {
	if (!clean) return undefined;
	const result = v.safeParse(schema, value);
	return result.success ? result.output : undefined;
}

/**
 * The parsed value with the keys of every object in the order the file wrote them, as a file read and
 * written again keeps them (the schema's output follows its own order). Keys the file left out (a
 * default) come last.
 */
function inInputOrder<T>(output: T, input: unknown): T {
	if (Array.isArray(output) && Array.isArray(input)) {
		const first: unknown = output[0];
		if (typeof first !== 'object' || first === null) return output;
		return output.map((item: unknown, i) => inInputOrder(item, input[i])) as T;
	}
	if (!isPlainObject(output) || !isPlainObject(input)) return output;
	const ordered: Record<string, unknown> = {};
	for (const key of Object.keys(input)) {
		if (Object.hasOwn(output, key)) ordered[key] = inInputOrder(output[key], input[key]);
	}
	for (const key of Object.keys(output)) if (!Object.hasOwn(ordered, key)) ordered[key] = output[key];
	return ordered as T;
}

/** Null metric values (files cannot hold NaN or infinity) read as NaN, in the parsed copy. */
function readNulls(result: { metrics?: unknown; best?: unknown; checkpointAverage?: unknown }): void {
	const metrics = result.metrics as { train: Record<string, unknown[]>; evals: Record<string, unknown>[] };
	for (const column of Object.values(metrics?.train ?? {})) {
		for (let i = 0; i < column.length; i++) if (column[i] === null) column[i] = Number.NaN;
	}
	for (const row of metrics?.evals ?? []) {
		for (const key of Object.keys(row)) if (row[key] === null) row[key] = Number.NaN;
	}
	const best = result.best as { value: unknown } | undefined;
	if (best?.value === null) best.value = Number.NaN;
	const average = result.checkpointAverage as Record<'valLoss' | 'valAccuracy', unknown> | undefined;
	if (average?.valLoss === null) average.valLoss = Number.NaN;
	if (average?.valAccuracy === null) average.valAccuracy = Number.NaN;
}

/**
 * Keys JavaScript gives a meaning of their own. JSON.parse keeps them as ordinary keys, but the schema
 * library skips them (so that no check can be tricked into touching an object's prototype), which would
 * let a file's `when: { "__proto__": … }` vanish and make a conditional parameter unconditional. No
 * study file key is ever one of them, so each is refused where it stands.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reports every reserved key anywhere in the file, by its path. */
function checkReservedKeys(problems: Problems, value: unknown, path: PathSegment[] = []): void {
	if (Array.isArray(value)) {
		value.forEach((item: unknown, i) => {
			if (typeof item === 'object' && item !== null) checkReservedKeys(problems, item, [...path, i]);
		});
		return;
	}
	if (!isPlainObject(value)) return;
	for (const key of Object.keys(value)) {
		const at = [...path, key];
		if (RESERVED_KEYS.has(key)) {
			// A condition names a parent parameter; elsewhere a reserved name is an unknown key.
			const inCondition = path.length === 3 && path[0] === 'params' && path[2] === 'when';
			problems.add(
				jsonPath(at),
				inCondition
					? `${quote(key)} is not a parameter of this study; when may only refer to categorical, bool or discrete parameters`
					: `unknown key ${quote(key)}: no key of a study file has that name`
			);
			continue;
		}
		const child = value[key];
		if (typeof child === 'object' && child !== null) checkReservedKeys(problems, child, at);
	}
}

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
	const format = Object.hasOwn(input, 'format') ? input.format : undefined;
	if (format !== undefined && format !== STUDY_FORMAT) {
		problems.add(
			'$.format',
			`expected "${STUDY_FORMAT}", got ${describeValue(format)}: this is not a Tuning Lab study file`
		);
		return finish(problems);
	}
	const version = Object.hasOwn(input, 'version') ? input.version : undefined;
	if (typeof version === 'number' && Number.isInteger(version) && version > STUDY_VERSION) {
		problems.add(
			'$.version',
			`this file comes from a newer Tuning Lab (study format version ${version}); this version reads ` +
				`format version ${STUDY_VERSION}. Update Tuning Lab to open it`
		);
		return finish(problems);
	}

	checkReservedKeys(problems, input);

	// A pipe stops at its first failing check: "-1.5" is reported once, not as fraction and as negative.
	const parsed = v.safeParse(StudyFileSchema, input, { abortPipeEarly: true });
	// Shape problems by section and item, and the sections that have any.
	const groups = new Map<string, ShapeProblem[]>();
	const dirty = new Set<Section>();
	const groupKey = (section: Section, item?: number) => `${section}/${item ?? ''}`;
	for (const p of shapeProblems(parsed.issues ?? [])) {
		const key = groupKey(p.section, p.item);
		const group = groups.get(key);
		if (group) group.push(p);
		else groups.set(key, [p]);
		dirty.add(p.section);
	}
	const clean = (section: Section, item?: number) =>
		item === undefined ? !dirty.has(section) : !groups.has(groupKey(section, item));
	const report = (section: Section, item?: number) => {
		for (const p of groups.get(groupKey(section, item)) ?? []) problems.add(p.path, p.message);
	};
	// Sections whose shape is right but break a rule of their own; the later checks leave them out.
	const invalid = new Set<Section>();
	const section = <K extends keyof typeof STUDY_SECTIONS>(key: K) =>
		typed(STUDY_SECTIONS[key], input[key], clean(key) && !invalid.has(key));

	/** The study's parameters once every one of them is valid; recorded trials are checked against them. */
	let searched: StudyParam[] | undefined;
	for (const name of SECTION_ORDER) {
		if (name === 'params' && Array.isArray(input.params)) {
			report(name);
			const params = input.params.map((raw: unknown, i) => {
				report(name, i);
				const param = typed(SCHEMA_DEFINITIONS.param, raw, clean(name, i)) as StudyParam | undefined;
				return param !== undefined && checkParam(problems, param, `$.params[${i}]`) ? param : undefined;
			});
			const fixed = section('fixed');
			if (params.every((param) => param !== undefined)) searched = params as StudyParam[];
			if (params.every((param) => param !== undefined) && fixed !== undefined) {
				const [budget, search, workload] = [section('budget'), section('search'), section('workload')];
				checkParamsTogether(problems, { params: params as StudyParam[], fixed, budget, search, workload });
			}
			continue;
		}
		if (name === 'trials' && Array.isArray(input.trials)) {
			report(name);
			const seen = new Map<number, number>();
			input.trials.forEach((trial: unknown, j) => {
				report(name, j);
				checkTrialIndex(problems, trial, j, seen);
				const record = isPlainObject(trial) ? trial : {};
				if (searched !== undefined && clean(name, j) && isPlainObject(record.params)) {
					checkTrialParams(
						problems,
						searched,
						record.params as Record<string, ParamValue>,
						`$.trials[${j}].params`
					);
				}
				checkColumnLengths(problems, record.metrics, `$.trials[${j}].metrics`);
				const branches = Array.isArray(record.branches) ? (record.branches as unknown[]) : [];
				branches.forEach((b, k) => {
					if (isPlainObject(b))
						checkColumnLengths(problems, b.metrics, `$.trials[${j}].branches[${k}].metrics`);
				});
			});
			continue;
		}
		report(name);
		if (name === 'workload') {
			const workload = section('workload');
			if (workload !== undefined && !checkWorkload(problems, workload)) invalid.add('workload');
		} else if (name === 'objective') {
			const objective = section('objective');
			if (objective !== undefined) checkObjective(problems, objective);
		} else if (name === 'search') {
			const search = section('search');
			if (search !== undefined && !checkSearch(problems, search, section('budget'))) invalid.add('search');
		} else if (name === 'cooldownBranches') {
			checkBranchPoints(problems, input.cooldownBranches);
			if (searched !== undefined) checkBranchCondition(problems, input.cooldownBranches, searched);
		} else if (name === 'scalingLaw') {
			checkScalingLaw(problems, input.scalingLaw, input.params);
		}
	}
	if (problems.count > 0 || !parsed.success) return finish(problems);
	const { format: _format, version: _version, ...study } = inInputOrder(parsed.output, input);
	for (const trial of study.trials) {
		readNulls(trial);
		for (const branch of trial.branches ?? []) readNulls(branch);
	}
	return { ok: true, study: study as Study };
}
