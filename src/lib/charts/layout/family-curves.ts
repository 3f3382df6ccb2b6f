// The best curve of each schedule family on one chart: the validation metric of each family's best
// trial against the training step, the constant family's cooldown branch drawn on after its main run
// (dashed by the component), and the user's target as a horizontal line, so where each curve first
// crosses the line is its time to target. Pure: FamilyCurves.svelte draws what this returns.
import { scaleLinear, schemeTableau10 } from 'd3';
import type { EvalPoint } from '../../analysis/time-to-target';
import { valueScale } from './history';

export interface FamilyCurveInput {
	family: string;
	/** The best trial's index, for the key. */
	index: number;
	main: readonly EvalPoint[];
	branch: readonly EvalPoint[];
}

export interface PlacedFamilyCurve {
	family: string;
	index: number;
	color: string;
	/** The main run's line ('' without points). */
	mainPath: string;
	/** The branch's line, starting at the main run's point where it branched off ('' without a branch). */
	branchPath: string;
}

export interface FamilyCurvesLayout {
	curves: PlacedFamilyCurve[];
	/** The target's height in pixels; null without a target or when it lies off the value axis. */
	targetY: number | null;
	xTicks: { x: number; label: string; value: number }[];
	yTicks: { y: number; label: string; value: number }[];
	log: boolean;
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** The colour of family `k` of FAMILIES, the same in every chart of the comparison. */
export function familyColor(k: number): string {
	return schemeTableau10[k % schemeTableau10.length]!;
}

/**
 * Lays the curves out in a `width` × `height` plot: steps 0 … the last step of any curve across, one
 * value axis over every point (and the target) up. `colorIndex` gives each family its fixed colour.
 */
export function layoutFamilyCurves(
	curves: readonly FamilyCurveInput[],
	target: number | null,
	size: { width: number; height: number },
	colorIndex: (family: string) => number
): FamilyCurvesLayout {
	const points = curves.flatMap((c) => [...c.main, ...c.branch]);
	const values = points.map((p) => p.value);
	const y = valueScale(target === null ? values : [...values, target], [size.height, 0]);
	const lastStep = Math.max(1, ...points.map((p) => p.step));
	const x = scaleLinear().domain([0, lastStep]).range([0, size.width]);
	const line = (pts: readonly EvalPoint[]) =>
		pts
			.filter((p) => Number.isFinite(p.value) && (!y.log || p.value > 0))
			.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.step))},${y.position(p.value)}`)
			.join('');
	return {
		curves: curves.map((c) => {
			// The branch starts from the main run's evaluation at (or just before) its first step.
			const first = c.branch[0];
			const from = first ? [...c.main].reverse().find((p) => p.step < first.step) : undefined;
			return {
				family: c.family,
				index: c.index,
				color: familyColor(colorIndex(c.family)),
				mainPath: line(c.main),
				branchPath: c.branch.length > 0 ? line(from ? [from, ...c.branch] : c.branch) : ''
			};
		}),
		targetY:
			target === null || !Number.isFinite(target) || (y.log && target <= 0) ? null : y.position(target),
		xTicks: x.ticks(6).map((t) => ({ x: round(x(t)), label: String(t), value: t })),
		yTicks: y.ticks.map((t) => ({ y: t.at, label: t.label, value: t.value })),
		log: y.log
	};
}
