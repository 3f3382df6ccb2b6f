// Comparing studies (two rounds of one search, or one scientific setting per study): their best-so-far
// curves and the EDFs of their objective drawn over each other on shared axes, so a lower curve or an
// EDF further left reads directly as "better" (for a minimised objective), and their isolation plots
// side by side on one objective axis and one grouping of the parameter. Every study is read under one
// objective choice, the study being analysed's own, so the numbers mean the same thing. Pure:
// CompareStudies.svelte and CompareIsolation.svelte draw what this returns.
import { scaleBand, scaleLinear, schemeTableau10 } from 'd3';
import type { ObjectiveGoal, Study } from '../../study/study';
import { metricGoal, type ObjectiveChoice } from '../../analysis/objective';
import { objectiveAxis, type ObjectiveAxis } from './axis-plot';
import { bestSoFar, empiricalDistribution, valueScale, type HistoryTrial } from './history';
import { isolationGroups, type IsolationGroup } from './isolation';

export interface CompareSeries {
	id: string;
	label: string;
	trials: readonly HistoryTrial[];
	/**
	 * Trials of the study stopped early by successive halving. They are not among `trials` (they trained
	 * only to a rung, so they have no full-length value and are never a best); the key counts them so
	 * that leaving them out is said, not silent. Absent: none.
	 */
	stopped?: number;
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
	/** Trials stopped early by successive halving: in neither line, never the best. */
	stopped: number;
	/** The study's name as the key inside each chart gives it, with the stopped trials left out said. */
	keyLabel: string;
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
			infeasible: s.trials.filter((t) => t.infeasible).length,
			stopped: s.stopped ?? 0,
			keyLabel: (s.stopped ?? 0) > 0 ? `${s.label} (${s.stopped} stopped early: not drawn)` : s.label
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

// -------------------------------------------------------------------------------------------------
// Isolation plots side by side

export interface IsolationSeries {
	id: string;
	label: string;
	study: Pick<Study, 'params' | 'trials'>;
}

export interface IsolationPanel {
	id: string;
	label: string;
	color: string;
	/** Left edge of the panel inside the plot area, pixels. */
	x0: number;
	/** Whether the study searches the parameter at all. */
	searched: boolean;
	groups: (IsolationGroup & { cx: number; cy: number | null })[];
	/** The line through the groups' best values, broken where a group has none ('' when none has). */
	path: string;
	/** Trials of the panel's groups stopped early by successive halving (counted per group, never a best). */
	stopped: number;
}

export interface CompareIsolationLayout {
	name: string;
	kind: 'values' | 'buckets';
	/** One objective axis shared by every panel. */
	y: ObjectiveAxis;
	/** Width of each panel and the gap between panels, pixels. */
	panelWidth: number;
	gap: number;
	panels: IsolationPanel[];
}

/**
 * The counts under a group's tick: n trials with a result, then × the infeasible and ○ the trials stopped
 * early by successive halving when there are any (e.g. "n=2 ×1 ○3").
 */
export function groupCountLabel(group: Pick<IsolationGroup, 'count' | 'infeasible' | 'stopped'>): string {
	return (
		`n=${group.count}` +
		(group.infeasible > 0 ? ` ×${group.infeasible}` : '') +
		((group.stopped ?? 0) > 0 ? ` ○${group.stopped}` : '')
	);
}

/**
 * The names that can be isolated across the compared studies: every searched parameter of any of
 * them, the scientific ones first (by their first study's order).
 */
export function comparableNames(series: readonly IsolationSeries[]): string[] {
	const params = series.flatMap((s) => s.study.params);
	return [...new Set([...params.filter((p) => p.role === 'scientific'), ...params].map((p) => p.name))];
}

/**
 * Isolation plots of parameter `name` for several studies, one panel each, `panelWidth` × `height`
 * pixels, side by side with `gap` between them. The axes are shared: every study is grouped on the
 * union of the studies' definitions of `name` (the same values, or the same buckets of the widest
 * range), and one objective axis spans every panel's best values, so a point higher or lower reads the
 * same in each panel.
 */
export function layoutCompareIsolation(
	series: readonly IsolationSeries[],
	name: string,
	choice: ObjectiveChoice,
	size: { panelWidth: number; height: number; gap?: number }
): CompareIsolationLayout {
	const merged = series.flatMap((s) => s.study.params.filter((p) => p.name === name));
	if (merged.length === 0) throw new Error(`No compared study searches a parameter named ${name}.`);
	const results = series.map((s) =>
		isolationGroups({ params: merged, trials: s.study.trials }, name, choice)
	);
	const gap = size.gap ?? 24;
	const y = objectiveAxis(
		results.flatMap((r) => r.groups.flatMap((g) => (g.value === null ? [] : [g.value]))),
		size.height,
		metricGoal(choice.metric)
	);
	const band = scaleBand<number>()
		.domain(results[0]!.groups.map((_, k) => k))
		.range([0, size.panelWidth])
		.padding(0.25);
	const panels = series.map((s, k) => {
		const groups = results[k]!.groups.map((g, j) => ({
			...g,
			cx: round(band(j)! + band.bandwidth() / 2),
			cy: g.value === null ? null : y.position(g.value)
		}));
		let path = '';
		let pen = false;
		for (const g of groups) {
			if (g.cy === null) {
				pen = false;
				continue;
			}
			path += `${pen ? 'L' : 'M'}${g.cx},${g.cy}`;
			pen = true;
		}
		return {
			id: s.id,
			label: s.label,
			color: schemeTableau10[k % schemeTableau10.length]!,
			x0: k * (size.panelWidth + gap),
			searched: s.study.params.some((p) => p.name === name),
			groups,
			path,
			stopped: groups.reduce((sum, g) => sum + (g.stopped ?? 0), 0)
		};
	});
	return { name, kind: results[0]!.kind, y, panelWidth: size.panelWidth, gap, panels };
}
