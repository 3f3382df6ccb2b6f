// The sequence plot of an adaptive (bayesian) study: every trial's objective against its index, the
// quasi-random start told apart from the model's suggestions, infeasible trials marked at the worse edge,
// and the best-so-far curve (a step line: the best feasible value among trials 0…i, history.ts's
// `bestSoFar`, which the best-so-far chart of every study draws too). Trials stopped early by successive
// halving were suggestions too, so they keep their place in the run order, as rings on the trial axis:
// they trained only to a rung, so they have no full-length value to plot and never count as best so far.
// Pure: scales and positions only; BayesSuggestions.svelte draws them.
import { scaleLinear } from 'd3';
import { bestSoFar, type BestSoFar } from './history';

export type SuggestionPhase = 'initial' | 'suggested';

export interface SequenceTrial {
	index: number;
	/** The objective's value, or null for an infeasible trial (or one with no value). */
	value: number | null;
	infeasible: boolean;
	/** Stopped early by successive halving: its value, if any, is ignored. */
	stopped?: boolean;
}

export interface SequencePoint {
	index: number;
	/** Null for an infeasible or stopped trial. */
	value: number | null;
	phase: SuggestionPhase;
	infeasible: boolean;
	stopped: boolean;
}

export type { BestSoFar };

/** Each trial's phase, and the best-so-far value after each trial that has one before it. */
export function suggestionSequence(
	trials: readonly SequenceTrial[],
	initialTrials: number,
	goal: 'minimize' | 'maximize'
): { points: SequencePoint[]; best: BestSoFar[] } {
	const ordered = [...trials].sort((a, b) => a.index - b.index);
	const points = ordered.map((t) => ({
		index: t.index,
		value: t.infeasible || t.stopped ? null : t.value,
		phase: (t.index < initialTrials ? 'initial' : 'suggested') as SuggestionPhase,
		infeasible: t.infeasible,
		stopped: t.stopped === true
	}));
	// A stopped trial adds no step to the best so far (not even a repeat of the previous best).
	const best = bestSoFar(
		points.filter((p) => !p.stopped),
		goal
	);
	return { points, best };
}

export interface SequenceLayout {
	dots: { index: number; cx: number; cy: number; phase: SuggestionPhase; value: number }[];
	/** Infeasible trials, drawn as × on the worse edge of the value axis. */
	crosses: { index: number; cx: number; cy: number; phase: SuggestionPhase }[];
	/** Trials stopped early by successive halving, drawn as rings on the trial axis (cy = the plot's height). */
	stopped: { index: number; cx: number; cy: number; phase: SuggestionPhase }[];
	/** SVG path of the best-so-far step line ('' before the first value). */
	bestPath: string;
	xTicks: { x: number; label: string }[];
	yTicks: { y: number; label: string }[];
	/** x of the boundary between the quasi-random start and the suggestions, or null. */
	switchX: number | null;
}

/** Pixel positions in a plot of `width` × `height` (origin top left). */
export function layoutSequence(
	sequence: { points: SequencePoint[]; best: BestSoFar[] },
	size: { width: number; height: number },
	goal: 'minimize' | 'maximize'
): SequenceLayout {
	const { points, best } = sequence;
	const { width, height } = size;
	const indices = points.map((p) => p.index);
	const lastIndex = Math.max(1, ...indices);
	const x = scaleLinear().domain([0, lastIndex]).range([0, width]);
	const values = points.flatMap((p) => (p.value !== null && Number.isFinite(p.value) ? [p.value] : []));
	const lo = values.length === 0 ? 0 : Math.min(...values);
	const hi = values.length === 0 ? 1 : Math.max(...values);
	const pad = hi > lo ? 0.05 * (hi - lo) : Math.abs(hi) * 0.05 || 1;
	const y = scaleLinear()
		.domain([lo - pad, hi + pad])
		.range([height, 0]);
	// The worse edge: the top for a minimised objective, the bottom for a maximised one.
	const worseY = goal === 'minimize' ? 0 : height;
	const dots = points.flatMap((p) =>
		p.value !== null && Number.isFinite(p.value)
			? [{ index: p.index, cx: x(p.index), cy: y(p.value), phase: p.phase, value: p.value }]
			: []
	);
	const crosses = points
		.filter((p) => p.infeasible)
		.map((p) => ({ index: p.index, cx: x(p.index), cy: worseY, phase: p.phase }));
	const stopped = points
		.filter((p) => p.stopped)
		.map((p) => ({ index: p.index, cx: x(p.index), cy: height, phase: p.phase }));
	let bestPath = '';
	best.forEach((b, k) => {
		const px = x(b.index);
		const py = y(b.value);
		if (k === 0) bestPath = `M${px},${py}`;
		else bestPath += `H${px}V${py}`;
	});
	if (best.length > 0) bestPath += `H${x(lastIndex)}`;
	const firstSuggested = points.find((p) => p.phase === 'suggested');
	const lastInitial = [...points].reverse().find((p) => p.phase === 'initial');
	const switchX =
		firstSuggested === undefined || lastInitial === undefined
			? null
			: (x(lastInitial.index) + x(firstSuggested.index)) / 2;
	const format = y.tickFormat(5);
	return {
		dots,
		crosses,
		stopped,
		bestPath,
		xTicks: x
			.ticks(Math.min(8, lastIndex))
			.filter(Number.isInteger)
			.map((t) => ({ x: x(t), label: String(t) })),
		yTicks: y.ticks(5).map((t) => ({ y: y(t), label: format(t) })),
		switchX
	};
}
