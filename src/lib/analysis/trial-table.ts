// Sorting and filtering the study's trial table. Pure, so the rules are testable without a page.
import type { TrialRecord } from '$lib/storage/schema';
import { bestInSummary, type TrialStatus } from '$lib/study/metrics';
import { METRIC_GOALS } from '$lib/study/objective';
import type { ObjectiveGoal, ObjectiveMetric } from '$lib/study/study';
import { bestCheckpoint } from '$lib/math/checkpoint-retention';

export interface TableRow {
	id: string;
	index: number;
	params: Record<string, string | number | boolean>;
	status: TrialStatus;
	reason?: string;
	/**
	 * Best value of the study's objective over its evaluations (objective.ts), and the step where it was
	 * reached: what retrospective checkpoint selection ranks.
	 */
	best?: number;
	bestStep?: number;
	backend?: string;
	/** The engine it trained on (tfjs or jax); records from before there were two engines trained on tfjs. */
	engine?: string;
	/** The batch its latest run trained in (trials with the same id trained together); absent when alone. */
	batchId?: string;
	/** The best saved checkpoint by the objective: what retrospective selection would pick. */
	bestCheckpointStep?: number;
	bestCheckpointValue?: number;
	lastStep: number;
	maxTrainSteps: number;
	/** Training steps per second as the trial measured them (evaluations left out), when it has. */
	stepsPerSecond?: number;
	/** Time spent training, ms: the sum of its runs (an open run counts up to the last stored update). */
	durationMs?: number;
}

/** Milliseconds a trial has trained: its runs summed; undefined when nothing recorded when it ran. */
export function trainingDuration(trial: Pick<TrialRecord, 'runs' | 'updatedAt'>): number | undefined {
	const runs = trial.runs ?? [];
	if (runs.length === 0) return undefined;
	return runs.reduce((sum, run) => sum + Math.max(0, (run.endedAt ?? trial.updatedAt) - run.startedAt), 0);
}

/** A duration as people read it: "850 ms", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export type SortKey = 'index' | 'status' | 'best' | 'bestStep' | 'bestCheckpointStep' | `param:${string}`;

export interface TableQuery {
	sortKey: SortKey;
	descending: boolean;
	status: TrialStatus | 'all';
	/** Case-insensitive text matched against parameter values and the reason. */
	text: string;
}

export function toRow(
	trial: TrialRecord,
	objective: ObjectiveMetric,
	goal: ObjectiveGoal = METRIC_GOALS[objective]
): TableRow {
	const checkpoint = bestCheckpoint(trial.checkpoints ?? [], goal);
	// Infeasible trials are not ranked by the objective: the playbook treats divergence as its own
	// outcome, not as a bad value (their numbers stay in the curves and the export).
	const best = trial.status === 'infeasible' ? undefined : bestInSummary(trial.summary, objective);
	return {
		id: trial.id,
		index: trial.index ?? 0,
		params: trial.params ?? {},
		status: trial.status,
		reason: trial.reason,
		best: best?.value,
		bestStep: best?.step,
		backend: trial.backend?.backend,
		engine: trial.backend ? (trial.backend.engine ?? 'tfjs') : undefined,
		batchId: trial.batchId,
		bestCheckpointStep: checkpoint?.step,
		bestCheckpointValue: checkpoint?.value,
		lastStep: trial.lastStep,
		maxTrainSteps: trial.config.maxTrainSteps,
		stepsPerSecond: trial.throughput?.stepsPerSecond,
		durationMs: trainingDuration(trial)
	};
}

function sortValue(row: TableRow, key: SortKey): number | string | undefined {
	if (key.startsWith('param:')) {
		const v = row.params[key.slice('param:'.length)];
		return typeof v === 'boolean' ? String(v) : v;
	}
	return row[key as 'index' | 'status' | 'best' | 'bestStep' | 'bestCheckpointStep'];
}

/** Rows matching the query, sorted; rows without a value for the sort key always go last. */
export function queryRows(rows: readonly TableRow[], query: TableQuery): TableRow[] {
	const text = query.text.trim().toLowerCase();
	const matching = rows.filter((row) => {
		if (query.status !== 'all' && row.status !== query.status) return false;
		if (!text) return true;
		const haystack = [
			...Object.entries(row.params).map(([k, v]) => `${k}=${v}`),
			row.reason ?? '',
			row.status
		]
			.join(' ')
			.toLowerCase();
		return haystack.includes(text);
	});
	const direction = query.descending ? -1 : 1;
	return matching.sort((a, b) => {
		const va = sortValue(a, query.sortKey);
		const vb = sortValue(b, query.sortKey);
		const missingA = va === undefined || (typeof va === 'number' && Number.isNaN(va));
		const missingB = vb === undefined || (typeof vb === 'number' && Number.isNaN(vb));
		if (missingA || missingB) return missingA === missingB ? a.index - b.index : missingA ? 1 : -1;
		if (va === vb) return a.index - b.index;
		return (va! < vb! ? -1 : 1) * direction;
	});
}

/**
 * Names for the batches of the rows, as people read them: "batch 1", "batch 2", … numbered in the order
 * of each batch's lowest trial index, with how many of the rows share it. Rows trained alone have none.
 */
export function batchLabels(
	rows: readonly Pick<TableRow, 'index' | 'batchId'>[]
): Map<string, { label: string; size: number }> {
	const lowest = new Map<string, { index: number; size: number }>();
	for (const row of rows) {
		if (!row.batchId) continue;
		const seen = lowest.get(row.batchId);
		lowest.set(row.batchId, {
			index: Math.min(seen?.index ?? row.index, row.index),
			size: (seen?.size ?? 0) + 1
		});
	}
	const ordered = [...lowest.entries()].sort((a, b) => a[1].index - b[1].index);
	return new Map(ordered.map(([id, { size }], n) => [id, { label: `batch ${n + 1}`, size }]));
}
