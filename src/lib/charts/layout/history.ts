// The optimisation history of any study (not only a bayesian one) and the empirical distribution of its
// objective, the two views users of Optuna's dashboard look at first:
//  - best so far: after each finished trial, in trial order, the best objective of the trials up to it.
//    A curve still stepping late in the study means more trials were still paying off; a flat tail means
//    they added little;
//  - EDF: for each value v, the share of the feasible finished trials whose objective is at most v. A
//    steep EDF near the best value means much of the search space is good; a long flat start means good
//    settings were rare.
// Only finished trials are evidence (analysis/objective.ts `hasOutcome`): completed ones with a value
// and infeasible ones; queued, running, failed and cancelled trials are left out. Infeasible trials have
// no value: they keep the best-so-far line where it was and are not in the EDF (the chart counts them
// apart). Pure: scales and positions only; the Svelte components draw them.
import { scaleLinear, scaleLog } from 'd3';
import { runningBest, type HistoryTrial } from '../../analysis/best-so-far';
import type { ObjectiveGoal } from '../../study/study';
import { axisTicks } from './curve-scales';
import { tickFormat } from './tick-format';

// The finished trials and their running best are the analysis's (analysis/best-so-far.ts), so this chart,
// the bayesian sequence plot and `tuning-lab analyze` show one series.
export { historyTrials, type HistoryTrial } from '../../analysis/best-so-far';

export interface BestSoFar {
	index: number;
	value: number;
}

/** The best value among trials 0…i after each trial i, in index order (none before the first value). */
export function bestSoFar(trials: readonly HistoryTrial[], goal: ObjectiveGoal): BestSoFar[] {
	return runningBest(trials, goal).map(({ index, value }) => ({ index, value }));
}

export interface EdfStep {
	/** An objective value reached by at least one trial. */
	value: number;
	/** Share of the feasible trials with an objective ≤ value, in (0, 1]. */
	fraction: number;
}

/**
 * The empirical distribution function of the finite values: one step per distinct value, the share of
 * values at or below it. Ties make one step of their combined height.
 */
export function empiricalDistribution(values: readonly number[]): EdfStep[] {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	const n = sorted.length;
	const steps: EdfStep[] = [];
	sorted.forEach((value, i) => {
		const fraction = (i + 1) / n;
		if (steps.length > 0 && steps[steps.length - 1]!.value === value)
			steps[steps.length - 1]!.fraction = fraction;
		else steps.push({ value, fraction });
	});
	return steps;
}

/** Positive values spanning more than this ratio get a log value axis (losses over decades). */
const LOG_VALUE_RATIO = 30;

export interface ValueScale {
	log: boolean;
	position: (value: number) => number;
	ticks: { at: number; label: string; value: number }[];
	domain: [number, number];
}

/** A value axis over `values` along `range` (pixels), log when positive values span decades. */
export function valueScale(values: readonly number[], range: [number, number], count = 5): ValueScale {
	const finite = values.filter((v) => Number.isFinite(v));
	let lo = finite.length > 0 ? Math.min(...finite) : 0;
	let hi = finite.length > 0 ? Math.max(...finite) : 1;
	const log = lo > 0 && hi / lo > LOG_VALUE_RATIO;
	if (lo === hi) {
		const half = lo === 0 ? 1 : Math.abs(lo) / 2;
		lo = log ? lo / 2 : lo - half;
		hi = log ? hi * 2 : hi + half;
	}
	const scale = (log ? scaleLog() : scaleLinear()).domain([lo, hi]).range(range).nice();
	const tickValues = axisTicks(scale, log, count);
	const label = tickFormat(tickValues, log);
	const ticks = tickValues.map((t) => ({
		at: round(scale(t)),
		label: label(t),
		value: t
	}));
	const [d0, d1] = scale.domain() as [number, number];
	return { log, position: (value) => round(scale(value)), ticks, domain: [d0, d1] };
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

export interface HistoryLayout {
	dots: { index: number; cx: number; cy: number; value: number }[];
	/** Infeasible trials, drawn as × on the worse edge of the value axis. */
	crosses: { index: number; cx: number; cy: number }[];
	/** SVG path of the best-so-far step line ('' before the first value). */
	bestPath: string;
	/** The last best-so-far value (null: no trial has a value yet). */
	best: number | null;
	xTicks: { x: number; label: string }[];
	yTicks: { y: number; label: string; value: number }[];
	log: boolean;
}

/** The best-so-far chart of `trials` in a plot of `width` × `height` pixels (origin top left). */
export function layoutHistory(
	trials: readonly HistoryTrial[],
	size: { width: number; height: number },
	goal: ObjectiveGoal
): HistoryLayout {
	const { width, height } = size;
	const ordered = [...trials].sort((a, b) => a.index - b.index);
	const best = runningBest(ordered, goal);
	const lastIndex = Math.max(1, ...ordered.map((t) => t.index));
	const x = scaleLinear().domain([0, lastIndex]).range([0, width]);
	const values = ordered.flatMap((t) => (t.value !== null && !t.infeasible ? [t.value] : []));
	const y = valueScale(values, [height, 0]);
	const worseY = goal === 'minimize' ? 0 : height;
	const dots = ordered.flatMap((t) =>
		t.value !== null && !t.infeasible && Number.isFinite(t.value) && (!y.log || t.value > 0)
			? [{ index: t.index, cx: round(x(t.index)), cy: y.position(t.value), value: t.value }]
			: []
	);
	const crosses = ordered
		.filter((t) => t.infeasible)
		.map((t) => ({ index: t.index, cx: round(x(t.index)), cy: worseY }));
	let bestPath = '';
	best.forEach((b, k) => {
		const px = round(x(b.index));
		const py = y.position(b.value);
		bestPath += k === 0 ? `M${px},${py}` : `H${px}V${py}`;
	});
	if (best.length > 0) bestPath += `H${round(x(lastIndex))}`;
	return {
		dots,
		crosses,
		bestPath,
		best: best.at(-1)?.value ?? null,
		xTicks: x
			.ticks(Math.min(8, lastIndex))
			.filter(Number.isInteger)
			.map((t) => ({ x: round(x(t)), label: String(t) })),
		yTicks: y.ticks.map((t) => ({ y: t.at, label: t.label, value: t.value })),
		log: y.log
	};
}

export interface EdfLayout {
	/** SVG path of the EDF's steps, from 0 at the smallest value to 1 at the largest. */
	path: string;
	steps: (EdfStep & { x: number; y: number })[];
	xTicks: { x: number; label: string; value: number }[];
	yTicks: { y: number; label: string; value: number }[];
	log: boolean;
}

/** The EDF of `values` in a plot of `width` × `height` pixels: value across, share of trials up. */
export function layoutEdf(values: readonly number[], size: { width: number; height: number }): EdfLayout {
	const { width, height } = size;
	const x = valueScale(values, [0, width]);
	const drawableValues = values.filter((v) => Number.isFinite(v) && (!x.log || v > 0));
	const steps = empiricalDistribution(drawableValues);
	const y = scaleLinear().domain([0, 1]).range([height, 0]);
	const placed = steps.map((s) => ({ ...s, x: x.position(s.value), y: round(y(s.fraction)) }));
	let path = '';
	if (placed.length > 0) {
		// Flat at 0 from the axis' left end up to the smallest value, then a riser at each value and a
		// tread to the next one, flat at 1 after the largest value.
		path = `M${x.position(x.domain[0])},${round(y(0))}`;
		for (const s of placed) path += `H${s.x}V${s.y}`;
		path += `H${x.position(x.domain[1])}`;
	}
	return {
		path,
		steps: placed,
		xTicks: x.ticks.map((t) => ({ x: t.at, label: t.label, value: t.value })),
		yTicks: [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: round(y(f)), label: String(f), value: f })),
		log: x.log
	};
}
