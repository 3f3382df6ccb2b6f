// The best-so-far series of a study (its optimisation history): in run order (trial index), after each
// trial that ran to an end, the best objective value among the completed trials up to it. A flat tail
// says more trials of the same search would add little (playbook: "After exploration concludes").
// One pure function for the analysis page's plot and for `tuning-lab analyze`, so both show the same
// series. Pure: no DOM, no tfjs.
import type { Study } from '../study/study';
import { hasOutcome, isInfeasible, metricGoal, trialValue, type ObjectiveChoice } from './objective';

/** A trial as the history sees it. */
export interface HistoryTrial {
	index: number;
	/** The objective's value, or null for an infeasible trial (or a completed one with no value). */
	value: number | null;
	infeasible: boolean;
}

export interface BestSoFarPoint {
	/** The trial after which this is the best so far. */
	index: number;
	/** The best value among trials 0…index. */
	value: number;
	/** The trial that holds that value (the earliest one on a tie). */
	trial: number;
}

/**
 * The trials that ran to an end, in index order: completed ones with their value under `choice`, and
 * infeasible ones (no value). Queued, running, failed and cancelled trials are no evidence.
 */
export function historyTrials(study: Pick<Study, 'trials'>, choice: ObjectiveChoice): HistoryTrial[] {
	return study.trials
		.filter((t) => hasOutcome(t, choice))
		.map((t) => {
			const infeasible = isInfeasible(t);
			return {
				index: t.index,
				value: infeasible ? null : (trialValue(t, choice)?.value ?? null),
				infeasible
			};
		})
		.sort((a, b) => a.index - b.index);
}

/**
 * The running minimum (or maximum, for `maximize`) of the trials' values in index order: one point per
 * trial from the first one with a finite value on.
 */
export function runningBest(
	trials: readonly HistoryTrial[],
	goal: 'minimize' | 'maximize'
): BestSoFarPoint[] {
	const ordered = [...trials].sort((a, b) => a.index - b.index);
	const points: BestSoFarPoint[] = [];
	let current: { value: number; trial: number } | null = null;
	for (const t of ordered) {
		const value = t.infeasible ? null : t.value;
		if (value !== null && Number.isFinite(value)) {
			if (current === null || (goal === 'minimize' ? value < current.value : value > current.value))
				current = { value, trial: t.index };
		}
		if (current !== null) points.push({ index: t.index, value: current.value, trial: current.trial });
	}
	return points;
}

/** The study's best-so-far series under the objective `choice` (its direction follows the metric). */
export function bestSoFar(study: Pick<Study, 'trials'>, choice: ObjectiveChoice): BestSoFarPoint[] {
	return runningBest(historyTrials(study, choice), metricGoal(choice.metric));
}
