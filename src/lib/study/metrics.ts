// Metric rows as they flow from the trial loop to storage, charts and exported files.
// Columnar (one array per metric) so thousands of steps stay compact. Their types come from the
// study file's schema (study-schema.ts), which documents each column.
import type { EvalRow, MetricBatch, ObjectiveMetric, TrainRows } from './study-schema';
import { OBJECTIVE_METRICS } from './study-schema';
import { bestPoint, METRIC_GOALS, objectiveValue, type ObjectivePoint } from './objective';

export type { EvalRow, MetricBatch, TrainRows, TrialStatus } from './study-schema';

export function emptyTrainRows(): TrainRows {
	return { step: [], loss: [], lr: [], gradNorm: [], clipped: [] };
}

export function appendBatch(target: MetricBatch, batch: MetricBatch): void {
	for (const key of Object.keys(target.train) as (keyof TrainRows)[]) {
		target.train[key].push(...batch.train[key]);
	}
	target.evals.push(...batch.evals);
}

/**
 * Best and final numbers of a trial, kept up to date as its evaluations arrive (so the trial table
 * need not read every metric row). The best of each objective metric is the one `objective.ts` defines.
 */
export interface TrialSummary {
	bestValLoss: number;
	bestValLossStep: number;
	bestValAccuracy: number;
	/** Step of the best validation accuracy (absent in records stored before it was kept). */
	bestValAccuracyStep?: number;
	/**
	 * Best `trainLoss` objective (the mean training loss since the previous evaluation, in nats) and its
	 * step (absent in records stored before it was kept).
	 */
	bestTrainLoss?: number;
	bestTrainLossStep?: number;
	finalValLoss: number;
	finalValAccuracy: number;
}

type SummaryKey = keyof TrialSummary;

/** Where the summary keeps the best value and step of each objective metric. */
const SUMMARY_FIELDS: Record<ObjectiveMetric, { value: SummaryKey; step: SummaryKey }> = {
	valLoss: { value: 'bestValLoss', step: 'bestValLossStep' },
	valAccuracy: { value: 'bestValAccuracy', step: 'bestValAccuracyStep' },
	trainLoss: { value: 'bestTrainLoss', step: 'bestTrainLossStep' }
};

function summaryPoint(summary: TrialSummary, metric: ObjectiveMetric): ObjectivePoint | undefined {
	const fields = SUMMARY_FIELDS[metric];
	const value = summary[fields.value];
	const step = summary[fields.step];
	if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
	// Records stored before a step was kept have none: the value still counts, at an unknown step.
	return { step: typeof step === 'number' ? step : Number.NaN, value };
}

function withBests(
	base: Pick<TrialSummary, 'finalValLoss' | 'finalValAccuracy'>,
	bestOf: (metric: ObjectiveMetric) => ObjectivePoint | undefined,
	fallbackStep: (metric: ObjectiveMetric) => number
): TrialSummary {
	const summary = { ...base } as TrialSummary;
	for (const metric of OBJECTIVE_METRICS) {
		const best = bestOf(metric);
		const fields = SUMMARY_FIELDS[metric];
		// Without a finite value the best is NaN (at the first evaluation's step, as before).
		(summary as unknown as Record<string, number>)[fields.value] = best?.value ?? Number.NaN;
		(summary as unknown as Record<string, number>)[fields.step] = best?.step ?? fallbackStep(metric);
	}
	return summary;
}

/** Best and final validation numbers, or null before the first evaluation. */
export function summarize(evals: EvalRow[]): TrialSummary | null {
	if (evals.length === 0) return null;
	const last = evals[evals.length - 1]!;
	return withBests(
		{ finalValLoss: last.valLoss, finalValAccuracy: last.valAccuracy },
		(metric) =>
			bestPoint(
				evals.map((row) => ({ step: row.step, value: objectiveValue(row, metric) })),
				METRIC_GOALS[metric]
			),
		() => evals[0]!.step
	);
}

/**
 * The summary after more evaluations arrive, from the previous summary alone (no need to re-read
 * every earlier evaluation): best values can only improve, and the final one is the newest.
 */
export function extendSummary(previous: TrialSummary | null, evals: EvalRow[]): TrialSummary | null {
	const fresh = summarize(evals);
	if (!previous || !fresh) return fresh ?? previous;
	return withBests(
		{ finalValLoss: fresh.finalValLoss, finalValAccuracy: fresh.finalValAccuracy },
		// The previous best comes first, so on a tie the earlier step stays.
		(metric) =>
			bestPoint(
				[summaryPoint(previous, metric), summaryPoint(fresh, metric)].filter(
					(p): p is ObjectivePoint => p !== undefined
				),
				METRIC_GOALS[metric]
			),
		(metric) => {
			const earlier = previous[SUMMARY_FIELDS[metric].step];
			return typeof earlier === 'number' ? earlier : fresh[SUMMARY_FIELDS[metric].step]!;
		}
	);
}

/** The best value of an objective metric in a trial's summary and its step (when the record kept it). */
export function bestInSummary(
	summary: TrialSummary | null | undefined,
	metric: ObjectiveMetric
): { value: number; step?: number } | undefined {
	if (!summary) return undefined;
	const fields = SUMMARY_FIELDS[metric];
	const value = summary[fields.value];
	if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
	const step = summary[fields.step];
	return typeof step === 'number' && Number.isFinite(step) ? { value, step } : { value };
}
