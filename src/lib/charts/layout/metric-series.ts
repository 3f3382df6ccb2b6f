// Turns a trial's stored metric rows into the series each chart draws.
import type { EvalRow, MetricBatch } from '$lib/study/metrics';
import type { CurveSeries } from './curve-scales';

export const COLORS = {
	train: '#2563eb',
	val: '#dc2626',
	ema: '#9333ea',
	swa: '#059669',
	lr: '#0f766e',
	gradNorm: '#b45309',
	clipped: '#b91c1c'
};

function evalSeries(
	evals: EvalRow[],
	key: keyof EvalRow,
	id: string,
	label: string,
	color: string,
	dashed = false
): CurveSeries | null {
	const rows = evals.filter((e) => e[key] !== undefined);
	if (rows.length === 0) return null;
	return {
		id,
		label,
		color,
		dashed,
		markers: true,
		xs: rows.map((e) => e.step),
		ys: rows.map((e) => e[key]!)
	};
}

export function lossSeries(m: MetricBatch): CurveSeries[] {
	const series: (CurveSeries | null)[] = [
		{ id: 'train', label: 'train loss', color: COLORS.train, xs: m.train.step, ys: m.train.loss },
		evalSeries(m.evals, 'valLoss', 'val', 'validation loss', COLORS.val),
		evalSeries(m.evals, 'emaValLoss', 'ema', 'validation loss (EMA weights)', COLORS.ema, true),
		evalSeries(m.evals, 'swaValLoss', 'swa', 'validation loss (SWA weights)', COLORS.swa, true)
	];
	return series.filter((s): s is CurveSeries => s !== null);
}

/** Validation accuracy on its own curve (and the averaged weights' where logged); empty when none was logged. */
export function accuracySeries(m: MetricBatch): CurveSeries[] {
	const series: (CurveSeries | null)[] = [
		evalSeries(m.evals, 'valAccuracy', 'val-acc', 'validation accuracy', COLORS.val),
		evalSeries(m.evals, 'emaValAccuracy', 'ema-acc', 'validation accuracy (EMA weights)', COLORS.ema, true),
		evalSeries(m.evals, 'swaValAccuracy', 'swa-acc', 'validation accuracy (SWA weights)', COLORS.swa, true)
	];
	return series.filter((s): s is CurveSeries => s !== null);
}

export function learningRateSeries(m: MetricBatch): CurveSeries[] {
	return [{ id: 'lr', label: 'learning rate', color: COLORS.lr, xs: m.train.step, ys: m.train.lr }];
}

/** Unclipped gradient norm per step, plus the clipped steps as markers on the same curve. */
export function gradNormSeries(m: MetricBatch): CurveSeries[] {
	const series: CurveSeries[] = [
		{
			id: 'grad-norm',
			label: 'gradient norm (before clipping)',
			color: COLORS.gradNorm,
			xs: m.train.step,
			ys: m.train.gradNorm
		}
	];
	const clippedAt = m.train.step.filter((_, i) => m.train.clipped[i] === 1);
	if (clippedAt.length > 0) {
		series.push({
			id: 'clipped',
			label: `clipped (${clippedAt.length} of ${m.train.step.length} steps)`,
			color: COLORS.clipped,
			markers: true,
			hideLine: true,
			xs: clippedAt,
			ys: m.train.gradNorm.filter((_, i) => m.train.clipped[i] === 1)
		});
	}
	return series;
}

const BRANCH_COLORS = ['#ea580c', '#0891b2', '#65a30d', '#c026d3', '#854d0e'];

/** A cooldown branch drawn over its parent: its training loss dashed, its validation loss as points. */
export function branchSeries(key: string, label: string, order: number, m: MetricBatch): CurveSeries[] {
	const color = BRANCH_COLORS[order % BRANCH_COLORS.length]!;
	const series: (CurveSeries | null)[] = [
		{ id: `${key}-train`, label: `${label} train`, color, dashed: true, xs: m.train.step, ys: m.train.loss },
		evalSeries(m.evals, 'valLoss', `${key}-val`, `${label} validation`, color)
	];
	return series.filter((s): s is CurveSeries => s !== null);
}

/**
 * A cooldown branch's learning rate on its parent's learning-rate chart: the decay it trained with,
 * dashed, in the branch's own colour (the same colour as its loss on the loss chart).
 */
export function branchLearningRateSeries(
	key: string,
	label: string,
	order: number,
	m: MetricBatch
): CurveSeries[] {
	if (m.train.step.length === 0) return [];
	const color = BRANCH_COLORS[order % BRANCH_COLORS.length]!;
	return [
		{
			id: `${key}-lr`,
			label: `${label} learning rate`,
			color,
			dashed: true,
			xs: m.train.step,
			ys: m.train.lr
		}
	];
}

/**
 * Loss against training length from cooldown branches: each branch's final validation loss at the
 * step where it ended. One constant-rate run with several branches traces this whole curve.
 */
export function cooldownCurve(branches: { end: number; metrics: MetricBatch | null }[]): CurveSeries[] {
	const points = branches
		.map((b) => ({ x: b.end, y: b.metrics?.evals.find((e) => e.step === b.end)?.valLoss }))
		.filter((p): p is { x: number; y: number } => p.y !== undefined && Number.isFinite(p.y))
		.sort((a, b) => a.x - b.x);
	if (points.length < 2) return [];
	return [
		{
			id: 'cooldown-curve',
			label: 'loss after cooldown, by length',
			color: '#111827',
			markers: true,
			xs: points.map((p) => p.x),
			ys: points.map((p) => p.y)
		}
	];
}
