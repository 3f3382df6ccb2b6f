// Comparing studies (two rounds of one search, or one scientific setting per study): their best-so-far
// curves and the EDFs of their objective drawn over each other on shared axes, so a lower curve or an
// EDF further left reads directly as "better" (for a minimised objective). Every study is read under one
// objective choice, the study being analysed's own, so the numbers mean the same thing. Pure:
// CompareStudies.svelte draws what this returns.
import { scaleLinear, schemeTableau10 } from 'd3';
import type { ObjectiveGoal } from '../../study/study';
import { bestSoFar, empiricalDistribution, valueScale, type HistoryTrial } from './history';

export interface CompareSeries {
	id: string;
	label: string;
	trials: readonly HistoryTrial[];
}

export interface ComparedStudy {
	id: string;
	label: string;
	color: string;
	/** The best-so-far step line on the shared axes ('' when the study has no value). */
	bestPath: string;
	/** The last best-so-far value (null: no value). */
	best: number | null;
	/** The EDF step line on the shared value axis ('' when the study has no value). */
	edfPath: string;
	/** Feasible values in the EDF, and infeasible trials left out of it. */
	values: number;
	infeasible: number;
}

export interface CompareLayout {
	studies: ComparedStudy[];
	history: {
		xTicks: { x: number; label: string }[];
		yTicks: { y: number; label: string; value: number }[];
		log: boolean;
	};
	edf: {
		xTicks: { x: number; label: string; value: number }[];
		yTicks: { y: number; label: string; value: number }[];
		log: boolean;
	};
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/**
 * Lays out the compared studies' best-so-far curves (trial index across, objective up) and EDFs
 * (objective across, share of trials up), each chart `width` × `height` pixels, one scale per axis
 * shared by every study.
 */
export function layoutCompare(
	series: readonly CompareSeries[],
	size: { width: number; height: number },
	goal: ObjectiveGoal
): CompareLayout {
	const { width, height } = size;
	const valuesOf = (s: CompareSeries) =>
		s.trials.flatMap((t) => (!t.infeasible && t.value !== null && Number.isFinite(t.value) ? [t.value] : []));
	const all = series.flatMap(valuesOf);
	const lastIndex = Math.max(1, ...series.flatMap((s) => s.trials.map((t) => t.index)));
	const x = scaleLinear().domain([0, lastIndex]).range([0, width]);
	const y = valueScale(all, [height, 0]);
	const v = valueScale(all, [0, width]);
	const share = scaleLinear().domain([0, 1]).range([height, 0]);
	const studies = series.map((s, k) => {
		const best = bestSoFar(s.trials, goal).filter((b) => !y.log || b.value > 0);
		let bestPath = '';
		best.forEach((b, i) => {
			bestPath +=
				i === 0
					? `M${round(x(b.index))},${y.position(b.value)}`
					: `H${round(x(b.index))}V${y.position(b.value)}`;
		});
		const lastOwn = Math.max(...s.trials.map((t) => t.index));
		if (best.length > 0) bestPath += `H${round(x(lastOwn))}`;
		const values = valuesOf(s).filter((value) => !v.log || value > 0);
		const steps = empiricalDistribution(values);
		let edfPath = '';
		if (steps.length > 0) {
			edfPath = `M${v.position(v.domain[0])},${round(share(0))}`;
			for (const step of steps) edfPath += `H${v.position(step.value)}V${round(share(step.fraction))}`;
			edfPath += `H${v.position(v.domain[1])}`;
		}
		return {
			id: s.id,
			label: s.label,
			color: schemeTableau10[k % schemeTableau10.length]!,
			bestPath,
			best: best.at(-1)?.value ?? null,
			edfPath,
			values: values.length,
			infeasible: s.trials.filter((t) => t.infeasible).length
		};
	});
	const fractions = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: round(share(f)), label: String(f), value: f }));
	return {
		studies,
		history: {
			xTicks: x
				.ticks(Math.min(8, lastIndex))
				.filter(Number.isInteger)
				.map((t) => ({ x: round(x(t)), label: String(t) })),
			yTicks: y.ticks.map((t) => ({ y: t.at, label: t.label, value: t.value })),
			log: y.log
		},
		edf: {
			xTicks: v.ticks.map((t) => ({ x: t.at, label: t.label, value: t.value })),
			yTicks: fractions,
			log: v.log
		}
	};
}
