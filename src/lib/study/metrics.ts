// Metric rows as they flow from the trial loop to storage, charts and exported files.
// Columnar (one array per metric) so thousands of steps stay compact. Their types come from the
// study file's schema (study-schema.ts), which documents each column.
import type { EvalRow, MetricBatch, TrainRows } from './study-schema';

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

export interface TrialSummary {
	bestValLoss: number;
	bestValLossStep: number;
	bestValAccuracy: number;
	finalValLoss: number;
	finalValAccuracy: number;
}

/** Best and final validation numbers, or null before the first evaluation. */
export function summarize(evals: EvalRow[]): TrialSummary | null {
	if (evals.length === 0) return null;
	let best = evals[0]!;
	let bestAccuracy = -Infinity;
	for (const row of evals) {
		if (row.valLoss < best.valLoss || !Number.isFinite(best.valLoss)) best = row;
		bestAccuracy = Math.max(bestAccuracy, row.valAccuracy);
	}
	const last = evals[evals.length - 1]!;
	return {
		bestValLoss: best.valLoss,
		bestValLossStep: best.step,
		bestValAccuracy: bestAccuracy,
		finalValLoss: last.valLoss,
		finalValAccuracy: last.valAccuracy
	};
}

/**
 * The summary after more evaluations arrive, from the previous summary alone (no need to re-read
 * every earlier evaluation): best values can only improve, and the final one is the newest.
 */
export function extendSummary(previous: TrialSummary | null, evals: EvalRow[]): TrialSummary | null {
	const fresh = summarize(evals);
	if (!previous || !fresh) return fresh ?? previous;
	const newBest = fresh.bestValLoss < previous.bestValLoss || !Number.isFinite(previous.bestValLoss);
	return {
		bestValLoss: newBest ? fresh.bestValLoss : previous.bestValLoss,
		bestValLossStep: newBest ? fresh.bestValLossStep : previous.bestValLossStep,
		bestValAccuracy: Math.max(previous.bestValAccuracy, fresh.bestValAccuracy),
		finalValLoss: fresh.finalValLoss,
		finalValAccuracy: fresh.finalValAccuracy
	};
}
