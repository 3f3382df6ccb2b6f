// The study objective, defined once: which number an evaluation (and the checkpoint taken at it) scores,
// and which direction is better. Checkpoint retention, the trial table, the exported `best`, the
// best-step report and the analysis page all read it from here, so they always agree.
//
// - `valLoss`, `valAccuracy` (and any other evaluation metric, such as `emaValLoss`): the evaluation
//   row's own value at that step.
// - `trainLoss`: the mean training loss, in nats, over the optimizer steps since the previous
//   evaluation, i.e. the training rows with previous-evaluation step ≤ step < this evaluation's step
//   (a training row at step s is the batch of update s + 1, so these are exactly the updates between
//   the two evaluations). The trial loop writes it into each evaluation row as the `trainLoss` column,
//   so a checkpoint carries it in its `evalRow`. Why the interval mean and not the last logged batch:
//   a single batch's loss is one noisy sample, and ranking checkpoints by it would keep whichever
//   checkpoint happened to follow an easy batch; the mean over the interval averages `evalEvery`
//   batches. Its cost is a lag of about half an interval (it describes the weights over the interval,
//   not only at its end). The first evaluation of a fresh trial (step 0) has no training before it and
//   so no value; a resumed trial's interval starts at its checkpoint, which is always an evaluation, so
//   resuming gives the same values as an uninterrupted run.
// Pure: no DOM, no engine, no database.
import type { EvalRow, MetricBatch } from './metrics';
import type { ObjectiveGoal, ObjectiveMetric, TrialBest } from './study-schema';

/** One (step, value) of the objective, at an evaluation step. */
export interface ObjectivePoint {
	step: number;
	value: number;
}

/** The direction that makes sense for each objective metric. */
export const METRIC_GOALS: Record<ObjectiveMetric, ObjectiveGoal> = {
	valLoss: 'minimize',
	valAccuracy: 'maximize',
	trainLoss: 'minimize'
};

/** Accuracy-like metrics are maximised; losses and bits per character minimised. */
export function metricGoal(metric: string): ObjectiveGoal {
	return metric in METRIC_GOALS
		? METRIC_GOALS[metric as ObjectiveMetric]
		: /accuracy/i.test(metric)
			? 'maximize'
			: 'minimize';
}

/** Whether `a` is better than `b` in this direction (a tie is not better). */
export function isBetterFor(goal: ObjectiveGoal, a: number, b: number): boolean {
	return goal === 'minimize' ? a < b : a > b;
}

/**
 * The `trainLoss` objective of one interval: the mean of the training losses logged since the previous
 * evaluation. NaN when there are none (nothing was trained) or any is not finite (a diverged batch has
 * no meaningful mean), so such an evaluation never ranks as best.
 */
export function intervalTrainLoss(losses: readonly (number | null | undefined)[]): number {
	if (losses.length === 0) return Number.NaN;
	let sum = 0;
	for (const loss of losses) {
		if (typeof loss !== 'number' || !Number.isFinite(loss)) return Number.NaN;
		sum += loss;
	}
	return sum / losses.length;
}

/** The objective's value at one evaluation row (and so at the checkpoint taken there); NaN when absent or not finite. */
export function objectiveValue(row: EvalRow, metric: string): number {
	const value = (row as unknown as Record<string, number | null | undefined>)[metric];
	return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

/**
 * The evaluation rows with the `trainLoss` column, derived from the training rows (by
 * `intervalTrainLoss`) where a row lacks it: files and records written before the loop logged it.
 * Rows that have it are kept as they are.
 */
export function withTrainLoss(metrics: MetricBatch): EvalRow[] {
	const { step: steps, loss } = metrics.train;
	let next = 0;
	let previous = -Infinity;
	return metrics.evals.map((row) => {
		const losses: (number | null | undefined)[] = [];
		while (next < steps.length && steps[next]! < row.step) {
			if (steps[next]! >= previous) losses.push(loss[next]);
			next++;
		}
		previous = row.step;
		return row.trainLoss === undefined ? { ...row, trainLoss: intervalTrainLoss(losses) } : row;
	});
}

/** The objective at every evaluation where it is finite, in step order. */
export function objectiveSeries(metrics: MetricBatch, metric: string): ObjectivePoint[] {
	const rows = metric === 'trainLoss' ? withTrainLoss(metrics) : metrics.evals;
	const points: ObjectivePoint[] = [];
	for (const row of rows) {
		const value = objectiveValue(row, metric);
		if (!Number.isNaN(value)) points.push({ step: row.step, value });
	}
	return points;
}

/** The best of these points in this direction; a tie goes to the earlier step. */
export function bestPoint(
	points: readonly ObjectivePoint[],
	goal: ObjectiveGoal
): ObjectivePoint | undefined {
	let best: ObjectivePoint | undefined;
	for (const p of points) {
		if (!Number.isFinite(p.value)) continue;
		if (!best || isBetterFor(goal, p.value, best.value) || (p.value === best.value && p.step < best.step))
			best = p;
	}
	return best;
}

/** Retrospective selection over a trial's metrics: the evaluation step where the objective was best, and its value. */
export function bestObjective(
	metrics: MetricBatch,
	objective: { metric: string; goal: ObjectiveGoal }
): TrialBest | undefined {
	const best = bestPoint(objectiveSeries(metrics, objective.metric), objective.goal);
	return best && { step: best.step, value: best.value };
}
