// "Were there enough trials?" by resampling (playbook: "How many trials are needed to get good results
// with quasi-random search?"). The playbook's answer is to look at how the best result of a study
// varies with its budget: draw many studies of b trials from the trials already run, with replacement,
// and record the best objective of each. Box plots of those bests against b show how quickly a search
// of that size finds a good point and how much luck is involved; if the median best is still improving
// at the study's own size, more trials would likely pay off.
//
// Infeasible trials stay in the pool: drawing one spends a trial and yields nothing, exactly as in a
// real study. A draw made only of infeasible trials has no best; those draws are counted apart
// (`noResult`) and left out of the box statistics. Deterministic for a seed (Mulberry32 `Random`).
// Quantiles use linear interpolation between order statistics (Hyndman & Fan type 7, the default of
// R and NumPy): q(p) = x[h] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) with h = (n − 1)p on the sorted draws.
// Pure: no DOM, no tfjs.

import { Random } from '../math/random';
import type { ObjectiveGoal, Study } from '../study/study';
import { hasOutcome, isInfeasible, metricGoal, trialValue, type ObjectiveChoice } from './objective';

export interface BudgetStats {
	/** Trials per resampled study. */
	budget: number;
	min: number;
	q1: number;
	median: number;
	q3: number;
	max: number;
	/** Fraction of the resampled studies in which every trial was infeasible (no best). */
	noResult: number;
}

export interface BootstrapOptions {
	/** Budgets to resample (default: 1, 2, 4, … and the pool size itself). */
	budgets?: readonly number[];
	/** Resampled studies per budget (default 200). */
	resamples?: number;
	/** Seeds the draws (default 1). */
	seed?: number;
}

export const DEFAULT_RESAMPLES = 200;

/** Powers of two below `n`, then `n` itself: 1, 2, 4, …, n. Empty for n < 1. */
export function budgetsUpTo(n: number): number[] {
	const budgets: number[] = [];
	for (let b = 1; b < n; b *= 2) budgets.push(b);
	if (n >= 1) budgets.push(n);
	return budgets;
}

/** Type-7 quantile of an ascending array (see header). */
export function quantile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(sorted.length - 1, lo + 1);
	return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Box statistics of the best value of `resamples` draws of `budget` trials each, with replacement,
 * from `pool` (null = an infeasible trial). Statistics are NaN when no draw had a result.
 */
export function bootstrapBest(
	pool: readonly (number | null)[],
	goal: ObjectiveGoal,
	options: BootstrapOptions = {}
): BudgetStats[] {
	const n = pool.length;
	if (n === 0) return [];
	const random = new Random(options.seed ?? 1);
	const resamples = options.resamples ?? DEFAULT_RESAMPLES;
	const minimize = goal === 'minimize';
	return (options.budgets ?? budgetsUpTo(n)).map((budget) => {
		const bests: number[] = [];
		for (let r = 0; r < resamples; r++) {
			let best: number | null = null;
			for (let k = 0; k < budget; k++) {
				const value = pool[random.int(n)]!;
				if (value === null) continue;
				if (best === null || (minimize ? value < best : value > best)) best = value;
			}
			if (best !== null) bests.push(best);
		}
		bests.sort((a, b) => a - b);
		return {
			budget,
			min: bests[0] ?? NaN,
			q1: quantile(bests, 0.25),
			median: quantile(bests, 0.5),
			q3: quantile(bests, 0.75),
			max: bests[bests.length - 1] ?? NaN,
			noResult: (resamples - bests.length) / resamples
		};
	});
}

/** The pool of a study: the objective of each finished trial, null for each infeasible one. */
export function outcomePool(study: Pick<Study, 'trials'>, choice: ObjectiveChoice): (number | null)[] {
	return study.trials
		.filter((trial) => hasOutcome(trial, choice))
		.map((trial) => (isInfeasible(trial) ? null : trialValue(trial, choice)!.value));
}

/** `bootstrapBest` over a study's finished trials under `choice`. */
export function studyBootstrap(
	study: Pick<Study, 'trials'>,
	choice: ObjectiveChoice,
	options: BootstrapOptions = {}
): BudgetStats[] {
	return bootstrapBest(outcomePool(study, choice), metricGoal(choice.metric), options);
}

/** The median best counts as settled once it is within this share of its whole gain from budget 1 to N. */
export const PLATEAU_TOLERANCE = 0.05;

/**
 * The smallest budget whose median best is as good as the study's own: either inside the interquartile
 * box of the last budget (the spread of a full-size study's best; closer than that is luck, not budget)
 * or within `tolerance` of the median's total improvement from the first budget to the last.
 * Undefined without finite medians.
 */
export function plateauBudget(
	stats: readonly BudgetStats[],
	tolerance = PLATEAU_TOLERANCE
): number | undefined {
	const finite = stats.filter((s) => Number.isFinite(s.median));
	if (finite.length === 0) return undefined;
	const last = finite[finite.length - 1]!;
	const gain = Math.abs(finite[0]!.median - last.median);
	const lo = Math.min(last.q1, last.q3);
	const hi = Math.max(last.q1, last.q3);
	return finite.find(
		(s) => (s.median >= lo && s.median <= hi) || Math.abs(s.median - last.median) <= tolerance * gain
	)!.budget;
}

/** One sentence that reads the box plots for a person. */
export function bootstrapReading(stats: readonly BudgetStats[], studySize: number): string {
	const k = plateauBudget(stats);
	if (k === undefined) return 'No finished trial has a value yet, so there is nothing to resample.';
	if (stats.length < 2) return 'One trial is too few to say how the best result grows with the budget.';
	if (k >= studySize) {
		return `The median best was still improving at all ${studySize} trials: a larger budget would likely find better points.`;
	}
	return `The median best stops improving after about ${k} of the ${studySize} trials; more trials mostly narrow the spread (less luck), not the typical best.`;
}
