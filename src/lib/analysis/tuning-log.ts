// The incremental tuning log: every study of the project in the order it was run, what it set out
// to find, its best validation result, what it concluded and whether it moved the baseline. The
// columns follow the playbook's advice on tracking experiments (study name, a short description,
// trials run, the best checkpoint's validation result, how to reproduce) — section "Setting up
// experiment tracking". Pure: no DOM, no IndexedDB.
import type { BaselineEntry, StudyRecord, StudyStatus, TrialRecord } from '$lib/storage/schema';
import type { FixedConfig, ObjectiveGoal, ObjectiveMetric } from '$lib/study/study';
import type { TrialConfig } from '$lib/study/trial-config';
import { CONFIG_KEYS } from '$lib/study/config-vocabulary';
import { bestInSummary } from '$lib/study/metrics';
import { formatNumber } from '$lib/util/number-format';

export interface StudyBest {
	value: number;
	/** The study trial that reached it. */
	trialIndex: number;
	/** The step it was reached at, where the summary knows it. */
	step?: number;
}

export interface ExperimentRow {
	studyId: string;
	name: string;
	/** What the study set out to find (its goal), the "short description" column. */
	goal: string;
	notes: string;
	status: StudyStatus;
	imported: boolean;
	createdAt: number;
	/**
	 * When a finished study's last trial stopped training (the latest end of any trial run), ms since the
	 * epoch; absent while it runs, or when its trials were stored before run times were (schema v6).
	 */
	finishedAt?: number;
	/** Trials that ran to their budget, and all trials the study planned (branches left out). */
	completed: number;
	total: number;
	metric: ObjectiveMetric;
	direction: ObjectiveGoal;
	/** Best value of the objective over training across the study's trials; null before any. */
	best: StudyBest | null;
	conclusion: string;
	changedBaseline: boolean;
	concludedAt?: number;
}

/** A trial's best value over training from its stored summary (no metric rows needed); null if none. */
export function summaryBest(
	trial: TrialRecord,
	metric: ObjectiveMetric
): { value: number; step?: number } | null {
	return bestInSummary(trial.summary, metric) ?? null;
}

/**
 * The best over the study's trials. Infeasible and failed trials are left out: divergence is an
 * outcome of its own, not a good or bad value. Trials stopped early by successive halving are left out
 * too: they trained only to a rung, so they are never the best. `valueOf` may supply a trial's value (for objectives
 * the summary does not hold, such as the training loss); it falls back to the summary.
 */
export function studyBest(
	trials: readonly TrialRecord[],
	metric: ObjectiveMetric,
	direction: ObjectiveGoal,
	valueOf?: (trial: TrialRecord) => { value: number; step?: number } | null
): StudyBest | null {
	let best: StudyBest | null = null;
	for (const trial of trials) {
		if (trial.branch || trial.status === 'infeasible' || trial.status === 'failed') continue;
		if (trial.status === 'stopped') continue;
		const found = valueOf?.(trial) ?? summaryBest(trial, metric);
		if (!found || !Number.isFinite(found.value)) continue;
		const better =
			best === null || (direction === 'minimize' ? found.value < best.value : found.value > best.value);
		if (better) best = { value: found.value, trialIndex: trial.index ?? 0, step: found.step };
	}
	return best;
}

/** The latest end of any run of these trials (branches included: they train too); undefined if none ended. */
export function lastRunEnd(trials: readonly TrialRecord[]): number | undefined {
	let last: number | undefined;
	for (const trial of trials) {
		for (const run of trial.runs ?? []) {
			if (run.endedAt !== undefined && (last === undefined || run.endedAt > last)) last = run.endedAt;
		}
	}
	return last;
}

/** One row per study, oldest first (the order the studies were run in). */
export function buildTuningLog(
	studies: readonly StudyRecord[],
	trialsOf: (studyId: string) => readonly TrialRecord[],
	valueOf?: (trial: TrialRecord) => { value: number; step?: number } | null
): ExperimentRow[] {
	return [...studies]
		.sort((a, b) => a.createdAt - b.createdAt)
		.map((study) => {
			const trials = trialsOf(study.id).filter((t) => !t.branch);
			const { metric, goal } = study.definition.objective;
			const row: ExperimentRow = {
				studyId: study.id,
				name: study.definition.name,
				goal: study.definition.goal,
				notes: study.definition.notes ?? '',
				status: study.status,
				imported: study.imported,
				createdAt: study.createdAt,
				completed: trials.filter((t) => t.status === 'completed').length,
				total: trials.length,
				metric,
				direction: goal,
				best: studyBest(trials, metric, goal, valueOf),
				conclusion: study.conclusion ?? '',
				changedBaseline: study.changedBaseline ?? false
			};
			if (study.concludedAt !== undefined) row.concludedAt = study.concludedAt;
			const finishedAt = study.status === 'finished' ? lastRunEnd(trialsOf(study.id)) : undefined;
			if (finishedAt !== undefined) row.finishedAt = finishedAt;
			return row;
		});
}

/**
 * The keys of a trial's configuration that a study can fix, as the baseline keeps them: the workload
 * (dataset, model) and budget (steps) live elsewhere, and unset optional keys are left out.
 */
export function fixedKeysOf(config: TrialConfig): FixedConfig {
	const fixed: Record<string, unknown> = {};
	for (const key of CONFIG_KEYS) if (config[key] !== undefined) fixed[key] = config[key];
	return fixed as FixedConfig;
}

/** A number for the table: four significant digits, or a dash. */
export function formatValue(value: number | undefined | null): string {
	if (value === undefined || value === null || !Number.isFinite(value)) return '—';
	return formatNumber(value);
}

export interface ConfigChange {
	key: string;
	before: unknown;
	after: unknown;
}

/** The keys whose value differs between two baselines, in the vocabulary's order. */
export function configChanges(before: FixedConfig, after: FixedConfig): ConfigChange[] {
	const changes: ConfigChange[] = [];
	for (const key of CONFIG_KEYS) {
		if (before[key] !== after[key]) changes.push({ key, before: before[key], after: after[key] });
	}
	return changes;
}

/** The baseline ("launched" configuration) entry that makes this trial's configuration the project's. */
export function baselineFromTrial(study: StudyRecord, trial: TrialRecord, now = Date.now()): BaselineEntry {
	return {
		config: fixedKeysOf(trial.config),
		workload: { dataset: trial.config.dataset, model: trial.config.model },
		fromStudyId: study.id,
		fromTrialIndex: trial.index ?? 0,
		setAt: now
	};
}
