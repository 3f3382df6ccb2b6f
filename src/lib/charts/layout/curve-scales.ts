// Pure helpers for line charts of metrics against optimizer steps: domains, scales, paths and
// hover read-outs. Components only draw what these return.
import { bisector, extent, line, scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3';
import { formatNumber } from '../../util/number-format';

export interface CurveSeries {
	id: string;
	label: string;
	color: string;
	xs: readonly number[];
	ys: readonly number[];
	/** Draw markers at each point (sparse series such as evaluations). */
	markers?: boolean;
	/** Markers only, no connecting line. */
	hideLine?: boolean;
	/** Dashed line: derived curves such as averaged weights. */
	dashed?: boolean;
}

export type YScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

export interface CurveScales {
	x: ScaleLinear<number, number>;
	y: YScale;
}

/** A value can be drawn when it is finite (and positive on a log axis). */
export function drawable(y: number, logY: boolean): boolean {
	return Number.isFinite(y) && (!logY || y > 0);
}

export function curveScales(
	series: readonly CurveSeries[],
	size: { width: number; height: number },
	logY: boolean
): CurveScales {
	const xs = series.flatMap((s) => s.xs as number[]);
	const ys = series.flatMap((s) => (s.ys as number[]).filter((y) => drawable(y, logY)));
	const [x0 = 0, x1 = 1] = extent(xs);
	let [y0 = logY ? 0.1 : 0, y1 = 1] = extent(ys);
	if (y0 === y1) {
		// A flat series (a constant learning rate) still needs a visible band, scaled to its value.
		const half = y0 === 0 ? 1 : Math.abs(y0) / 2;
		y0 = logY ? y0 / 2 : y0 - half;
		y1 = logY ? y1 * 2 : y1 + half;
	}
	const x = scaleLinear()
		.domain([x0, x1 === x0 ? x0 + 1 : x1])
		.range([0, size.width]);
	const y = (logY ? scaleLog() : scaleLinear()).domain([y0, y1]).range([size.height, 0]).nice();
	return { x, y };
}

/**
 * Tick values for an axis. On a log axis spanning more than a decade only 1·10ᵏ (and 2·, 5· when few
 * decades are shown) get labels, so labels never crowd; within a decade the linear ticks are fine.
 */
export function axisTicks(scale: YScale | ScaleLinear<number, number>, logY: boolean, count = 5): number[] {
	if (!logY) return scale.ticks(count);
	const [lo, hi] = scale.domain() as [number, number];
	const firstDecade = Math.floor(Math.log10(lo));
	const lastDecade = Math.ceil(Math.log10(hi));
	const decades = lastDecade - firstDecade;
	if (decades <= 1) return scale.ticks(count);
	const multiples = decades <= 3 ? [1, 2, 5] : [1];
	const ticks: number[] = [];
	for (let d = firstDecade; d <= lastDecade; d++) {
		for (const m of multiples) {
			const t = Number((m * 10 ** d).toPrecision(12)); // 10 ** -5 is not exactly 1e-5
			if (t >= lo && t <= hi) ticks.push(t);
		}
	}
	return ticks;
}

/** SVG path data for one series; undrawable points break the line instead of dragging it to 0. */
export function linePath(s: CurveSeries, scales: CurveScales, logY: boolean): string {
	const points = s.xs.map((x, i) => [x, s.ys[i]!] as const);
	const path = line<readonly [number, number]>()
		.defined((p) => drawable(p[1], logY))
		.x((p) => scales.x(p[0]))
		.y((p) => scales.y(p[1]));
	return path(points) ?? '';
}

const byValue = bisector((v: number) => v).center;

/** Index of the x closest to `x` in a sorted array, or -1 when empty. */
export function nearestIndex(xs: readonly number[], x: number): number {
	if (xs.length === 0) return -1;
	return byValue(xs as number[], x);
}

export interface Readout {
	id: string;
	label: string;
	color: string;
	x: number;
	y: number;
}

/** For each series, the point nearest to step `x`. */
export function readoutAt(series: readonly CurveSeries[], x: number): Readout[] {
	const out: Readout[] = [];
	for (const s of series) {
		const i = nearestIndex(s.xs, x);
		if (i >= 0) out.push({ id: s.id, label: s.label, color: s.color, x: s.xs[i]!, y: s.ys[i]! });
	}
	return out;
}

/** Read-outs are written as every number for a person is (util/number-format.ts): 4 significant digits. */
export function formatValue(v: number): string {
	return formatNumber(v);
}
