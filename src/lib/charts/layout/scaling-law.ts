// Layouts of the scaling-law views (the fit is analysis/scaling-fit.ts; this only places it): the points
// with the fitted curves (loss against D, one curve per model size, or loss against N, one per training
// length), and the iso-loss contours of the fitted law over (N, D) with the compute-optimal frontier.
// Every axis is logarithmic. Pure: numbers in, pixel positions and SVG path strings out.
import { scaleLog, schemeTableau10 } from 'd3';
import { computeOptimal, predictLoss, type ScalingParams } from '../../analysis/scaling-fit';

export interface ScalingChartPoint {
	N: number;
	D: number;
	loss: number;
}

export interface LogTick {
	at: number;
	label: string;
	value: number;
}

export interface PlacedPoint extends ScalingChartPoint {
	x: number;
	y: number;
}

export interface CurveSeries {
	/** The N (loss against D) or the D (loss against N) the series holds fixed. */
	key: number;
	label: string;
	/** 0-based position among the series, small to large. */
	rank: number;
	color: string;
	points: PlacedPoint[];
	/** The fitted law along the x axis at this series' fixed value; '' without a fit. */
	path: string;
}

export interface CurvesLayout {
	x: { ticks: LogTick[]; title: string };
	y: { ticks: LogTick[]; title: string };
	series: CurveSeries[];
}

/** Samples of each fitted curve along its axis. */
const CURVE_SAMPLES = 64;

/** A short label for a count: 1200 → "1.2k", 3400000 → "3.4M". */
export function shortCount(value: number): string {
	const units: [number, string][] = [
		[1e12, 'T'],
		[1e9, 'G'],
		[1e6, 'M'],
		[1e3, 'k']
	];
	for (const [size, unit] of units)
		if (Math.abs(value) >= size) return `${+(value / size).toPrecision(3)}${unit}`;
	return `${+value.toPrecision(3)}`;
}

/** A log domain around `values`, widened by `pad` decades on each side (a single value gets ± one). */
function logDomain(values: readonly number[], pad: number): [number, number] {
	const positive = values.filter((v) => v > 0 && Number.isFinite(v));
	if (positive.length === 0) return [1, 10];
	let lo = Math.log10(Math.min(...positive));
	let hi = Math.log10(Math.max(...positive));
	if (hi - lo < 1e-9) {
		lo -= 0.5;
		hi += 0.5;
	}
	return [10 ** (lo - pad), 10 ** (hi + pad)];
}

function ticksOf(scale: ReturnType<typeof scaleLog<number>>, format: (v: number) => string): LogTick[] {
	const [lo, hi] = scale.domain() as [number, number];
	const decades = Math.log10(hi / lo);
	// Few decades: d3's 1–9 subdivisions, thinned to about six labels; many: one per decade.
	let values = scale.ticks(decades < 1.5 ? 6 : Math.max(2, Math.ceil(decades)));
	if (values.length > 7)
		values = values.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
	if (values.length < 2) values = [lo, hi];
	return values.map((value) => ({ at: round(scale(value)), label: format(value), value }));
}

function round(v: number): number {
	return Math.round(v * 100) / 100;
}

function pathOf(xy: readonly [number, number][]): string {
	return xy.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round(x)},${round(y)}`).join('');
}

/**
 * The points and fitted curves: `by` 'D' puts D on the x axis with one series (and curve) per model
 * size N; 'N' puts N on the x axis with one series per training length D. Loss is on a log y axis.
 */
export function layoutScalingCurves(
	points: readonly ScalingChartPoint[],
	fit: ScalingParams | null,
	size: { width: number; height: number },
	by: 'D' | 'N'
): CurvesLayout {
	const along = (p: ScalingChartPoint) => (by === 'D' ? p.D : p.N);
	const fixed = (p: ScalingChartPoint) => (by === 'D' ? p.N : p.D);
	const x = scaleLog()
		.domain(logDomain(points.map(along), 0.05))
		.range([0, size.width]);
	const [xLo, xHi] = x.domain() as [number, number];
	const keys = [...new Set(points.map(fixed))].sort((a, b) => a - b);
	const curveAt = (key: number, t: number) =>
		by === 'D' ? predictLoss(fit!, key, t) : predictLoss(fit!, t, key);
	const curveValues = fit
		? keys.flatMap((key) => [curveAt(key, xLo), curveAt(key, xHi)]).filter((v) => v > 0 && Number.isFinite(v))
		: [];
	const y = scaleLog()
		.domain(logDomain([...points.map((p) => p.loss), ...curveValues], 0.02))
		.range([size.height, 0]);
	const [yLo, yHi] = y.domain() as [number, number];
	const series = keys.map((key, rank): CurveSeries => {
		const mine = points.filter((p) => fixed(p) === key).sort((a, b) => along(a) - along(b));
		let path = '';
		if (fit) {
			const xy: [number, number][] = [];
			for (let i = 0; i <= CURVE_SAMPLES; i++) {
				const t = xLo * (xHi / xLo) ** (i / CURVE_SAMPLES);
				const loss = curveAt(key, t);
				if (loss > 0 && Number.isFinite(loss)) xy.push([x(t), y(Math.min(Math.max(loss, yLo), yHi))]);
			}
			path = pathOf(xy);
		}
		return {
			key,
			label: by === 'D' ? `N = ${shortCount(key)}` : `D = ${shortCount(key)}`,
			rank,
			color: schemeTableau10[rank % schemeTableau10.length]!,
			points: mine.map((p) => ({ ...p, x: round(x(along(p))), y: round(y(p.loss)) })),
			path
		};
	});
	return {
		x: { ticks: ticksOf(x, shortCount), title: by === 'D' ? 'D, training examples seen' : 'N, parameters' },
		y: { ticks: ticksOf(y, (v) => `${+v.toPrecision(2)}`), title: 'validation loss' },
		series
	};
}

export interface ContourLine {
	level: number;
	label: string;
	path: string;
	/** Where to print the label (the curve's left end inside the plot), or null when it has none. */
	labelAt: { x: number; y: number } | null;
}

export interface IsoLossLayout {
	x: { ticks: LogTick[]; title: string };
	y: { ticks: LogTick[]; title: string };
	contours: ContourLine[];
	/** The compute-optimal (N, D) for budgets across the plot, as a path. */
	frontier: string;
	points: PlacedPoint[];
	/** The user's budget: the optimal (N, D) placed, or null (none, or outside the plot). */
	budget: (PlacedPoint & { C: number }) | null;
}

/**
 * Iso-loss contours of the fitted law over N (x) and D (y), both on log axes spanning the points and the
 * budget's optimum (when given) with some room. On a contour at level ℓ > E, D follows from N exactly:
 * D = (B / (ℓ − E − A·N^(−α)))^(1/β), where the denominator is positive. Levels default to evenly spaced
 * log values between the best and worst fitted loss on the plot.
 */
export function layoutIsoLoss(
	fit: ScalingParams,
	points: readonly ScalingChartPoint[],
	size: { width: number; height: number },
	options: { levels?: number; budget?: number | null } = {}
): IsoLossLayout {
	const budget = options.budget && options.budget > 0 ? computeOptimal(fit, options.budget) : null;
	const x = scaleLog()
		.domain(logDomain([...points.map((p) => p.N), ...(budget ? [budget.N] : [])], 0.3))
		.range([0, size.width]);
	const y = scaleLog()
		.domain(logDomain([...points.map((p) => p.D), ...(budget ? [budget.D] : [])], 0.3))
		.range([size.height, 0]);
	const [nLo, nHi] = x.domain() as [number, number];
	const [dLo, dHi] = y.domain() as [number, number];
	const best = predictLoss(fit, nHi, dHi);
	const worst = predictLoss(fit, nLo, dLo);
	const count = options.levels ?? 7;
	const levels = Array.from({ length: count }, (_, i) => best * (worst / best) ** ((i + 0.5) / count));
	const contours = levels.map((level): ContourLine => {
		const xy: [number, number][] = [];
		for (let i = 0; i <= CURVE_SAMPLES * 2; i++) {
			const N = nLo * (nHi / nLo) ** (i / (CURVE_SAMPLES * 2));
			const room = level - fit.E - fit.A * N ** -fit.alpha;
			if (!(room > 0)) continue;
			const D = (fit.B / room) ** (1 / fit.beta);
			if (D < dLo || D > dHi) continue;
			xy.push([x(N), y(D)]);
		}
		return {
			level,
			label: `${+level.toPrecision(3)}`,
			path: pathOf(xy),
			labelAt: xy.length > 0 ? { x: round(xy[0]![0]), y: round(xy[0]![1]) } : null
		};
	});
	// The frontier: N*(C) and D*(C) both grow as powers of C, so it is a straight line on these axes;
	// sample budgets from the plot's corner to corner.
	const cLo = 6 * nLo * dLo;
	const cHi = 6 * nHi * dHi;
	const frontierXY: [number, number][] = [];
	for (let i = 0; i <= CURVE_SAMPLES; i++) {
		const optimal = computeOptimal(fit, cLo * (cHi / cLo) ** (i / CURVE_SAMPLES));
		if (optimal.N >= nLo && optimal.N <= nHi && optimal.D >= dLo && optimal.D <= dHi)
			frontierXY.push([x(optimal.N), y(optimal.D)]);
	}
	return {
		x: { ticks: ticksOf(x, shortCount), title: 'N, parameters' },
		y: { ticks: ticksOf(y, shortCount), title: 'D, training examples seen' },
		contours,
		frontier: pathOf(frontierXY),
		points: points.map((p) => ({ ...p, x: round(x(p.N)), y: round(y(p.D)) })),
		budget: budget ? { ...budget, C: options.budget!, x: round(x(budget.N)), y: round(y(budget.D)) } : null
	};
}
