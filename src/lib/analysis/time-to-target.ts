// Time to target (AlgoPerf's measure, Dahl et al. 2023, "Benchmarking Neural Network Training
// Algorithms", the sections on time-to-result scoring and the external tuning ruleset): how many
// training steps a run needed before its validation metric first reached a target the user sets. Of a
// group of tuning trials, the group's time is its fastest trial's (the one that got there first), and a
// group whose trials never got there has no time (Infinity here).
//
// The interval is a percentile bootstrap over trials: draw as many trials as the group has, with
// replacement, take the fastest time of the draw, repeat; the interval is the lower and upper
// quantiles of those fastest times. It answers "with another batch of trials of the same size, how
// fast would the fastest have been?". Draws in which no trial reached the target give Infinity, so an
// upper end of Infinity means "in more than (1 − level)/2 of draws the target was not reached at all".
// Deterministic for a seed (Mulberry32 `Random`). Quantiles are type 7 (bootstrap.ts `quantile`), with
// Infinity handled as the largest value. Pure: no DOM, no tfjs.
import { Random } from '../math/random';
import type { ObjectiveGoal } from '../study/study';
import { quantile } from './bootstrap';

/** One evaluation: the step it was taken after, and the metric's value there. */
export interface EvalPoint {
	step: number;
	value: number;
}

/**
 * The first step whose value reached `target` (≤ for a minimised metric, ≥ for a maximised one), in
 * step order; Infinity when none did. Non-finite values never reach a target.
 */
export function timeToTarget(points: readonly EvalPoint[], target: number, goal: ObjectiveGoal): number {
	const ordered = [...points].sort((a, b) => a.step - b.step);
	for (const p of ordered) {
		if (!Number.isFinite(p.value)) continue;
		if (goal === 'minimize' ? p.value <= target : p.value >= target) return p.step;
	}
	return Infinity;
}

export interface TimeInterval {
	/** The fastest trial's time (Infinity: no trial reached the target). */
	fastest: number;
	/** The bootstrap interval of the fastest time (Infinity at an end: not reached in that share of draws). */
	low: number;
	high: number;
	/** The share of draws in which some trial reached the target. */
	reachedShare: number;
	/** Trials in the pool. */
	trials: number;
}

export interface TimeBootstrapOptions {
	/** Resampled groups (default 1000). */
	resamples?: number;
	/** Seeds the draws (default 1). */
	seed?: number;
	/** Central coverage of the interval (default 0.9: the 5th and 95th percentiles). */
	level?: number;
}

export const DEFAULT_TIME_RESAMPLES = 1000;
export const DEFAULT_TIME_LEVEL = 0.9;

/** Type-7 quantile of an ascending array that may end in Infinity (Infinity from the first infinite term on). */
function quantileWithInfinity(sorted: readonly number[], p: number): number {
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(sorted.length - 1, lo + 1);
	if (!Number.isFinite(sorted[lo]!)) return Infinity;
	if (!Number.isFinite(sorted[hi]!)) return h === lo ? sorted[lo]! : Infinity;
	return quantile(sorted, p);
}

/**
 * The fastest of `times` (one per trial, Infinity for a trial that never reached the target) and the
 * percentile-bootstrap interval of that fastest time (see header). An empty pool gives NaN throughout.
 */
export function bootstrapFastest(times: readonly number[], options: TimeBootstrapOptions = {}): TimeInterval {
	const n = times.length;
	if (n === 0) return { fastest: NaN, low: NaN, high: NaN, reachedShare: NaN, trials: 0 };
	const resamples = options.resamples ?? DEFAULT_TIME_RESAMPLES;
	const level = options.level ?? DEFAULT_TIME_LEVEL;
	if (!(level > 0 && level < 1)) throw new RangeError(`level must lie in (0, 1), got ${level}`);
	if (!Number.isInteger(resamples) || resamples < 1)
		throw new RangeError(`resamples must be a whole number ≥ 1, got ${resamples}`);
	const random = new Random(options.seed ?? 1);
	const fastest: number[] = [];
	for (let r = 0; r < resamples; r++) {
		let best = Infinity;
		for (let k = 0; k < n; k++) best = Math.min(best, times[random.int(n)]!);
		fastest.push(best);
	}
	fastest.sort((a, b) => a - b);
	const tail = (1 - level) / 2;
	return {
		fastest: Math.min(...times),
		low: quantileWithInfinity(fastest, tail),
		high: quantileWithInfinity(fastest, 1 - tail),
		reachedShare: fastest.filter(Number.isFinite).length / resamples,
		trials: n
	};
}
