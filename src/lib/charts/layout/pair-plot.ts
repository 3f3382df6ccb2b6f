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
import { formatNumber } from '../../util/number-format';
import { clip } from '../../study/json-path';
import { tickFormat } from './tick-format';

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

export interface PlaceOptions {
	/**
	 * Which way the tick labels of this axis sit next to each other on screen, when `range` is in
	 * pixels: `across` (a bottom axis: side by side, each as wide as its text) or `up` (a left axis:
	 * stacked, each one line high). Ticks whose labels would overlap are then thinned. Left out (an axis
	 * on a unit range that a chart scales later), every tick is kept.
	 */
	labels?: 'across' | 'up';
}

/**
 * Places an axis along `range` (pixels; give [bottom, top] for a vertical axis). A continuous axis
 * whose range is a single value is widened around it, so its points land in the middle. Every tick of
 * an axis is labelled in one number format (tick-format.ts).
 */
export function placeAxis(
	axis: PairAxis,
	range: readonly [number, number],
	options: PlaceOptions = {}
): PlacedAxis {
	const thin = (ticks: AxisTick[]) => (options.labels ? thinTicks(ticks, options.labels) : ticks);
	if (axis.kind === 'band') {
		const keys = axis.values.map(valueKey);
		const scale = scaleBand<string>().domain(keys).range([range[0], range[1]]).padding(0.2);
		const bandwidth = px(scale.bandwidth());
		const position = (value: ParamValue) => {
			const start = scale(valueKey(value));
			return start === undefined ? undefined : px(start + bandwidth / 2);
		};
		let labels = bandLabels(axis.values);
		// Names of choices side by side are shortened to their band's width before any is left out:
		// "mome…" still tells momentum from nesterov, a missing label tells nothing.
		if (options.labels === 'across' && !allNumbers(axis.values)) {
			const fits = Math.floor((Math.abs(scale.step()) - LABEL_GAP_PX) / LABEL_CHAR_PX);
			labels = labels.map((label) => clip(label, Math.max(MIN_CLIPPED_CHARS, fits)));
		}
		const ticks = thin(axis.values.map((value, k) => ({ at: position(value)!, label: labels[k]! })));
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
	const values = log ? logTicks(min, max) : scale.ticks(3);
	const format = tickFormat(values, log);
	const ticks = thin(values.map((t) => ({ at: px(scale(t)), label: format(t) })));
	return { axis, position, bandwidth: 0, ticks };
}

/**
 * The labels of a band axis. Numbers (the listed values of a discrete parameter) share one format, its
 * trailing zeros trimmed: the bands are choices, not an even scale whose digits should line up, so
 * 0.001, 0.003162, 0.01 rather than 0.001000, 0.003162, 0.010000. Other values as they are written in
 * the study, a number among them to four significant digits.
 */
function bandLabels(values: readonly ParamValue[]): string[] {
	if (allNumbers(values)) {
		const format = tickFormat(values, true);
		return values.map(format);
	}
	return values.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
}

function allNumbers(values: readonly ParamValue[]): values is number[] {
	return values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/**
 * The small plots' tick labels, in CSS pixels: about 6 px per character at their 10 px font (digits and
 * lower-case letters run 5 to 6 px), one line 12 px high, and at least 4 px between two labels. The
 * components cut a label to 9 characters at most, so no label is wider than that.
 */
const LABEL_CHAR_PX = 6;
const LABEL_LINE_PX = 12;
const LABEL_GAP_PX = 4;
const LABEL_MAX_CHARS = 9;
/** A name is never cut shorter than this many characters (two and an ellipsis). */
const MIN_CLIPPED_CHARS = 3;

/**
 * Every k-th tick from the first, for the least k at which no two labels left overlap (each label
 * centred on its tick): many bands on a small plot would otherwise print their labels over each other.
 */
export function thinTicks(ticks: readonly AxisTick[], labels: 'across' | 'up'): AxisTick[] {
	const extent = (label: string) =>
		labels === 'up' ? LABEL_LINE_PX : Math.min(Array.from(label).length, LABEL_MAX_CHARS) * LABEL_CHAR_PX;
	for (let every = 1; every < ticks.length; every++) {
		const kept = ticks.filter((_, k) => k % every === 0);
		const apart = kept.every(
			(tick, k) =>
				k === 0 ||
				Math.abs(tick.at - kept[k - 1]!.at) >=
					(extent(tick.label) + extent(kept[k - 1]!.label)) / 2 + LABEL_GAP_PX
		);
		if (apart) return kept;
	}
	return ticks.slice(0, 1);
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
		const x = placeAxis(across, [inset, size - inset], { labels: 'across' });
		const y = placeAxis(up, [size - inset, inset], { labels: 'up' });
		const points = pairPoints(trials, x, y, options);
		return { x, y, points, skipped: trials.length - points.length };
	});
}
