// Isolation plots (playbook: "Detecting whether a change is useful with isolation plots"): for one
// scientific parameter, the best objective reached at each of its values after the nuisance parameters
// have been "optimized away", so values are compared each at its own best settings, not at one arbitrary
// setting of the rest. With a study's trials, optimizing away means taking the best trial of the group:
// the nuisance parameters (and any other scientific ones) took many values inside the group and the best
// of them stands for the group. Pure: no DOM, no tfjs.
//
// Groups:
//  - categorical, bool and discrete parameters, and integers whose range holds at most
//    `MAX_VALUES_AS_GROUPS` integers: one group per value;
//  - everything else (floats, wide integer ranges): `ISOLATION_BUCKETS` buckets of equal width in the
//    parameter's own scale (equal ratios on a log scale), the playbook's approximation of an isolation
//    plot for a continuous parameter: bucket the axis plot and keep the best trial of each vertical slice.
// Six buckets keep two or more trials in most buckets from about twenty trials on; more buckets split a
// small study into noisy single-trial groups.

import { scaleBand } from 'd3';
import { pairAxes, type PairAxis } from './pair-plot';
import { formatValue } from './curve-scales';
import type { ParamValue } from '../../math/search-space';
import type { Study, StudyParam } from '../../study/study';
import { objectiveAxis, type ObjectiveAxis } from './axis-plot';
import {
	hasOutcome,
	isStopped,
	isBetter,
	isInfeasible,
	metricGoal,
	trialValue,
	type ObjectiveChoice
} from '../../analysis/objective';

/** Buckets of a continuous parameter's axis. */
export const ISOLATION_BUCKETS = 6;
/** An integer parameter with at most this many values in its range gets one group per value. */
export const MAX_VALUES_AS_GROUPS = 8;

export interface IsolationGroup {
	label: string;
	/** The group's span in the parameter's units ([v, v] for a single numeric value); null for categories. */
	range: [number, number] | null;
	/** The group's value when it is one value (a category, a discrete or integer value). */
	category?: ParamValue;
	/** The best trial of the group; null when no trial of the group has a value. */
	bestTrialIndex: number | null;
	/** The best trial's objective. */
	value: number | null;
	/** Trials of the group with a value. */
	count: number;
	/** Infeasible trials of the group (not part of `count`). */
	infeasible: number;
	/** Trials of the group stopped early by successive halving: counted apart, never its best. */
	stopped?: number;
}

export interface IsolationResult {
	name: string;
	/** One group per value, or equal-width buckets of a continuous range. */
	kind: 'values' | 'buckets';
	groups: IsolationGroup[];
}

function valueKey(value: ParamValue): string {
	return `${typeof value}:${String(value)}`;
}

/** The values that become groups, or null when the parameter must be bucketed. */
function groupValues(axis: PairAxis, params: readonly StudyParam[]): ParamValue[] | null {
	if (axis.kind === 'band') return axis.values;
	const values = new Set<number>();
	for (const param of params) {
		if (param.type === 'discrete') for (const v of param.values) values.add(v);
		else if (param.type === 'int') {
			if (param.max - param.min + 1 > MAX_VALUES_AS_GROUPS) return null;
			for (let v = param.min; v <= param.max; v++) values.add(v);
		} else return null;
	}
	return [...values].sort((a, b) => a - b);
}

/** Bucket edges (B + 1 of them) of equal width in the axis's own scale, in the parameter's units. */
export function bucketEdges(
	axis: { kind: 'linear' | 'log'; min: number; max: number },
	buckets: number
): number[] {
	const edges: number[] = [];
	for (let k = 0; k <= buckets; k++) {
		const t = k / buckets;
		edges.push(
			axis.kind === 'log'
				? Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)))
				: axis.min + t * (axis.max - axis.min)
		);
	}
	// The ends are the range's own bounds, not a rounded exp(log(x)).
	edges[0] = axis.min;
	edges[buckets] = axis.max;
	return edges;
}

/** Which of `edges.length − 1` buckets holds `value` (the last one includes its upper edge); −1 if none. */
export function bucketOf(edges: readonly number[], value: number): number {
	if (!(value >= edges[0]!) || !(value <= edges[edges.length - 1]!)) return -1;
	for (let k = 1; k < edges.length; k++) if (value < edges[k]!) return k - 1;
	return edges.length - 2;
}

/**
 * The isolation plot of parameter `name`: per group, the best trial over every trial of the group
 * (see header). Trials where the parameter is inactive are left out.
 */
export function isolationGroups(
	study: Pick<Study, 'params' | 'trials'>,
	name: string,
	choice: ObjectiveChoice,
	options: { buckets?: number } = {}
): IsolationResult {
	const axis = pairAxes(study.params).find((a) => a.name === name);
	if (!axis) throw new Error(`No searched parameter is named ${name}.`);
	const definitions = study.params.filter((p) => p.name === name);
	const values = groupValues(axis, definitions);
	let groups: IsolationGroup[];
	let groupOf: (value: ParamValue) => number;
	if (values) {
		groups = values.map((v) => ({
			label: typeof v === 'number' ? formatValue(v) : String(v),
			range: typeof v === 'number' ? [v, v] : null,
			category: v,
			bestTrialIndex: null,
			value: null,
			count: 0,
			infeasible: 0
		}));
		const keys = values.map(valueKey);
		groupOf = (value) => keys.indexOf(valueKey(value));
	} else {
		const numeric = axis as Extract<PairAxis, { kind: 'linear' | 'log' }>;
		const buckets = numeric.min === numeric.max ? 1 : (options.buckets ?? ISOLATION_BUCKETS);
		const edges = bucketEdges(numeric, buckets);
		groups = edges.slice(1).map((hi, k) => ({
			label: `${formatValue(edges[k]!)}–${formatValue(hi)}`,
			range: [edges[k]!, hi],
			bestTrialIndex: null,
			value: null,
			count: 0,
			infeasible: 0
		}));
		groupOf = (value) => (typeof value === 'number' ? bucketOf(edges, value) : -1);
	}
	for (const trial of study.trials) {
		const x = trial.params[name];
		if (x === undefined) continue;
		if (isStopped(trial)) {
			const group = groups[groupOf(x)];
			if (group) group.stopped = (group.stopped ?? 0) + 1;
			continue;
		}
		if (!hasOutcome(trial, choice)) continue;
		const group = groups[groupOf(x)];
		if (!group) continue;
		if (isInfeasible(trial)) {
			group.infeasible += 1;
			continue;
		}
		const value = trialValue(trial, choice)!.value;
		group.count += 1;
		if (group.value === null || isBetter(choice.metric, value, group.value)) {
			group.value = value;
			group.bestTrialIndex = trial.index;
		}
	}
	return { name, kind: values ? 'values' : 'buckets', groups };
}

/** The parameters an isolation plot is for: the scientific ones (by distinct name, in study order). */
export function scientificNames(params: readonly StudyParam[]): string[] {
	return [...new Set(params.filter((p) => p.role === 'scientific').map((p) => p.name))];
}

export interface IsolationLayout {
	y: ObjectiveAxis;
	/** Width of one group's band, pixels. */
	bandwidth: number;
	groups: (IsolationGroup & { cx: number; cy: number | null })[];
}

/** Places the groups as equal bands across `width` and their best values on an objective axis. */
export function layoutIsolation(
	result: IsolationResult,
	size: { width: number; height: number },
	metric: string
): IsolationLayout {
	const band = scaleBand<number>()
		.domain(result.groups.map((_, k) => k))
		.range([0, size.width])
		.padding(0.25);
	const y = objectiveAxis(
		result.groups.flatMap((g) => (g.value === null ? [] : [g.value])),
		size.height,
		metricGoal(metric)
	);
	const groups = result.groups.map((g, k) => ({
		...g,
		cx: Math.round((band(k)! + band.bandwidth() / 2) * 1000) / 1000,
		cy: g.value === null ? null : y.position(g.value)
	}));
	return { y, bandwidth: band.bandwidth(), groups };
}
