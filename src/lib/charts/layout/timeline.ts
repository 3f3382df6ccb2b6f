// The study timeline: when each trial trained and on which worker slot, coloured by how it ended. One
// row per slot, one bar per run (a trial paused and resumed has several runs; every run but its last is
// drawn as "interrupted", its last one in the trial's status). Time runs across from the first start,
// in seconds, minutes or hours, whichever keeps the numbers short. Queued trials have not run; trials
// that ran before run times were kept have no runs and are counted apart, not drawn. Pure: Timeline.svelte
// draws what this returns.
import { scaleLinear } from 'd3';
import type { TrialStatus } from '../../study/metrics';
import type { TrialRecord } from '../../study/study';

export type RunOutcome = TrialStatus | 'interrupted';

export interface TimelineBar {
	trialIndex: number;
	slot: number;
	/** The trial's status for its last run, 'interrupted' for an earlier one. */
	outcome: RunOutcome;
	x: number;
	width: number;
	y: number;
	height: number;
	/** Seconds from the first start to this run's start and end. */
	start: number;
	end: number;
	/** The run is still open (the trial runs now): it is drawn up to `now`. */
	open: boolean;
}

export interface TimelineLayout {
	bars: TimelineBar[];
	/** The slots, one row each, top to bottom, with the row's centre. */
	rows: { slot: number; y: number; label: string }[];
	xTicks: { x: number; label: string; value: number }[];
	/** Unit of the time axis. */
	unit: 'seconds' | 'minutes' | 'hours';
	/** Height of the plot: rows × row height. */
	height: number;
	/** Trials that ran (are not queued) but have no recorded run: stored before run times were kept. */
	untimed: number;
	/** Milliseconds since the epoch of the first start (null: nothing timed). */
	origin: number | null;
}

const UNITS = [
	{ unit: 'seconds', seconds: 1 },
	{ unit: 'minutes', seconds: 60 },
	{ unit: 'hours', seconds: 3600 }
] as const;

/**
 * Lays out the runs of `trials` across `width` pixels, `rowHeight` pixels per slot. `now` (milliseconds
 * since the epoch) ends the runs still open.
 */
export function layoutTimeline(
	trials: readonly Pick<TrialRecord, 'index' | 'status' | 'runs'>[],
	width: number,
	rowHeight: number,
	now: number
): TimelineLayout {
	const timed = trials.filter((t) => (t.runs ?? []).length > 0);
	const runs = timed.flatMap((t) =>
		t.runs!.map((run, k) => ({
			trialIndex: t.index,
			slot: run.slot,
			outcome: (k === t.runs!.length - 1 ? t.status : 'interrupted') as RunOutcome,
			startedAt: run.startedAt,
			endedAt: Math.max(run.startedAt, run.endedAt ?? now),
			open: run.endedAt === undefined
		}))
	);
	const slots = [...new Set(runs.map((r) => r.slot))].sort((a, b) => a - b);
	const rowOf = new Map(slots.map((slot, k) => [slot, k]));
	const origin = runs.length === 0 ? null : Math.min(...runs.map((r) => r.startedAt));
	const spanSeconds =
		runs.length === 0 ? 1 : Math.max(1, (Math.max(...runs.map((r) => r.endedAt)) - origin!) / 1000);
	// The largest unit in which the span is at least two units long.
	const unit = [...UNITS].reverse().find((u) => spanSeconds / u.seconds >= 2) ?? UNITS[0];
	const x = scaleLinear()
		.domain([0, spanSeconds / unit.seconds])
		.range([0, width])
		.nice();
	const pad = Math.min(3, rowHeight * 0.15);
	const bars = runs.map((r) => {
		const start = (r.startedAt - origin!) / 1000;
		const end = (r.endedAt - origin!) / 1000;
		const x0 = round(x(start / unit.seconds));
		const x1 = round(x(end / unit.seconds));
		return {
			trialIndex: r.trialIndex,
			slot: r.slot,
			outcome: r.outcome,
			x: x0,
			// At least a pixel, so a run of a few milliseconds still shows.
			width: Math.max(1, round(x1 - x0)),
			y: rowOf.get(r.slot)! * rowHeight + pad,
			height: rowHeight - 2 * pad,
			start,
			end,
			open: r.open
		};
	});
	return {
		bars,
		rows: slots.map((slot, k) => ({ slot, y: (k + 0.5) * rowHeight, label: `slot ${slot}` })),
		xTicks: x.ticks(6).map((t) => ({ x: round(x(t)), label: String(t), value: t })),
		unit: unit.unit,
		height: Math.max(1, slots.length) * rowHeight,
		untimed: trials.filter((t) => t.status !== 'queued' && (t.runs ?? []).length === 0).length,
		origin
	};
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}
