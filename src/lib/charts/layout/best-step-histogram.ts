// Layout of the best-step histogram: the x axis is the fraction of maxTrainSteps, the y axis the number
// of trials. The report itself (bins, readings) is analysis/best-step.ts.

import { type HistogramBin, formatPercent, EARLY_FRACTION, LATE_FRACTION } from '../../analysis/best-step';

export interface ChartSize {
	width: number;
	height: number;
}

export interface BarLayout {
	bin: number;
	x: number;
	y: number;
	width: number;
	height: number;
	count: number;
}

export interface Tick {
	value: number;
	/** Pixel position along its axis. */
	at: number;
	label: string;
}

export interface Band {
	x: number;
	width: number;
}

export interface HistogramLayout {
	bars: BarLayout[];
	xTicks: Tick[];
	yTicks: Tick[];
	/** The first 10% and the last 25% of the run, to shade behind the bars. */
	earlyBand: Band;
	lateBand: Band;
}

/** Pixel x of a fraction of the run. */
export function xOf(fraction: number, width: number): number {
	return fraction * width;
}

/** Whole-number count ticks from 0 to the tallest bar (at least 1), about `count` of them. */
export function countTicks(maxCount: number, count = 4): number[] {
	const top = Math.max(1, Math.ceil(maxCount));
	const step = Math.max(1, Math.ceil(top / count));
	const ticks: number[] = [];
	for (let v = 0; v < top; v += step) ticks.push(v);
	ticks.push(top);
	return ticks;
}

/** Bars, ticks and shaded bands for the histogram, in a drawing area of `size` pixels. */
export function histogramLayout(bins: readonly HistogramBin[], size: ChartSize, gap = 2): HistogramLayout {
	const yValues = countTicks(Math.max(0, ...bins.map((b) => b.count)));
	const top = yValues[yValues.length - 1]!;
	const yOf = (count: number) => size.height - (count / top) * size.height;
	const bars = bins.map((b, k) => {
		const x0 = xOf(b.lo, size.width);
		const x1 = xOf(b.hi, size.width);
		const y = yOf(b.count);
		return {
			bin: k,
			x: x0 + gap / 2,
			y,
			width: Math.max(0, x1 - x0 - gap),
			height: size.height - y,
			count: b.count
		};
	});
	const xTicks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((value) => ({
		value,
		at: xOf(value, size.width),
		label: formatPercent(value)
	}));
	const yTicks = yValues.map((value) => ({ value, at: yOf(value), label: String(value) }));
	const lateStart = xOf(1 - LATE_FRACTION, size.width);
	return {
		bars,
		xTicks,
		yTicks,
		earlyBand: { x: 0, width: xOf(EARLY_FRACTION, size.width) },
		lateBand: { x: lateStart, width: size.width - lateStart }
	};
}
