// The pure half of the study-wide curve chart (StudyCurves.svelte): every trial's curve of one metric
// against optimizer steps, smoothed, ranked by the objective, scaled, projected to pixels and
// downsampled, plus the nearest-curve search behind hover. No DOM: the component only draws what
// these return, and the benchmark times the same functions.
import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3';
import {
	isInfeasible,
	isStopped,
	metricGoal,
	trialValue,
	type ObjectiveChoice
} from '../../analysis/objective';
import type { MetricBatch } from '../../study/metrics';
import type { Study, TrialRecord } from '../../study/study';
import { axisTicks } from './curve-scales';
import { metricName } from './axis-words';
import { minMaxDownsample } from './downsample';
import { smoothDebiased } from './smoothing';
import { INFEASIBLE_COLOR, objectiveColor, STOPPED_COLOR, UNRANKED_COLOR } from './objective-colors';

/** The trial's own curve, its averaged-weight evaluations, or one of its cooldown branches. */
export type CurveKind = 'main' | 'ema' | 'swa' | 'branch';

export interface StudyCurve {
	/** Unique within a chart: `t3`, `t3-ema`, `t3-swa`, `t3-b0`. */
	key: string;
	/** The trial's `index` (not its position in `study.trials`). */
	trial: number;
	kind: CurveKind;
	/** What the curve is, in words, for read-outs. */
	label: string;
	/** Optimizer steps, non-decreasing. */
	steps: Float64Array;
	/** The logged values; NaN where the file has a non-finite value (null). */
	raw: Float64Array;
	/** `raw` after debiased exponential smoothing (equal to `raw` at β = 0). */
	smooth: Float64Array;
	infeasible: boolean;
	/** The trial was stopped early by successive halving (drawn in its own colour and dash). */
	stopped?: boolean;
	/** Branches: the parent step the branch was trained from. */
	fromStep?: number;
}

export interface CurveOptions {
	metric: string;
	/** Smoothing β in [0, 1), per logged row (see smoothing.ts). */
	beta: number;
}

/** The averaged-weight version of a validation metric (`valLoss` → `emaValLoss`), or null. */
export function averagedMetric(metric: string, kind: 'ema' | 'swa'): string | null {
	if (!/^val[A-Z]/.test(metric)) return null;
	return `${kind}${metric[0]!.toUpperCase()}${metric.slice(1)}`;
}

/**
 * One metric's rows, keeping non-finite values as NaN (so lines break there) rather than dropping them
 * as `metricPoints` does. Evaluation rows that lack the key (SWA before its first sample) are left out.
 * Typed arrays: a 500-trial study has a million training rows, and these are built on every change of
 * metric or smoothing.
 */
export function metricRows(
	metrics: MetricBatch,
	metric: string
): { steps: Float64Array; values: Float64Array } {
	if (metric === 'trainLoss') {
		const { step, loss } = metrics.train;
		const n = Math.min(step.length, loss.length);
		const steps = new Float64Array(n);
		const values = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			steps[i] = step[i]!;
			const v = loss[i] as number | null;
			values[i] = v === null || !Number.isFinite(v) ? NaN : v;
		}
		return { steps, values };
	}
	const rows = metrics.evals as unknown as Record<string, unknown>[];
	let n = 0;
	for (const row of rows) if (row[metric] !== undefined) n++;
	const steps = new Float64Array(n);
	const values = new Float64Array(n);
	let k = 0;
	for (const row of rows) {
		const v = row[metric];
		if (v === undefined) continue;
		steps[k] = row.step as number;
		values[k++] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
	}
	return { steps, values };
}

function makeCurve(
	base: Omit<StudyCurve, 'steps' | 'raw' | 'smooth'>,
	steps: Float64Array,
	values: Float64Array,
	beta: number,
	skip = 0
): StudyCurve {
	// At β = 0 the smoothed curve is the raw one: share the array (a million rows fewer to copy).
	const smooth = beta === 0 ? values : smoothDebiased(values, beta);
	return {
		...base,
		steps: skip > 0 ? steps.slice(skip) : steps,
		raw: skip > 0 ? values.slice(skip) : values,
		smooth: skip > 0 ? smooth.slice(skip) : smooth
	};
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
	const out = new Float64Array(a.length + b.length);
	out.set(a);
	out.set(b, a.length);
	return out;
}

/**
 * Every curve of the study for `metric`: each trial's own, its EMA and SWA evaluations when the metric
 * is a validation one and they were logged, and each cooldown branch.
 *
 * A branch is smoothed as the continuation of its parent (the parent's rows up to the branch point,
 * then the branch's), so at the same β its line leaves the parent's smoothed line without a jump; it
 * is drawn from the parent's last row at or before `fromStep`, so it visibly starts on the parent.
 */
export function studyCurves(study: Pick<Study, 'trials'>, options: CurveOptions): StudyCurve[] {
	const { metric, beta } = options;
	/** The metric in words for the curves' labels (read out on hover): "validation loss". */
	const name = metricName(metric);
	const curves: StudyCurve[] = [];
	for (const trial of study.trials) {
		if (!trial.metrics) continue;
		const infeasible = isInfeasible(trial);
		const own = metricRows(trial.metrics, metric);
		if (own.steps.length > 0) {
			const main: Omit<StudyCurve, 'steps' | 'raw' | 'smooth'> = {
				key: `t${trial.index}`,
				trial: trial.index,
				kind: 'main',
				label: isStopped(trial) ? `${name} (stopped early by successive halving)` : name,
				infeasible
			};
			if (isStopped(trial)) main.stopped = true;
			curves.push(makeCurve(main, own.steps, own.values, beta));
		}
		for (const kind of ['ema', 'swa'] as const) {
			const averaged = averagedMetric(metric, kind);
			if (!averaged) continue;
			const rows = metricRows(trial.metrics, averaged);
			if (rows.steps.length === 0) continue;
			const label = metricName(averaged);
			curves.push(
				makeCurve(
					{ key: `t${trial.index}-${kind}`, trial: trial.index, kind, label, infeasible },
					rows.steps,
					rows.values,
					beta
				)
			);
		}
		(trial.branches ?? []).forEach((branch, b) => {
			if (!branch.metrics) return;
			const rows = metricRows(branch.metrics, metric);
			if (rows.steps.length === 0) return;
			const firstStep = rows.steps[0]!;
			let prefix = 0;
			while (
				prefix < own.steps.length &&
				own.steps[prefix]! < firstStep &&
				own.steps[prefix]! <= branch.fromStep
			)
				prefix++;
			curves.push(
				makeCurve(
					{
						key: `t${trial.index}-b${b}`,
						trial: trial.index,
						kind: 'branch',
						label: `${name}, cooldown branch from step ${branch.fromStep} (${branch.length} steps, ${branch.shape})`,
						infeasible: branch.status === 'infeasible',
						fromStep: branch.fromStep
					},
					concat(own.steps.subarray(0, prefix), rows.steps),
					concat(own.values.subarray(0, prefix), rows.values),
					beta,
					Math.max(0, prefix - 1)
				)
			);
		});
	}
	return curves;
}

export interface TrialRanking {
	/** Trial indices: feasible trials with a value best first (ties by index), then feasible trials
	 * without one, then trials stopped by successive halving, then infeasible trials, each by index. */
	order: number[];
	/** How many trials at the front of `order` have an objective value. */
	ranked: number;
	/** Each ranked trial's objective value and step, by trial index. */
	values: Map<number, { value: number; step: number }>;
}

/**
 * Orders the trials by the objective; infeasible trials and trials stopped early by successive halving
 * (trained only to a rung, so never the best) are never ranked, whatever they logged.
 */
export function rankTrials(trials: readonly TrialRecord[], choice: ObjectiveChoice): TrialRanking {
	const values = new Map<number, { value: number; step: number }>();
	const unranked: number[] = [];
	const stopped: number[] = [];
	const infeasible: number[] = [];
	for (const trial of trials) {
		if (isInfeasible(trial)) {
			infeasible.push(trial.index);
			continue;
		}
		if (isStopped(trial)) {
			stopped.push(trial.index);
			continue;
		}
		const v = trialValue(trial, choice);
		if (v) values.set(trial.index, v);
		else unranked.push(trial.index);
	}
	const sign = metricGoal(choice.metric) === 'minimize' ? 1 : -1;
	const ranked = [...values.keys()].sort(
		(a, b) => sign * (values.get(a)!.value - values.get(b)!.value) || a - b
	);
	const byIndex = (a: number, b: number) => a - b;
	return {
		order: [...ranked, ...unranked.sort(byIndex), ...stopped.sort(byIndex), ...infeasible.sort(byIndex)],
		ranked: ranked.length,
		values
	};
}

/** The indices of the `k` best trials by the objective, best first; every trial when k is 0 or empty. */
export function bestTrials(
	trials: readonly TrialRecord[],
	choice: ObjectiveChoice,
	k: number | null | undefined
): number[] {
	const ranking = rankTrials(trials, choice);
	if (!k || !(k > 0)) return ranking.order;
	return ranking.order.slice(0, Math.min(Math.floor(k), ranking.ranked));
}

// The colours of infeasible, unranked and stopped trials are the page's one convention (objective-colors.ts).
export { INFEASIBLE_COLOR, STOPPED_COLOR, UNRANKED_COLOR };
/** Rank colours come in this many steps, so the canvas strokes one path per step, not per trial. */
export const RANK_COLOR_STEPS = 16;

/** The page's ramp for "better" (objective-colors.ts): dark for the best rank, green-yellow for the worst. */
export function rankColor(rank: number, ranked: number): string {
	const t =
		ranked <= 1 ? 0 : Math.round((rank / (ranked - 1)) * (RANK_COLOR_STEPS - 1)) / (RANK_COLOR_STEPS - 1);
	return objectiveColor(t);
}

/**
 * The colour of each trial: by objective rank, grey without a value, amber when stopped early by
 * successive halving, red when infeasible.
 */
export function trialColors(trials: readonly TrialRecord[], ranking: TrialRanking): Map<number, string> {
	const colors = new Map<number, string>();
	ranking.order.forEach((index, position) =>
		colors.set(index, position < ranking.ranked ? rankColor(position, ranking.ranked) : UNRANKED_COLOR)
	);
	for (const trial of trials) if (isStopped(trial)) colors.set(trial.index, STOPPED_COLOR);
	for (const trial of trials) if (isInfeasible(trial)) colors.set(trial.index, INFEASIBLE_COLOR);
	return colors;
}

export type XScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;
export type YScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

export interface ChartScales {
	x: XScale;
	y: YScale;
	logX: boolean;
	logY: boolean;
}

/**
 * Scales for the shown curves in a plot area of `size` CSS pixels.
 *
 * - Log x: step 0 has no place on a log axis, so the domain starts at the smallest positive step and
 *   points at step 0 are left out of the drawing (the line starts at the first positive step).
 * - Log y: values ≤ 0 are left out likewise.
 * - The y domain comes from the smoothed values (what is drawn) of the feasible curves when any
 *   exist: a diverged trial's loss of 1e9 would otherwise flatten every other curve. Infeasible curves
 *   are still drawn, clipped at the plot's edge.
 */
export function chartScales(
	curves: readonly StudyCurve[],
	size: { width: number; height: number },
	logX: boolean,
	logY: boolean
): ChartScales {
	let [x0, x1] = stepExtent(curves, logX);
	if (!Number.isFinite(x0)) [x0, x1] = logX ? [1, 10] : [0, 1];
	if (x1 === x0) x1 = logX ? x0 * 10 : x0 + 1;
	let [y0, y1] = valueExtent(curves, logX, logY, true);
	if (!Number.isFinite(y0)) [y0, y1] = valueExtent(curves, logX, logY, false);
	if (!Number.isFinite(y0)) [y0, y1] = logY ? [0.1, 1] : [0, 1];
	if (y0 === y1) {
		// A flat curve still needs a visible band, scaled to its value.
		const half = y0 === 0 ? 1 : Math.abs(y0) / 2;
		[y0, y1] = logY ? [y0 / 2, y1 * 2] : [y0 - half, y1 + half];
	}
	const x = (logX ? scaleLog() : scaleLinear()).domain([x0, x1]).range([0, size.width]);
	const y = (logY ? scaleLog() : scaleLinear()).domain([y0, y1]).range([size.height, 0]).nice();
	return { x, y, logX, logY };
}

// The extents below loop over a million values with no closures, so every variable stays in a
// register (a closure's captured variables are loaded from memory on each use).

/** Smallest and largest step (positive steps only on a log axis); [∞, −∞] when none. */
function stepExtent(curves: readonly StudyCurve[], logX: boolean): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (let k = 0; k < curves.length; k++) {
		// Steps never decrease along a curve: its extent is its first (positive) and last step.
		const steps = curves[k]!.steps;
		const n = steps.length;
		if (n === 0) continue;
		let i = 0;
		if (logX) while (i < n && !(steps[i]! > 0)) i++;
		if (i === n) continue;
		if (steps[i]! < lo) lo = steps[i]!;
		if (steps[n - 1]! > hi) hi = steps[n - 1]!;
	}
	return [lo, hi];
}

/** Extent of the drawable smoothed values; [∞, −∞] when none. */
function valueExtent(
	curves: readonly StudyCurve[],
	logX: boolean,
	logY: boolean,
	feasibleOnly: boolean
): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (let k = 0; k < curves.length; k++) {
		const c = curves[k]!;
		if (feasibleOnly && c.infeasible) continue;
		const values = c.smooth;
		const steps = c.steps;
		for (let i = 0; i < values.length; i++) {
			const y = values[i]!;
			// NaN fails both comparisons; ±Infinity are not drawable.
			if (!(y > -Infinity && y < Infinity) || (logY && !(y > 0)) || (logX && !(steps[i]! > 0))) continue;
			if (y < lo) lo = y;
			if (y > hi) hi = y;
		}
	}
	return [lo, hi];
}

/** Axis tick values: decades (and 2·, 5·) on log axes so labels never crowd. */
export function chartTicks(scales: ChartScales): { x: number[]; y: number[] } {
	return { x: axisTicks(scales.x, scales.logX, 6), y: axisTicks(scales.y, scales.logY, 5) };
}

/** A curve in plot-area pixels (origin at the top left of the plot area), downsampled. */
export interface PixelCurve {
	/** Position of the source curve in the array given to `projectCurves`. */
	curve: number;
	/** x in CSS pixels, non-decreasing (NaN never appears). */
	xs: Float32Array;
	/** y in CSS pixels; NaN marks a gap (a non-finite value, or a point a log axis cannot show). */
	ys: Float32Array;
	/** The source row (index into the curve's steps) of each kept point. */
	rows: Uint32Array;
}

/**
 * Projects the smoothed curves to pixels, then keeps per pixel column (of `buckets` across the plot
 * area's `width`; default one per CSS pixel) only the first, lowest, highest and last point, so spikes
 * survive and 2,000-point curves cost what ~4 × width points cost.
 */
export function projectCurves(
	curves: readonly StudyCurve[],
	scales: ChartScales,
	width: number,
	buckets = Math.ceil(width)
): PixelCurve[] {
	// The scales as px = a·v + b (of ln v on a log axis): the same numbers d3 computes, without a
	// function call per point (two million of them for 500 × 2,000 rows).
	const x = affine(scales.x, scales.logX);
	const y = affine(scales.y, scales.logY);
	const out: PixelCurve[] = [];
	let xs = new Float32Array(0);
	let ys = new Float32Array(0);
	for (let k = 0; k < curves.length; k++) {
		const c = curves[k]!;
		const n = c.steps.length;
		if (xs.length < n) {
			xs = new Float32Array(n);
			ys = new Float32Array(n);
		}
		projectInto(c.steps, c.smooth, xs, ys, x.a, x.b, y.a, y.b, scales.logX, scales.logY);
		const keep = minMaxDownsample(xs.subarray(0, n), ys.subarray(0, n), buckets, 0, width);
		const px = new Float32Array(keep.length);
		const py = new Float32Array(keep.length);
		for (let j = 0; j < keep.length; j++) {
			px[j] = xs[keep[j]!]!;
			py[j] = ys[keep[j]!]!;
		}
		out.push({ curve: k, xs: px, ys: py, rows: keep });
	}
	return out;
}

/** Pixel coordinates of one curve; NaN y where an axis cannot show the point. */
function projectInto(
	steps: Float64Array,
	values: Float64Array,
	xs: Float32Array,
	ys: Float32Array,
	ax: number,
	bx: number,
	ay: number,
	by: number,
	logX: boolean,
	logY: boolean
): void {
	for (let i = 0; i < steps.length; i++) {
		const step = steps[i]!;
		const value = values[i]!;
		if (logX && !(step > 0)) {
			xs[i] = 0;
			ys[i] = NaN;
			continue;
		}
		xs[i] = ax * (logX ? Math.log(step) : step) + bx;
		ys[i] = logY && !(value > 0) ? NaN : ay * (logY ? Math.log(value) : value) + by;
	}
}

/** A linear or log d3 scale as coefficients of px = a·v + b (v = ln value on a log scale). */
function affine(scale: XScale | YScale, log: boolean): { a: number; b: number } {
	const [d0, d1] = scale.domain() as [number, number];
	const [r0, r1] = scale.range() as [number, number];
	const u0 = log ? Math.log(d0) : d0;
	const u1 = log ? Math.log(d1) : d1;
	const a = u1 === u0 ? 0 : (r1 - r0) / (u1 - u0);
	return { a, b: r0 - a * u0 };
}

/** SVG path data for a pixel curve; gaps start a new sub-path. */
export function pixelPath(p: PixelCurve): string {
	let d = '';
	let pen = false;
	for (let i = 0; i < p.xs.length; i++) {
		const y = p.ys[i]!;
		if (Number.isNaN(y)) {
			pen = false;
			continue;
		}
		d += `${pen ? 'L' : 'M'}${p.xs[i]!.toFixed(1)},${y.toFixed(1)}`;
		pen = true;
	}
	return d;
}

/** The last drawable point of a pixel curve (where an infeasible trial stopped), or null. */
export function lastPoint(p: PixelCurve): { x: number; y: number } | null {
	for (let i = p.xs.length - 1; i >= 0; i--) {
		if (!Number.isNaN(p.ys[i]!)) return { x: p.xs[i]!, y: p.ys[i]! };
	}
	return null;
}

/** First index with xs[i] ≥ x (xs non-decreasing). */
function lowerBound(xs: Float32Array, x: number): number {
	let lo = 0;
	let hi = xs.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (xs[mid]! < x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export interface NearestHit {
	/** Index into the pixel curves searched. */
	pixelCurve: number;
	/** Source row of the point nearest along the hit segment. */
	row: number;
	/** Distance from the pointer to the curve, in CSS pixels. */
	distance: number;
	/** The point on the curve's drawn line (pixels) that the row stands for. */
	x: number;
	y: number;
}

/**
 * The curve nearest to (`mx`, `my`) among `candidates` (indices into `pixels`), within `radius` CSS
 * pixels, or null. Each curve costs a binary search on its x column plus the few segments within the
 * radius (≈ 4 per pixel column at most after downsampling): O(curves · (log n + radius)), never a scan
 * of every raw point, so 500 curves of 2,000 points answer in well under a millisecond.
 */
export function nearestCurve(
	pixels: readonly PixelCurve[],
	candidates: Iterable<number>,
	mx: number,
	my: number,
	radius: number
): NearestHit | null {
	let best: NearestHit | null = null;
	let bestD2 = radius * radius;
	for (const k of candidates) {
		const p = pixels[k];
		if (!p || p.xs.length === 0) continue;
		const { xs, ys } = p;
		// One point before the window too: a long segment can cross the window with both ends outside.
		const start = Math.max(0, lowerBound(xs, mx - radius) - 1);
		for (let i = start; i < xs.length; i++) {
			const x1 = xs[i]!;
			const y1 = ys[i]!;
			if (Number.isNaN(y1)) {
				if (x1 > mx + radius) break;
				continue;
			}
			const prevOk = i > start && !Number.isNaN(ys[i - 1]!);
			let t = 1;
			let x0 = x1;
			let y0 = y1;
			if (prevOk) {
				x0 = xs[i - 1]!;
				y0 = ys[i - 1]!;
				const dx = x1 - x0;
				const dy = y1 - y0;
				const len2 = dx * dx + dy * dy;
				t = len2 > 0 ? Math.min(1, Math.max(0, ((mx - x0) * dx + (my - y0) * dy) / len2)) : 1;
			}
			const cx = x0 + t * (x1 - x0);
			const cy = y0 + t * (y1 - y0);
			const d2 = (mx - cx) ** 2 + (my - cy) ** 2;
			// Strictly nearer only: on a tie the candidate listed first (drawn on top) keeps the hit.
			if (d2 < bestD2 || (best === null && d2 === bestD2)) {
				bestD2 = d2;
				const near = t < 0.5 && prevOk ? i - 1 : i;
				best = { pixelCurve: k, row: p.rows[near]!, distance: Math.sqrt(d2), x: xs[near]!, y: ys[near]! };
			}
			if (x1 > mx + radius) break;
		}
	}
	return best;
}
