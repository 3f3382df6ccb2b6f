// Statistics of a trial's unclipped gradient norms and clipped steps, for the stability panel and the
// checklist. The playbook asks for a plot of the gradient norm against the step, a histogram of the norms
// over all steps, and a clipping threshold near their 90th percentile; it calls clipping more than half of
// the updates so aggressive that lowering the learning rate is the honest fix (playbook: "Gradient
// clipping"). Pure: no DOM, no tfjs.
import type { TrainRows } from '../study/metrics';

/** The percentile of the unclipped gradient norms suggested as a first clipping threshold. */
export const SUGGESTED_CLIP_PERCENTILE = 90;

/**
 * More than this share of clipped updates counts as extremely aggressive clipping: the clip then sets the
 * step size more than the learning rate does, so a smaller learning rate is the simpler remedy.
 */
export const AGGRESSIVE_CLIP_FRACTION = 0.5;

/** Positive values whose largest is at least this many times the smallest get log-spaced bins (a decade). */
export const LOG_BINS_RATIO = 10;

/** Default number of histogram bins: enough to show a tail, few enough to keep counts meaningful. */
export const DEFAULT_BIN_COUNT = 24;

function finiteValues(values: readonly (number | null | undefined)[]): number[] {
	const out: number[] = [];
	for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
	return out;
}

/**
 * The `p`-th percentile (0 ≤ p ≤ 100) of the finite values, by linear interpolation between the two
 * nearest ranks: sort ascending, take the fractional rank h = (n − 1)·p/100 and interpolate between the
 * values at floor(h) and floor(h) + 1. This is numpy's default (`method='linear'`, Hyndman–Fan type 7).
 * Null and non-finite entries (written as null in files) are skipped; null when none is left.
 */
export function percentile(values: readonly (number | null | undefined)[], p: number): number | null {
	if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: expected 0 ≤ p ≤ 100, got ${p}`);
	const sorted = finiteValues(values).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const h = ((sorted.length - 1) * p) / 100;
	const lo = Math.floor(h);
	const below = sorted[lo]!;
	const above = sorted[Math.min(lo + 1, sorted.length - 1)]!;
	return below + (h - lo) * (above - below);
}

export interface HistogramBin {
	/** Lower edge, inclusive. */
	lo: number;
	/** Upper edge: exclusive, except for the last bin, which also holds the largest value. */
	hi: number;
	count: number;
}

export interface Histogram {
	/** 'log' when the bins are equal on a log axis (positive values spanning a decade or more). */
	scale: 'linear' | 'log';
	bins: HistogramBin[];
	/** Finite values counted (nulls and non-finite values are left out). */
	total: number;
}

/**
 * Counts the finite values in `binCount` bins spanning their range. Gradient norms often span decades
 * (a few early spikes over a quiet plateau), and equal linear bins would lump the plateau into one bar, so
 * positive values whose max/min ratio reaches LOG_BINS_RATIO get bins of equal width in log space.
 */
export function histogram(
	values: readonly (number | null | undefined)[],
	binCount = DEFAULT_BIN_COUNT
): Histogram {
	if (!(Number.isInteger(binCount) && binCount >= 1)) {
		throw new RangeError(`histogram: expected a whole number of bins ≥ 1, got ${binCount}`);
	}
	const finite = finiteValues(values);
	if (finite.length === 0) return { scale: 'linear', bins: [], total: 0 };
	let min = Infinity;
	let max = -Infinity;
	for (const v of finite) {
		if (v < min) min = v;
		if (v > max) max = v;
	}
	const log = min > 0 && max / min >= LOG_BINS_RATIO;
	if (min === max) {
		// One distinct value: a single bar around it, so the chart still has a width to draw.
		const half = min === 0 ? 0.5 : Math.abs(min) / 2;
		return {
			scale: 'linear',
			bins: [{ lo: min - half, hi: max + half, count: finite.length }],
			total: finite.length
		};
	}
	const to = log ? Math.log : (v: number) => v;
	const from = log ? Math.exp : (v: number) => v;
	const a = to(min);
	const width = (to(max) - a) / binCount;
	const bins: HistogramBin[] = [];
	for (let i = 0; i < binCount; i++) {
		// The outer edges are the exact data extremes, not exp(log(x)), which may round past them.
		bins.push({
			lo: i === 0 ? min : from(a + i * width),
			hi: i === binCount - 1 ? max : from(a + (i + 1) * width),
			count: 0
		});
	}
	for (const v of finite) {
		const i = Math.min(binCount - 1, Math.max(0, Math.floor((to(v) - a) / width)));
		bins[i]!.count += 1;
	}
	return { scale: log ? 'log' : 'linear', bins, total: finite.length };
}

/** Share of logged training steps whose gradient was clipped, in [0, 1]; null without logged steps. */
export function clippedFraction(train: Pick<TrainRows, 'clipped'>): number | null {
	if (train.clipped.length === 0) return null;
	let clipped = 0;
	for (const c of train.clipped) if (c === 1) clipped += 1;
	return clipped / train.clipped.length;
}

export interface StabilitySummary {
	/** Logged training steps. */
	steps: number;
	/** The SUGGESTED_CLIP_PERCENTILE-th percentile of the unclipped gradient norms; null without norms. */
	suggestedClip: number | null;
	/** Median unclipped gradient norm, the "typical" norm the threshold should sit just above. */
	medianNorm: number | null;
	maxNorm: number | null;
	/** Share of steps clipped; null without steps. */
	clippedFraction: number | null;
	/** Whether more than AGGRESSIVE_CLIP_FRACTION of the steps were clipped. */
	aggressive: boolean;
	histogram: Histogram;
}

/** Everything the stability panel shows about one trial's training rows. */
export function stabilitySummary(
	train: Pick<TrainRows, 'gradNorm' | 'clipped'>,
	binCount = DEFAULT_BIN_COUNT
): StabilitySummary {
	const fraction = clippedFraction(train);
	const norms = finiteValues(train.gradNorm);
	return {
		steps: train.clipped.length,
		suggestedClip: percentile(norms, SUGGESTED_CLIP_PERCENTILE),
		medianNorm: percentile(norms, 50),
		maxNorm: norms.length === 0 ? null : norms.reduce((m, v) => (v > m ? v : m), -Infinity),
		clippedFraction: fraction,
		aggressive: fraction !== null && fraction > AGGRESSIVE_CLIP_FRACTION,
		histogram: histogram(norms, binCount)
	};
}
