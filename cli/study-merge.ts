// Merging study files that hold the results of one study, such as the shards written by
// `tuning-lab run --shard I/N`. No input or output here: the files arrive parsed and validated, and
// the merged study comes back for serializeStudy to write.
//
// Two files describe the same study when everything but `trials` is identical. "Identical" is judged
// on canonical JSON (object keys sorted, numbers as JSON writes them), so neither the order of keys
// in a file nor the way a number is spelled (1e-3 or 0.001) matters, while every value does. The
// trials of all files are then unioned and sorted by index; a trial index present in several files
// must hold the very same record in each.

import { toStudyFile } from '../src/lib/study/study-file';
import { planTrials } from '../src/lib/study/study-trials';
import { TRIAL_STATUSES, type Study, type TrialRecord } from '../src/lib/study/study';
import type { TrialStatus } from '../src/lib/study/metrics';
import { isPlainObject } from '../src/lib/util/plain-object';

/** One input: a name to use in messages (its path) and the study it holds. */
export interface MergeSource {
	label: string;
	study: Study;
}

export type MergeResult = { ok: true; study: Study } | { ok: false; errors: string[] };

/** At most this many differing keys are named in one message. */
const MAX_KEYS_NAMED = 8;

/**
 * JSON text of a value with the keys of every object sorted, so that equal data gives equal text
 * whatever order it was built in. Like JSON.stringify, it drops undefined properties and writes
 * non-finite numbers as null, which is how a study file stores them.
 */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
	if (isPlainObject(value)) {
		const entries = Object.keys(value)
			.filter((key) => value[key] !== undefined)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** Everything that defines the study, as its file writes it: all the top-level keys but `trials`. */
export function studyDefinition(study: Study): Record<string, unknown> {
	const { trials: _trials, ...definition } = toStudyFile(study);
	return definition;
}

/**
 * Where two objects differ: the paths of the differing values, going down through nested objects
 * (`search.seed`, `metrics.train.loss`) but not into lists, which are named as a whole (`params`).
 * Paths come in the order of the keys of `a`, then those only `b` has.
 */
export function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
	const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
	const differing: string[] = [];
	for (const key of keys) {
		const left = a[key];
		const right = b[key];
		if (canonicalJson(left) === canonicalJson(right)) continue;
		if (isPlainObject(left) && isPlainObject(right)) {
			differing.push(...differingKeys(left, right).map((child) => `${key}.${child}`));
		} else {
			differing.push(key);
		}
	}
	return differing;
}

function nameKeys(keys: readonly string[]): string {
	if (keys.length <= MAX_KEYS_NAMED) return keys.join(', ');
	return `${keys.slice(0, MAX_KEYS_NAMED).join(', ')} and ${keys.length - MAX_KEYS_NAMED} more`;
}

/**
 * Merges the trials of studies that share one definition. The result is the first source's study
 * with every trial of every source, sorted by index. Fails, naming the files and keys, when a source
 * describes another study or when two sources hold different records for one trial index.
 */
export function mergeStudies(sources: readonly MergeSource[]): MergeResult {
	const [first] = sources;
	if (first === undefined) return { ok: false, errors: ['nothing to merge: no study files given'] };
	const errors: string[] = [];
	const reference = studyDefinition(first.study);
	const referenceText = canonicalJson(reference);
	for (const source of sources.slice(1)) {
		const definition = studyDefinition(source.study);
		if (canonicalJson(definition) === referenceText) continue;
		errors.push(
			`${source.label}: not the same study as ${first.label}; they differ in ` +
				`${nameKeys(differingKeys(reference, definition))} (only trials may differ)`
		);
	}
	if (errors.length > 0) return { ok: false, errors };

	// Each trial index keeps the first record seen; every later record of it must be identical.
	const byIndex = new Map<number, { trial: TrialRecord; label: string; text: string }>();
	for (const source of sources) {
		for (const trial of source.study.trials) {
			const text = canonicalJson(trial);
			const earlier = byIndex.get(trial.index);
			if (earlier === undefined) {
				byIndex.set(trial.index, { trial, label: source.label, text });
			} else if (earlier.text !== text) {
				const keys = differingKeys(
					earlier.trial as unknown as Record<string, unknown>,
					trial as unknown as Record<string, unknown>
				);
				errors.push(
					`trial ${trial.index}: ${earlier.label} and ${source.label} hold different records for it ` +
						`(they differ in ${nameKeys(keys)})`
				);
			}
		}
	}
	if (errors.length > 0) return { ok: false, errors };
	const trials = [...byIndex.values()].map(({ trial }) => trial).sort((a, b) => a.index - b.index);
	return { ok: true, study: { ...first.study, trials } };
}

/**
 * Indices of the trials the study plans (see planTrials) that it holds no record of, in order: after
 * merging shards, the trials of a shard that is still missing.
 */
export function missingTrialIndices(study: Study): number[] {
	const present = new Set(study.trials.map((trial) => trial.index));
	return planTrials(study)
		.map((trial) => trial.index)
		.filter((index) => !present.has(index));
}

/** How many trials have each status, outcomes first, leaving out the statuses no trial has. */
export function countStatuses(trials: readonly Pick<TrialRecord, 'status'>[]): Map<TrialStatus, number> {
	const outcomes: TrialStatus[] = ['completed', 'infeasible', 'failed', 'cancelled'];
	const order = [...outcomes, ...TRIAL_STATUSES.filter((status) => !outcomes.includes(status))];
	const counts = new Map<TrialStatus, number>();
	for (const status of order) {
		const count = trials.filter((trial) => trial.status === status).length;
		if (count > 0) counts.set(status, count);
	}
	return counts;
}

/** "6 trials: 4 completed, 2 infeasible" (or "0 trials"). */
export function describeStatuses(trials: readonly Pick<TrialRecord, 'status'>[]): string {
	const parts = [...countStatuses(trials)].map(([status, count]) => `${count} ${status}`);
	const total = `${trials.length} trial${trials.length === 1 ? '' : 's'}`;
	return parts.length === 0 ? total : `${total}: ${parts.join(', ')}`;
}
