// One colour convention for "better" across every plot of a page: the study curves, the contour map
// and the parallel coordinates all shade the objective on the same ramp, dark = best, and mark
// infeasible and early-stopped trials in the same colours, so a reader who learns it on one plot
// reads the next one the same way. Pure.
import { interpolateViridis } from 'd3';

/** Infeasible trials (diverged or NaN): red, on every plot (the × marks use it too). */
export const INFEASIBLE_COLOR = '#dc2626';
/** Trials with no value to rank by: grey. */
export const UNRANKED_COLOR = '#9ca3af';
/** Trials stopped early by successive halving: amber, apart from the ramp and from red. */
export const STOPPED_COLOR = '#b45309';

/** Where the ramp stops at the worst end: viridis's palest yellows vanish on a white page. */
const WORST_END = 0.85;

/**
 * The colour of an objective value by how far it is from the best: `badness` 0 is the best (dark
 * viridis purple), 1 the worst (green-yellow); values outside [0, 1] are clamped.
 */
export function objectiveColor(badness: number): string {
	const t = Number.isFinite(badness) ? Math.min(1, Math.max(0, badness)) : 1;
	return interpolateViridis(WORST_END * t);
}
