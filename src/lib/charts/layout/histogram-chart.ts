// Pure layout of a histogram chart (bars, axis ticks, one marked value) in CSS pixels, for the gradient
// norm histogram of the stability panel. The bins come from analysis/stability.ts; the component only
// draws what this returns.
import { scaleLinear, scaleLog } from 'd3';
import type { Histogram } from '../../analysis/stability';
import { axisTicks } from './curve-scales';

export interface HistogramBar {
	x: number;
	width: number;
	y: number;
	height: number;
	count: number;
	lo: number;
	hi: number;
}

export interface HistogramLayout {
	bars: HistogramBar[];
	xTicks: { value: number; x: number }[];
	yTicks: { value: number; y: number }[];
	/** Horizontal position of the marked value, or null when there is none or it lies off the axis. */
	markerX: number | null;
}

/** Pixel positions to a thousandth of a pixel: finer detail is float noise, and short in the DOM. */
function px(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** Bars spanning `size` (the plot area inside the margins), the x axis log-scaled when the bins are. */
export function histogramLayout(
	histogram: Histogram,
	size: { width: number; height: number },
	marker: number | null = null
): HistogramLayout {
	const { bins } = histogram;
	if (bins.length === 0) return { bars: [], xTicks: [], yTicks: [], markerX: null };
	const lo = bins[0]!.lo;
	const hi = bins[bins.length - 1]!.hi;
	const log = histogram.scale === 'log';
	const x = (log ? scaleLog() : scaleLinear()).domain([lo, hi]).range([0, size.width]);
	const maxCount = Math.max(1, ...bins.map((b) => b.count));
	const y = scaleLinear().domain([0, maxCount]).range([size.height, 0]).nice();
	const bars = bins.map((b) => {
		const left = x(b.lo);
		const top = y(b.count);
		return {
			x: px(left),
			width: px(Math.max(0, x(b.hi) - left - 1)),
			y: px(top),
			height: px(size.height - top),
			count: b.count,
			lo: b.lo,
			hi: b.hi
		};
	});
	const xTicks = axisTicks(x, log, 5).map((value) => ({ value, x: px(x(value)) }));
	const yTicks = y
		.ticks(4)
		.filter((value) => Number.isInteger(value))
		.map((value) => ({ value, y: px(y(value)) }));
	const markerX = marker !== null && marker >= lo && marker <= hi ? px(x(marker)) : null;
	return { bars, xTicks, yTicks, markerX };
}
