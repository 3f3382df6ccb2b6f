// Pure helpers for the pair plot of a study's planned trials: one small scatter for every pair of
// searched parameters, so a reader can see how the samples cover the space before anything trains
// (playbook: "Striking a balance between informative and affordable experiments": sample the nuisance
// space densely enough). Components only draw what these return.
//
// Each distinct parameter name gets one axis. Parameters that share a name (one learning rate range per
// optimizer, say) share the axis, which spans all their ranges. A trial where a parameter is inactive
// has no value for it, so it has no point in the pairs that involve that parameter.

import { scaleBand, scaleLinear, scaleLog } from 'd3';
import type { ParamSpec, ParamValue, Sample } from '../../math/search-space';
import { pairAxes, valueKey, type PairAxis } from '../../math/param-axes';
import { formatValue } from './curve-scales';

export { pairAxes, type PairAxis };

/** The name of the pseudo-axis used when only one parameter is searched. */
export const TRIAL_INDEX_AXIS = '#';

/** Pixel positions to a thousandth of a pixel: finer detail is float noise, and short in the DOM. */
function px(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** Every pair of axes, earlier axis across (x), later axis up (y). */
export function axisPairs<T>(axes: readonly T[]): [T, T][] {
	const pairs: [T, T][] = [];
	for (let j = 1; j < axes.length; j++) {
		for (let i = 0; i < j; i++) pairs.push([axes[i]!, axes[j]!]);
	}
	return pairs;
}

export interface AxisTick {
	at: number;
	label: string;
}

/** An axis laid out along a pixel range: where each value goes (undefined: not drawable), and ticks. */
export interface PlacedAxis {
	axis: PairAxis;
	position: (value: ParamValue) => number | undefined;
	/** Width of one band in pixels (0 on continuous axes). */
	bandwidth: number;
	ticks: AxisTick[];
}

/**
 * Places an axis along `range` (pixels; give [bottom, top] for a vertical axis). A continuous axis
 * whose range is a single value is widened around it, so its points land in the middle.
 */
export function placeAxis(axis: PairAxis, range: readonly [number, number]): PlacedAxis {
	if (axis.kind === 'band') {
		const keys = axis.values.map(valueKey);
		const scale = scaleBand<string>().domain(keys).range([range[0], range[1]]).padding(0.2);
		const bandwidth = px(scale.bandwidth());
		const position = (value: ParamValue) => {
			const start = scale(valueKey(value));
			return start === undefined ? undefined : px(start + bandwidth / 2);
		};
		const ticks = axis.values.map((value) => ({ at: position(value)!, label: String(value) }));
		return { axis, position, bandwidth, ticks };
	}
	const log = axis.kind === 'log';
	let { min, max } = axis;
	if (min === max) {
		min = log ? min / 2 : min - 1;
		max = log ? max * 2 : max + 1;
	}
	const scale = (log ? scaleLog() : scaleLinear()).domain([min, max]).range([range[0], range[1]]);
	const position = (value: ParamValue) =>
		typeof value === 'number' && Number.isFinite(value) && (!log || value > 0) ? px(scale(value)) : undefined;
	const ticks = (log ? logTicks(min, max) : scale.ticks(3)).map((t) => ({
		at: px(scale(t)),
		label: tickLabel(t)
	}));
	return { axis, position, bandwidth: 0, ticks };
}

/** Most ticks on a log axis: a small panel has room for about this many labels. */
const MAX_LOG_TICKS = 4;

/**
 * Powers of ten inside [min, max], every second or third one when there are many decades; the ends
 * of the range when it holds fewer than two.
 */
function logTicks(min: number, max: number): number[] {
	const first = Math.ceil(Math.log10(min));
	const last = Math.floor(Math.log10(max));
	const every = Math.max(1, Math.ceil((last - first + 1) / MAX_LOG_TICKS));
	const ticks: number[] = [];
	for (let k = first; k <= last; k += every) ticks.push(Number(`1e${k}`)); // 10 ** -5 is not exactly 1e-5
	return ticks.length >= 2 ? ticks : [min, max];
}

/** Short tick labels: powers of ten from a thousand on, either way, as `1e-3`; others as read-outs. */
function tickLabel(t: number): string {
	const k = Math.log10(Math.abs(t));
	if (Number.isInteger(k) && Math.abs(k) >= 3) return `1e${k}`;
	return formatValue(t);
}

export interface TrialPoint {
	index: number;
	params: Sample;
}

export interface PairPoint {
	index: number;
	x: number;
	y: number;
}

/** A spread in [−0.5, 0.5) that differs between neighbouring trials and repeats for the same one. */
function spread(index: number, salt: number): number {
	const golden = 0.6180339887498949;
	const u = (index * golden + salt) % 1;
	return u - 0.5;
}

/**
 * Where each trial lands in one pair's scatter. Trials missing either value (the parameter was
 * inactive) or whose value is not on the axis are skipped. With `jitter` > 0, points on a band axis
 * spread over that fraction of the band so trials with the same value do not hide each other.
 */
export function pairPoints(
	trials: readonly TrialPoint[],
	x: PlacedAxis,
	y: PlacedAxis,
	options: { jitter?: number } = {}
): PairPoint[] {
	const jitter = options.jitter ?? 0;
	const points: PairPoint[] = [];
	for (const trial of trials) {
		const px = valueOn(x, trial, 0.13, jitter);
		const py = valueOn(y, trial, 0.71, jitter);
		if (px === undefined || py === undefined) continue;
		points.push({ index: trial.index, x: px, y: py });
	}
	return points;
}

function valueOn(placed: PlacedAxis, trial: TrialPoint, salt: number, jitter: number): number | undefined {
	const value = placed.axis.name === TRIAL_INDEX_AXIS ? trial.index : trial.params[placed.axis.name];
	if (value === undefined) return undefined;
	const at = placed.position(value);
	if (at === undefined) return undefined;
	return placed.bandwidth > 0 ? px(at + spread(trial.index, salt) * jitter * placed.bandwidth) : at;
}

export interface PairPanel {
	x: PlacedAxis;
	y: PlacedAxis;
	points: PairPoint[];
	/** Trials without a point here: a parameter of the pair was inactive in them. */
	skipped: number;
}

export interface PanelOptions {
	/** Fraction of a band that points on a band axis spread over (default 0). */
	jitter?: number;
	/** Pixels between the frame and the ends of each axis, so edge points are not cut (default 0). */
	inset?: number;
}

/**
 * The panels of the pair plot, each `size` pixels square inside its margins. With one searched
 * parameter there are no pairs, so its one panel plots it against the trial index.
 */
export function pairPanels(
	params: readonly ParamSpec[],
	trials: readonly TrialPoint[],
	size: number,
	options: PanelOptions = {}
): PairPanel[] {
	const inset = options.inset ?? 0;
	const axes = pairAxes(params);
	const maxIndex = Math.max(0, ...trials.map((trial) => trial.index));
	const pairs: [PairAxis, PairAxis][] =
		axes.length === 1
			? [[axes[0]!, { name: TRIAL_INDEX_AXIS, kind: 'linear', min: 0, max: maxIndex }]]
			: axisPairs(axes);
	return pairs.map(([across, up]) => {
		const x = placeAxis(across, [inset, size - inset]);
		const y = placeAxis(up, [size - inset, inset]);
		const points = pairPoints(trials, x, y, options);
		return { x, y, points, skipped: trials.length - points.length };
	});
}
