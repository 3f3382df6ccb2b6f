// The metrics a trial (or every trial of a study) logged, as CSV (RFC 4180, the quoting of
// trial-csv.ts): one row per trial and step, the training columns under their stored names (loss in
// nats, learning rate, gradient norm before clipping, clipped 0/1) and every evaluation metric logged at
// that step (valLoss, valAccuracy, the EMA/SWA variants…), empty where a step has none. Pure.
import type { MetricBatch } from '$lib/study/metrics';
import { TRAIN_COLUMNS } from '$lib/study/study-schema';
import { csvField } from './trial-csv';

export interface TrialMetrics {
	/** The trial's index in its study (a cooldown branch carries its parent's index and `branch`). */
	index: number;
	/** For a cooldown branch: the step it left its parent at. */
	branchFrom?: number;
	metrics: MetricBatch;
}

/** Evaluation columns the lab knows, in this order; others a file carried follow, sorted by name. */
const EVAL_ORDER = [
	'valLoss',
	'valAccuracy',
	'trainLoss',
	'emaValLoss',
	'emaValAccuracy',
	'swaValLoss',
	'swaValAccuracy',
	'valBitsPerChar'
];

/** CSV of the trials' metrics, trials in the order given, each trial's rows by step. */
export function metricsCsv(trials: readonly TrialMetrics[]): string {
	const evalKeys = new Set<string>();
	for (const t of trials)
		for (const e of t.metrics.evals) for (const k of Object.keys(e)) if (k !== 'step') evalKeys.add(k);
	const evalColumns = [
		...EVAL_ORDER.filter((k) => evalKeys.has(k)),
		...[...evalKeys].filter((k) => !EVAL_ORDER.includes(k)).sort()
	];
	const trainColumns = TRAIN_COLUMNS.filter((c) => c !== 'step');
	const hasBranches = trials.some((t) => t.branchFrom !== undefined);
	const header = [
		'trial',
		...(hasBranches ? ['branch from step'] : []),
		'step',
		...trainColumns,
		...evalColumns
	];
	const lines: (string | number | undefined)[][] = [];
	for (const t of trials) {
		const train = t.metrics.train;
		const trainAt = new Map<number, number>();
		train.step.forEach((s, i) => trainAt.set(s, i));
		const evalAt = new Map<number, Record<string, number>>();
		for (const e of t.metrics.evals) evalAt.set(e.step, e as unknown as Record<string, number>);
		const steps = [...new Set([...train.step, ...evalAt.keys()])].sort((a, b) => a - b);
		for (const step of steps) {
			const i = trainAt.get(step);
			const e = evalAt.get(step);
			lines.push([
				t.index,
				...(hasBranches ? [t.branchFrom] : []),
				step,
				...trainColumns.map((c) => (i === undefined ? undefined : train[c][i])),
				...evalColumns.map((c) => e?.[c])
			]);
		}
	}
	return [header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}
