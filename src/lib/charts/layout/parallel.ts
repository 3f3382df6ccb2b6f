// Parallel coordinates of a study: one vertical axis per searched parameter and one for the objective,
// each trial a polyline across them. Brushing a range on any axes keeps the trials that pass through
// every brushed range, which shows at a glance which corner of the search space the good (or the
// infeasible) trials come from. The layout and the brushing logic live here; ParallelCoordinates.svelte
// only draws and forwards pointer events. Pure: no DOM, no tfjs.
//
// Positions along an axis are fractions of its height, 0 at the bottom and 1 at the top, so brushes
// survive a resize. The objective axis points "better" up: a minimised metric is drawn reversed.
// Infeasible trials sit at the worse end of the objective axis.

import { scaleLinear, scaleLog } from 'd3';
import { INFEASIBLE_COLOR, objectiveColor, STOPPED_COLOR } from './objective-colors';
import { pairAxes, placeAxis, type AxisTick, type PairAxis, type PlacedAxis } from './pair-plot';
import { axisTicks } from './curve-scales';
import { tickFormat } from './tick-format';
import { axisTitle, metricWords, paramWords } from './axis-words';
import type { Study } from '../../study/study';
import {
	hasOutcome,
	isInfeasible,
	isStopped,
	metricGoal,
	trialValue,
	type ObjectiveChoice
} from '../../analysis/objective';

export interface ParallelAxis {
	/** A parameter's name, or the objective metric's. */
	name: string;
	kind: 'param' | 'objective';
	/** The axis title in words from the one vocabulary (axis-words.ts), "(log)" on a log axis. */
	title: string;
	ticks: AxisTick[];
	/** Band axes: the height share of one band (0 on continuous axes). */
	bandwidth: number;
}

export interface ParallelLine {
	trialIndex: number;
	infeasible: boolean;
	/** The objective, null when infeasible. */
	value: number | null;
	/** Per axis, the position in [0, 1] (0 bottom); undefined when the parameter was inactive. */
	positions: (number | undefined)[];
	/** Stroke colour: the objective on the page's ramp (objective-colors.ts: dark = better), red when infeasible. */
	color: string;
	/**
	 * Stopped early by successive halving: `value` is from the steps it trained (to a rung), so it is
	 * amber and dashed, never on the ramp of the trials that ran to the end.
	 */
	stopped?: boolean;
}

/** The colour of a trial stopped early by successive halving (the study curves use the same). */
export const STOPPED_STROKE = STOPPED_COLOR;

export interface ParallelData {
	axes: ParallelAxis[];
	lines: ParallelLine[];
}

/** The colour of infeasible trials: red, as on the study curves, axis plots and contour. */
export const INFEASIBLE_STROKE = INFEASIBLE_COLOR;

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** A parameter axis placed on [0, 1] (0 at the bottom). */
function placeUnit(axis: PairAxis): PlacedAxis {
	return placeAxis(axis, [0, 1]);
}

/** Axes and lines of the parallel-coordinates plot of a study's finished trials under `choice`. */
export function parallelData(study: Pick<Study, 'params' | 'trials'>, choice: ObjectiveChoice): ParallelData {
	const placed = pairAxes(study.params).map(placeUnit);
	const finished = study.trials.filter(
		(trial) => hasOutcome(trial, choice) || (isStopped(trial) && trialValue(trial, choice) !== null)
	);
	const values = finished.flatMap((trial) => (isInfeasible(trial) ? [] : [trialValue(trial, choice)!.value]));
	// The colour ramp spans the trials that ran to the end; stopped ones only widen the axis.
	const rampValues = finished.flatMap((trial) =>
		isInfeasible(trial) || isStopped(trial) ? [] : [trialValue(trial, choice)!.value]
	);
	const minimize = metricGoal(choice.metric) === 'minimize';
	let lo = values.length > 0 ? Math.min(...values) : 0;
	let hi = values.length > 0 ? Math.max(...values) : 1;
	if (lo === hi) {
		lo -= Math.abs(lo) / 2 || 1;
		hi += Math.abs(hi) / 2 || 1;
	}
	// Losses spanning decades read better on a log axis (same rule as the axis plots).
	const log = lo > 0 && hi / lo > 30;
	const objective = (log ? scaleLog() : scaleLinear()).domain([lo, hi]).range(minimize ? [1, 0] : [0, 1]);
	const rampLo = rampValues.length > 0 ? Math.min(...rampValues) : lo;
	const rampHi = rampValues.length > 0 ? Math.max(...rampValues) : hi;
	// 0 at the best finished value, 1 at the worst: the page's ramp draws the best dark.
	const badness = scaleLinear()
		.domain(minimize ? [rampLo, rampHi] : [rampHi, rampLo])
		.range([0, 1])
		.clamp(true);
	const objectiveTicks = axisTicks(objective, log, 4);
	const objectiveLabel = tickFormat(objectiveTicks, log);
	const axes: ParallelAxis[] = [
		...placed.map((p) => ({
			name: p.axis.name,
			kind: 'param' as const,
			title: axisTitle(paramWords(p.axis.name), p.axis.kind === 'log'),
			ticks: p.ticks,
			bandwidth: p.bandwidth
		})),
		{
			name: choice.metric,
			kind: 'objective',
			title: axisTitle(metricWords(choice.metric), log),
			ticks: objectiveTicks.map((t) => ({ at: round(objective(t)), label: objectiveLabel(t) })),
			bandwidth: 0
		}
	];
	const lines = finished.map((trial): ParallelLine => {
		const infeasible = isInfeasible(trial);
		const value = infeasible ? null : trialValue(trial, choice)!.value;
		const positions = placed.map((p) => {
			const x = trial.params[p.axis.name];
			return x === undefined ? undefined : p.position(x);
		});
		positions.push(value === null ? 0 : round(objective(value)));
		const line: ParallelLine = {
			trialIndex: trial.index,
			infeasible,
			value,
			positions,
			color: value === null ? INFEASIBLE_STROKE : objectiveColor(badness(value))
		};
		if (isStopped(trial)) {
			line.stopped = true;
			line.color = STOPPED_STROKE;
		}
		return line;
	});
	return { axes, lines };
}

export interface Brush {
	/** Index of the brushed axis. */
	axis: number;
	/** Ends of the brushed range, fractions of the axis height (either order). */
	from: number;
	to: number;
}

/**
 * Trials that pass through every brush (AND over axes); all trials when there is no brush. A trial with
 * no value on a brushed axis (the parameter was inactive) does not pass that brush.
 */
export function brushFilter(
	trials: readonly Pick<ParallelLine, 'trialIndex' | 'positions'>[],
	brushes: readonly Brush[]
): Set<number> {
	const selected = new Set<number>();
	for (const trial of trials) {
		const inside = brushes.every((brush) => {
			const at = trial.positions[brush.axis];
			const lo = Math.min(brush.from, brush.to);
			const hi = Math.max(brush.from, brush.to);
			return at !== undefined && at >= lo && at <= hi;
		});
		if (inside) selected.add(trial.trialIndex);
	}
	return selected;
}

/** Replaces the brush on `brush.axis` (one brush per axis); a brush of no height removes it. */
export function setBrush(brushes: readonly Brush[], brush: Brush, minHeight = 0.01): Brush[] {
	const others = brushes.filter((b) => b.axis !== brush.axis);
	return Math.abs(brush.to - brush.from) < minHeight ? others : [...others, brush];
}

/** SVG path of one line given each axis's x in pixels and the plot's height in pixels. */
export function linePath(
	positions: readonly (number | undefined)[],
	xs: readonly number[],
	height: number
): string {
	let path = '';
	let pen = false;
	positions.forEach((at, i) => {
		if (at === undefined) {
			pen = false;
			return;
		}
		const x = Math.round(xs[i]! * 100) / 100;
		const y = Math.round((1 - at) * height * 100) / 100;
		path += `${pen ? 'L' : 'M'}${x},${y}`;
		pen = true;
	});
	return path;
}
