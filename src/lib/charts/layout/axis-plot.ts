// Basic hyperparameter axis plots (playbook: "Examining the results" → "basic hyperparameter axis
// plots"): for each searched parameter, every trial's objective against that parameter's value, with the
// infeasible trials shown apart. Reading them answers whether the search space was wide enough (the best
// trials should not sit at an edge) and where training breaks down. This file gathers the points and lays
// them out; AxisPlots.svelte only draws what it returns. Pure: no DOM, no tfjs.
//
// Axes follow the pair plot's conventions (one axis per distinct parameter name; log axes for log-scaled
// ranges and for discrete values spanning two decades; categorical and bool values as bands).

import { scaleLinear, scaleLog } from 'd3';
import { pairAxes, placeAxis, type AxisTick, type PairAxis, type PlacedAxis } from './pair-plot';
import { axisTicks, formatValue } from './curve-scales';
import { tickFormat } from './tick-format';
import { metricName, paramWords } from './axis-words';
import type { ParamValue } from '../../math/search-space';
import type { ObjectiveGoal, ParamRole, Study, TrialRecord } from '../../study/study';
import {
	hasOutcome,
	isInfeasible,
	isStopped,
	metricGoal,
	trialValue,
	type ObjectiveChoice
} from '../../analysis/objective';

export interface AxisPoint {
	trialIndex: number;
	/** The parameter's value in this trial. */
	x: ParamValue;
	/** The objective under the chosen metric and reduction; null for an infeasible trial. */
	y: number | null;
	infeasible: boolean;
	/** Stopped early by successive halving: `y` is its value over the steps it trained (to a rung). */
	stopped?: boolean;
}

export interface AxisPlotData {
	name: string;
	/** Scientific when any definition of this name is scientific. */
	role: ParamRole;
	axis: PairAxis;
	points: AxisPoint[];
}

/**
 * The axis a plot of one parameter draws: a parameter that only takes listed numbers (discrete) gets a
 * band per value in increasing order, like a categorical one, so its few values read as the choices they
 * are rather than as points on a continuous line; other axes are the pair plot's.
 */
export function plotAxis(axis: PairAxis, params: Pick<Study, 'params'>['params']): PairAxis {
	const own = params.filter((p) => p.name === axis.name);
	if (axis.kind === 'band' || own.length === 0 || !own.every((p) => p.type === 'discrete')) return axis;
	const values = [...new Set(own.flatMap((p) => (p.type === 'discrete' ? p.values : [])))].sort(
		(a, b) => a - b
	);
	return { name: axis.name, kind: 'band', values };
}

/** One entry per searched parameter name: the points of the trials where that parameter was active. */
export function axisPlotData(
	study: Pick<Study, 'params' | 'trials'>,
	choice: ObjectiveChoice
): AxisPlotData[] {
	// Trials stopped by successive halving are drawn too, apart: their values come from shorter training.
	const outcomes = study.trials.filter(
		(trial) => hasOutcome(trial, choice) || (isStopped(trial) && trialValue(trial, choice) !== null)
	);
	return pairAxes(study.params).map((pairAxis) => {
		const axis = plotAxis(pairAxis, study.params);
		const role: ParamRole = study.params.some((p) => p.name === axis.name && p.role === 'scientific')
			? 'scientific'
			: 'nuisance';
		const points: AxisPoint[] = [];
		for (const trial of outcomes) {
			const x = trial.params[axis.name];
			if (x === undefined) continue; // inactive in this trial
			const infeasible = isInfeasible(trial);
			const point: AxisPoint = {
				trialIndex: trial.index,
				x,
				y: infeasible ? null : trialValue(trial, choice)!.value,
				infeasible
			};
			if (isStopped(trial)) point.stopped = true;
			points.push(point);
		}
		return { name: axis.name, role, axis, points };
	});
}

export interface PlacedPoint {
	trialIndex: number;
	/** Pixels from the left of the plot area. */
	px: number;
	/** Pixels from the top of the plot area. */
	py: number;
	infeasible: boolean;
	stopped?: boolean;
	x: ParamValue;
	y: number | null;
}

export interface ObjectiveAxis {
	log: boolean;
	/** Pixel position of an objective value (top = 0). */
	position: (value: number) => number;
	ticks: AxisTick[];
	/** The edge that stands for "worse": top for a minimised metric, bottom for a maximised one. */
	worseEdge: number;
}

/** Positive values spanning more than this ratio get a log objective axis (losses over decades). */
const LOG_OBJECTIVE_RATIO = 30;

/**
 * A vertical objective axis over `values` from `height` (bottom) to 0 (top). The worse edge is where
 * infeasible trials are drawn, so they read as "off the chart, in the bad direction".
 */
export function objectiveAxis(values: readonly number[], height: number, goal: ObjectiveGoal): ObjectiveAxis {
	const finite = values.filter((v) => Number.isFinite(v));
	let lo = finite.length > 0 ? Math.min(...finite) : 0;
	let hi = finite.length > 0 ? Math.max(...finite) : 1;
	const log = lo > 0 && hi / lo > LOG_OBJECTIVE_RATIO;
	if (lo === hi) {
		const half = lo === 0 ? 1 : Math.abs(lo) / 2;
		lo -= half;
		hi += half;
	}
	const scale = (log ? scaleLog() : scaleLinear()).domain([lo, hi]).range([height, 0]).nice();
	const tickValues = axisTicks(scale, log, 4);
	const label = tickFormat(tickValues, log);
	const ticks = tickValues.map((t) => ({ at: round(scale(t)), label: label(t) }));
	return {
		log,
		position: (value) => round(scale(value)),
		ticks,
		worseEdge: goal === 'minimize' ? 0 : height
	};
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** A spread in [−0.5, 0.5) that differs between neighbouring trials and repeats for the same one. */
export function jitterOf(trialIndex: number): number {
	const golden = 0.6180339887498949;
	return ((trialIndex * golden + 0.37) % 1) - 0.5;
}

export interface AxisPlotLayout {
	x: PlacedAxis;
	y: ObjectiveAxis;
	points: PlacedPoint[];
	infeasibleCount: number;
	/** Points of trials stopped early by successive halving. */
	stoppedCount: number;
}

/**
 * Lays out one axis plot in a `width` × `height` plot area. Points on a band axis spread over half
 * the band so trials with the same value stay visible.
 */
export function layoutAxisPlot(
	plot: AxisPlotData,
	size: { width: number; height: number },
	metric: string
): AxisPlotLayout {
	const x = placeAxis(plot.axis, [0, size.width], { labels: 'across' });
	const y = objectiveAxis(
		plot.points.flatMap((p) => (p.y === null ? [] : [p.y])),
		size.height,
		metricGoal(metric)
	);
	const points: PlacedPoint[] = [];
	for (const point of plot.points) {
		const at = x.position(point.x);
		if (at === undefined) continue;
		const px = x.bandwidth > 0 ? round(at + jitterOf(point.trialIndex) * 0.5 * x.bandwidth) : at;
		const py = point.y === null ? y.worseEdge : y.position(point.y);
		const placed: PlacedPoint = {
			trialIndex: point.trialIndex,
			px,
			py,
			infeasible: point.infeasible,
			x: point.x,
			y: point.y
		};
		if (point.stopped) placed.stopped = true;
		points.push(placed);
	}
	return {
		x,
		y,
		points,
		infeasibleCount: points.filter((p) => p.infeasible).length,
		stoppedCount: points.filter((p) => p.stopped).length
	};
}

/** Hover text for a trial: its index, its searched values and its objective, in words. */
export function trialTitle(
	trial: Pick<TrialRecord, 'index' | 'params'>,
	value: number | null,
	metric: string
): string {
	const values = Object.entries(trial.params).map(
		([name, v]) => `${paramWords(name)} = ${typeof v === 'number' ? formatValue(v) : String(v)}`
	);
	const outcome = value === null ? 'infeasible' : `${metricName(metric)} = ${formatValue(value)}`;
	return [`Trial #${trial.index}`, ...values, outcome].join('\n');
}
