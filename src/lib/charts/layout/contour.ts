// The contour view: the objective over a pair of searched parameters, the space between trials filled
// in by inverse-distance weighting (math/idw.ts says how and why) and drawn as filled bands between
// contour levels, every finished trial a point on it and every infeasible one a red × where it ran.
// Axes are the pair plot's (log where the space is log-scaled). Only numeric parameters can be paired
// (a categorical one has no distance between its values). Interpolation works in each axis's own
// coordinate scaled to [0, 1] (log₁₀ of the value on a log axis), so a decade counts as much at 1e-4 as
// at 1e-1. Infeasible trials have no value and take no part in the interpolation. Pure: Contour.svelte
// draws what this returns.
import { contours, scaleLinear, scaleLog } from 'd3';
import { objectiveColor } from './objective-colors';
import {
	hasOutcome,
	isInfeasible,
	isStopped,
	trialValue,
	type ObjectiveChoice
} from '../../analysis/objective';
import { idwGrid, type UnitSample } from '../../math/idw';
import type { ObjectiveGoal, Study } from '../../study/study';
import { axisTicks } from './curve-scales';
import { tickFormat } from './tick-format';
import { formatNumber } from '../../util/number-format';
import { pairAxes, placeAxis, type AxisTick, type PairAxis } from './pair-plot';

/** A numeric axis: the only kind a contour can span. */
export type NumericAxis = Extract<PairAxis, { kind: 'linear' | 'log' }>;

/** The searched parameters a contour can use: one axis per numeric parameter name. */
export function contourAxes(study: Pick<Study, 'params'>): NumericAxis[] {
	return pairAxes(study.params).filter((axis): axis is NumericAxis => axis.kind !== 'band');
}

export interface ContourPoint {
	trialIndex: number;
	x: number;
	y: number;
	/** The objective; null for an infeasible trial, or one stopped early (its value is from fewer steps). */
	value: number | null;
	infeasible: boolean;
	/** Stopped early by successive halving: drawn as a hollow marker and left out of the fill. */
	stopped?: boolean;
}

export interface ContourData {
	x: NumericAxis;
	y: NumericAxis;
	points: ContourPoint[];
	/** Finished trials without a point: a parameter of the pair was inactive in them. */
	skipped: number;
}

/** The finished trials (completed and infeasible) that have numeric values of both parameters. */
export function contourData(
	study: Pick<Study, 'trials'>,
	choice: ObjectiveChoice,
	x: NumericAxis,
	y: NumericAxis
): ContourData {
	const points: ContourPoint[] = [];
	let skipped = 0;
	for (const trial of study.trials) {
		const stopped = isStopped(trial);
		if (!hasOutcome(trial, choice) && !stopped) continue;
		const px = trial.params[x.name];
		const py = trial.params[y.name];
		if (typeof px !== 'number' || typeof py !== 'number') {
			skipped++;
			continue;
		}
		const infeasible = isInfeasible(trial);
		if (stopped) {
			points.push({ trialIndex: trial.index, x: px, y: py, value: null, infeasible: false, stopped: true });
			continue;
		}
		points.push({
			trialIndex: trial.index,
			x: px,
			y: py,
			value: infeasible ? null : trialValue(trial, choice)!.value,
			infeasible
		});
	}
	return { x, y, points, skipped };
}

/** The axis's own scale from its range to [0, 1], widened as the pair plot widens a single-value range. */
function unitScale(axis: NumericAxis): (value: number) => number {
	const log = axis.kind === 'log';
	let { min, max } = axis;
	if (min === max) {
		min = log ? min / 2 : min - 1;
		max = log ? max * 2 : max + 1;
	}
	const scale = (log ? scaleLog() : scaleLinear()).domain([min, max]).range([0, 1]);
	return (value) => scale(value);
}

export interface ContourBand {
	/** The region where the interpolated objective is ≥ this level. */
	threshold: number;
	/** SVG path data (fill-rule evenodd), plot pixels. */
	path: string;
	color: string;
}

export interface ContourLayout {
	/** The colour under every band: the region below the lowest level. */
	baseColor: string;
	/** Filled regions, lowest level first: drawn in order, each higher one covers part of the one below. */
	bands: ContourBand[];
	/** The levels with their colours, for the legend (each colour fills from its level up to the next). */
	legend: { threshold: number; label: string; color: string }[];
	dots: { trialIndex: number; cx: number; cy: number; value: number }[];
	crosses: { trialIndex: number; cx: number; cy: number }[];
	/** Trials stopped early by successive halving: where they ran, with no value. */
	stopped: { trialIndex: number; cx: number; cy: number }[];
	xTicks: AxisTick[];
	yTicks: AxisTick[];
	/** The interpolated grid (row by row from the top), exposed for tests and read-outs. */
	grid: Float64Array;
	columns: number;
	rows: number;
}

/** Grid cells across and up: a cell is 8 px on a 320 px plot, finer than the levels. */
export const CONTOUR_CELLS = 40;

/**
 * The trials with a value, in unit coordinates: what the grid interpolates (each axis's own scale to
 * [0, 1], the value of an infeasible trial being unknown).
 */
export function contourSamples(data: ContourData): UnitSample[] {
	const ux = unitScale(data.x);
	const uy = unitScale(data.y);
	return data.points.flatMap((p) =>
		p.value !== null && Number.isFinite(p.value) ? [{ u: ux(p.x), v: uy(p.y), value: p.value }] : []
	);
}

export interface ContourOptions {
	/** Grid cells across and up (default CONTOUR_CELLS). */
	cells?: number;
	/** The interpolated grid, `idwGrid(contourSamples(data), cells, cells)`, when computed elsewhere (a worker). */
	grid?: Float64Array;
	/** About how many contour levels (default 8; d3 rounds to nice values). */
	levels?: number;
}

/** Positive objectives spanning more than this ratio get levels spaced evenly in log (losses over decades). */
const LOG_LEVEL_RATIO = 30;

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** SVG path data of one d3 contour (a MultiPolygon in grid units), scaled to pixels. */
function contourPath(rings: number[][][][], sx: number, sy: number): string {
	let d = '';
	for (const polygon of rings) {
		for (const ring of polygon) {
			ring.forEach(([gx, gy], i) => {
				d += `${i === 0 ? 'M' : 'L'}${round(gx! * sx)},${round(gy! * sy)}`;
			});
			d += 'Z';
		}
	}
	return d;
}

/**
 * Lays out the contour of `data` in a plot of `width` × `height` pixels. Colours run from dark (best)
 * to light (worst) whichever way the objective goes, so the best region always reads the same.
 */
export function layoutContour(
	data: ContourData,
	size: { width: number; height: number },
	goal: ObjectiveGoal,
	options: ContourOptions = {}
): ContourLayout {
	const { width, height } = size;
	const cells = options.cells ?? CONTOUR_CELLS;
	const samples = contourSamples(data);
	// The page passes the grid the analysis worker interpolated; without one it is computed here.
	const grid = options.grid ?? idwGrid(samples, cells, cells);
	if (grid.length !== cells * cells)
		throw new Error(
			`a contour grid of ${cells} × ${cells} cells has ${cells * cells} values, not ${grid.length}`
		);
	const finite = samples.map((s) => s.value);
	const lo = finite.length > 0 ? Math.min(...finite) : 0;
	const hi = finite.length > 0 ? Math.max(...finite) : 1;
	const log = lo > 0 && hi / lo > LOG_LEVEL_RATIO;
	const levelScale = (log ? scaleLog() : scaleLinear()).domain([lo, hi === lo ? lo + 1 : hi]);
	// Levels strictly inside the values' range: one at or below the lowest value would cover everything.
	const thresholds =
		samples.length < 2 ? [] : axisTicks(levelScale, log, options.levels ?? 8).filter((t) => t > lo && t < hi);
	// Colour by position of a value among the levels: dark = best, the page's one ramp (objective-colors.ts).
	const rank = (value: number) => {
		const t = log ? Math.log(value / lo) / Math.log(hi / lo) : (value - lo) / (hi - lo || 1);
		return goal === 'minimize' ? t : 1 - t;
	};
	const generator = contours().size([cells, cells]).thresholds(thresholds);
	const sx = width / cells;
	const sy = height / cells;
	// Each band [t_k, t_k+1) takes the colour of its middle; the region under the first level that of lo…t_0.
	const edges = [lo, ...thresholds, hi];
	const middle = (k: number) =>
		log ? Math.sqrt(edges[k]! * edges[k + 1]!) : (edges[k]! + edges[k + 1]!) / 2;
	const bandColor = (k: number) => objectiveColor(rank(middle(k)));
	const bands: ContourBand[] =
		samples.length < 2
			? []
			: generator(Array.from(grid)).map((c, k) => ({
					threshold: c.value,
					path: contourPath(c.coordinates, sx, sy),
					color: bandColor(k + 1)
				}));
	// The legend is the colour axis: its levels share one number format, as an axis's ticks do. With no
	// level there is one entry, "< the highest value", a value read to four significant digits.
	const levelFormat = thresholds.length > 0 ? tickFormat(thresholds, log) : formatNumber;
	const legend = [lo, ...thresholds].map((threshold, k) => ({
		threshold,
		label: k === 0 ? `< ${levelFormat(thresholds[0] ?? hi)}` : `≥ ${levelFormat(threshold)}`,
		color: bandColor(k)
	}));
	const x = placeAxis(data.x, [0, width], { labels: 'across' });
	const y = placeAxis(data.y, [height, 0], { labels: 'up' });
	const dots: ContourLayout['dots'] = [];
	const crosses: ContourLayout['crosses'] = [];
	const stopped: ContourLayout['stopped'] = [];
	for (const p of data.points) {
		const cx = x.position(p.x);
		const cy = y.position(p.y);
		if (cx === undefined || cy === undefined) continue;
		if (p.stopped) stopped.push({ trialIndex: p.trialIndex, cx, cy });
		else if (p.infeasible || p.value === null) crosses.push({ trialIndex: p.trialIndex, cx, cy });
		else dots.push({ trialIndex: p.trialIndex, cx, cy, value: p.value });
	}
	return {
		baseColor: bandColor(0),
		bands,
		legend,
		dots,
		crosses,
		stopped,
		xTicks: x.ticks,
		yTicks: y.ticks,
		grid,
		columns: cells,
		rows: cells
	};
}
