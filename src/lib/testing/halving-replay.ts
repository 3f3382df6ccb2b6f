// Replays a study over precomputed learning curves, with or without successive halving, on a pool of
// worker slots, deciding each rung with the lab's own code (study/halving.ts: rungSteps, decideAtRung),
// to measure what early stopping costs and saves (bench/halving.bench.ts). Time is counted in optimizer
// steps: a slot trains one step per unit of time, a cooldown branch of C steps occupies its slot for C
// units, and the compute spent is the sum over slots of the steps trained (trunks and branches).
import { decideAtRung, rungSteps, type HalvingOption, type RungTable } from '../study/halving';
import type { ObjectiveGoal } from '../study/study-schema';

/** One configuration's precomputed curves. */
export interface ReplayTrial {
	/** The objective at its own evaluation of `step` (the rung score when cooldownSteps is 0). */
	atStep(step: number): number;
	/** The objective after a cooldown branch of `length` steps from its checkpoint at `step`. */
	cooled(step: number, length: number): number;
	/** Its value when trained to the end (what the study would report for it). */
	final: number;
}

export interface ReplayOptions {
	/** maxTrainSteps of every trial. */
	steps: number;
	slots: number;
	halving: HalvingOption | null;
	goal: ObjectiveGoal;
	/** Whether a completed trial's final value is good enough (the search is over when one completes). */
	good(value: number): boolean;
}

export interface ReplayOutcome {
	/** A completed trial was good enough. */
	found: boolean;
	/** Steps trained by every slot until that trial completed (or until the study ended without one). */
	compute: number;
	/** Index of the trial found, or null. */
	trial: number | null;
	/** Trials stopped at a rung, and completed, by the time the replay ended. */
	stopped: number;
	completed: number;
}

interface Segment {
	trial: number;
	kind: 'train' | 'cool';
	/** Step the trial stands at when the segment ends (the rung, or maxTrainSteps). */
	to: number;
	/** Rung number the segment ends at (train to a rung, or a cooldown scoring it); null: the end. */
	rung: number | null;
	start: number;
	end: number;
}

/**
 * Runs `trials` in index order on `options.slots` slots. Without halving each trial trains to the end;
 * with it, each trains rung by rung and is scored and decided on arrival as the lab's scheduler does
 * (events at the same time are taken in slot order). Ends when a completed trial is good enough.
 */
export function replayStudy(trials: readonly ReplayTrial[], options: ReplayOptions): ReplayOutcome {
	const { steps, halving } = options;
	const rungs = halving ? rungSteps(halving, steps) : [];
	const slots: (Segment | null)[] = Array.from({ length: options.slots }, () => null);
	let table: RungTable = {};
	let nextTrial = 0;
	let compute = 0;
	let stopped = 0;
	let completed = 0;

	/** A segment training `trial` from `from` to its next rung above it, or to the end. */
	const trainFrom = (trial: number, from: number, now: number): Segment => {
		const rung = rungs.findIndex((s) => s > from);
		const to = rung >= 0 ? rungs[rung]! : steps;
		return { trial, kind: 'train', to, rung: rung >= 0 ? rung : null, start: now, end: now + (to - from) };
	};

	let now = 0;
	for (;;) {
		for (let k = 0; k < slots.length; k++) {
			if (slots[k] === null && nextTrial < trials.length) slots[k] = trainFrom(nextTrial++, 0, now);
		}
		let k = -1;
		for (let j = 0; j < slots.length; j++) {
			const s = slots[j];
			if (s && (k < 0 || s.end < slots[k]!.end)) k = j;
		}
		if (k < 0) break;
		const segment = slots[k]!;
		now = segment.end;
		compute += segment.end - segment.start;
		const trial = trials[segment.trial]!;
		if (segment.kind === 'train' && segment.rung === null) {
			completed++;
			slots[k] = null;
			if (options.good(trial.final)) {
				// The other slots' work up to now was spent too.
				const partial = slots.reduce((sum, s) => sum + (s ? now - s.start : 0), 0);
				return { found: true, compute: compute + partial, trial: segment.trial, stopped, completed };
			}
			continue;
		}
		const rung = segment.rung!;
		const cooldown = halving!.cooldownSteps;
		if (segment.kind === 'train' && cooldown > 0) {
			slots[k] = { ...segment, kind: 'cool', start: now, end: now + cooldown };
			continue;
		}
		const score = cooldown > 0 ? trial.cooled(segment.to, cooldown) : trial.atStep(segment.to);
		const decided = decideAtRung(table, {
			rung,
			step: segment.to,
			score,
			eta: halving!.eta,
			goal: options.goal,
			now
		});
		table = decided.table;
		if (decided.decision.promoted) {
			slots[k] = trainFrom(segment.trial, segment.to, now);
		} else {
			stopped++;
			slots[k] = null;
		}
	}
	return { found: false, compute, trial: null, stopped, completed };
}
