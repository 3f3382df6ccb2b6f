// Which number stands for a trial in the analysis plots and the checklist. Because quasi-random
// sampling is non-adaptive, the objective can be chosen after the fact (playbook: "Why use
// quasi-random search instead of more sophisticated black box optimization algorithms during the
// exploration phase?"): the best validation value over training by default, or the final value, the
// training loss, or any logged evaluation metric. Pure: no DOM, no tfjs.
import type { MetricBatch } from '../study/metrics';
import type { Study, TrialRecord } from '../study/study';
import { bestPoint, metricGoal, objectiveSeries } from '../study/objective';

/** How a curve becomes one number: its best point over training, or its value at the end. */
export type Reduction = 'best' | 'final';

export interface ObjectiveChoice {
	/** An evaluation metric (`valLoss`, `valAccuracy`, `emaValLoss`, …) or `trainLoss`. */
	metric: string;
	reduce: Reduction;
}

export interface TrialValue {
	value: number;
	/** The step the value comes from. */
	step: number;
}

/** Training losses are per batch and noisy: "final" averages this many of the last logged rows. */
export const FINAL_TRAIN_WINDOW = 10;

/** Accuracy-like metrics are maximised; losses and bits per character minimised (study/objective.ts). */
export { metricGoal };

/** The study's own objective, reduced by its best value over training (retrospective selection). */
export function defaultChoice(study: Pick<Study, 'objective'>): ObjectiveChoice {
	return { metric: study.objective.metric, reduce: 'best' };
}

/** Every metric a study's trials logged, `trainLoss` first, then evaluation keys in first-seen order. */
export function availableMetrics(trials: readonly TrialRecord[]): string[] {
	const names = new Set<string>(['trainLoss']);
	for (const trial of trials) {
		for (const row of trial.metrics?.evals ?? []) {
			for (const key of Object.keys(row)) if (key !== 'step') names.add(key);
		}
	}
	return [...names];
}

/** (step, value) pairs of one metric, finite values only, in step order. */
export function metricPoints(metrics: MetricBatch, metric: string): { step: number; value: number }[] {
	const points: { step: number; value: number }[] = [];
	if (metric === 'trainLoss') {
		metrics.train.step.forEach((step, i) => {
			const value = metrics.train.loss[i];
			if (value !== undefined && value !== null && Number.isFinite(value)) points.push({ step, value });
		});
	} else {
		for (const row of metrics.evals) {
			const value = (row as unknown as Record<string, number | null | undefined>)[metric];
			if (typeof value === 'number' && Number.isFinite(value)) points.push({ step: row.step, value });
		}
	}
	return points;
}

/** The trial's value under `choice`; null when it logged no finite value of that metric. */
export function trialValue(trial: Pick<TrialRecord, 'metrics'>, choice: ObjectiveChoice): TrialValue | null {
	if (!trial.metrics) return null;
	if (choice.reduce === 'final') {
		const points = metricPoints(trial.metrics, choice.metric);
		if (points.length === 0) return null;
		const last = points[points.length - 1]!;
		if (choice.metric !== 'trainLoss') return { value: last.value, step: last.step };
		const tail = points.slice(-FINAL_TRAIN_WINDOW);
		return { value: tail.reduce((sum, p) => sum + p.value, 0) / tail.length, step: last.step };
	}
	// Best over training is retrospective checkpoint selection: the objective at evaluation steps, as
	// checkpoint retention and the trial table rank it (for trainLoss the mean training loss since the
	// previous evaluation, not the luckiest single batch).
	const best = bestPoint(objectiveSeries(trial.metrics, choice.metric), metricGoal(choice.metric));
	return best ? { value: best.value, step: best.step } : null;
}

/** Whether `a` is better than `b` for this metric. */
export function isBetter(metric: string, a: number, b: number): boolean {
	return metricGoal(metric) === 'minimize' ? a < b : a > b;
}

/** Infeasible trials (diverged, NaN) are shown apart from the rest, never as a value. */
export function isInfeasible(trial: Pick<TrialRecord, 'status'>): boolean {
	return trial.status === 'infeasible';
}

/**
 * Trials stopped early by successive halving (study/halving.ts): they trained only to a rung, so their
 * values do not compare with full-length trials. Plots draw them apart and they are never "best".
 */
export function isStopped(trial: Pick<TrialRecord, 'status'>): boolean {
	return trial.status === 'stopped';
}

/**
 * Whether a trial finished with a result to plot: completed (a value) or infeasible (a marker). Queued,
 * running, failed and cancelled trials have no comparable value at the study's fixed budget.
 */
export function hasOutcome(trial: TrialRecord, choice: ObjectiveChoice): boolean {
	if (isInfeasible(trial)) return true;
	return trial.status === 'completed' && trialValue(trial, choice) !== null;
}
