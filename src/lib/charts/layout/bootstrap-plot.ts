// Layout of the how-many-trials box plots (one box per trial budget); the statistics come from
// analysis/bootstrap.ts, this only places them.

import { scaleBand } from 'd3';
import { metricGoal } from '../../analysis/objective';
import type { BudgetStats } from '../../analysis/bootstrap';
import { objectiveAxis, type ObjectiveAxis } from './axis-plot';

export interface BoxLayout extends BudgetStats {
	/** Centre of the box, pixels from the left. */
	cx: number;
	/** Pixel heights of the statistics (top = 0); null when the budget had no result at all. */
	y: { min: number; q1: number; median: number; q3: number; max: number } | null;
}

/**
 * Lays out the box plots: budgets as equal bands across `width` (they double, so equal steps read
 * like a log axis) and the statistics on one objective axis whose worse end is up for a loss.
 */
export function layoutBootstrap(
	stats: readonly BudgetStats[],
	size: { width: number; height: number },
	metric: string
): { y: ObjectiveAxis; bandwidth: number; boxes: BoxLayout[] } {
	const band = scaleBand<number>()
		.domain(stats.map((s) => s.budget))
		.range([0, size.width])
		.padding(0.35);
	const values = stats.flatMap((s) => (Number.isFinite(s.median) ? [s.min, s.max] : []));
	const y = objectiveAxis(values, size.height, metricGoal(metric));
	const boxes = stats.map((s) => ({
		...s,
		cx: Math.round((band(s.budget)! + band.bandwidth() / 2) * 1000) / 1000,
		y: Number.isFinite(s.median)
			? {
					min: y.position(s.min),
					q1: y.position(s.q1),
					median: y.position(s.median),
					q3: y.position(s.q3),
					max: y.position(s.max)
				}
			: null
	}));
	return { y, bandwidth: band.bandwidth(), boxes };
}

/**
 * What the box plots say about trials stopped early by successive halving, or null when the study
 * stopped none. They are left out of the pool on purpose: each trained only to a rung, so its value
 * does not compare with a full-length trial's. The trials that are resampled are those halving let
 * finish (it kept the better ones at each rung), so the boxes lean optimistic for a study of as many
 * trials run without early stopping; the note says both. `resampled` is the pool's size.
 */
export function bootstrapStoppedNote(stopped: number, resampled: number): string | null {
	if (stopped <= 0) return null;
	const one = stopped === 1;
	const left =
		`${stopped} trial${one ? '' : 's'} stopped early by successive halving ${one ? 'is' : 'are'} not resampled: ` +
		`${one ? 'it' : 'each'} trained only to a rung, so ${one ? 'it has no' : 'none has a'} full-length value.`;
	if (resampled <= 0) return left;
	return (
		`${left} The ${resampled === 1 ? '1 trial resampled is the one' : `${resampled} trials resampled are those`} ` +
		'halving let finish, so the boxes lean optimistic for a study of as many trials run without early stopping.'
	);
}
