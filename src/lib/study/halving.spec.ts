import { describe, expect, it } from 'vitest';
import {
	decideAtRung,
	nextRungAction,
	promotes,
	promotionQuota,
	rungSteps,
	rungTable,
	stoppedReason,
	type RungDecision,
	type RungTable
} from './halving';

describe('rungSteps', () => {
	it('puts rungs at minSteps·eta^k strictly below maxTrainSteps', () => {
		// 100, 300, 900 < 1000; 2700 is past the end.
		expect(rungSteps({ eta: 3, minSteps: 100 }, 1000)).toEqual([100, 300, 900]);
		// A rung at maxTrainSteps itself would be the end of training, not a rung.
		expect(rungSteps({ eta: 3, minSteps: 100 }, 900)).toEqual([100, 300]);
		expect(rungSteps({ eta: 2, minSteps: 1 }, 8)).toEqual([1, 2, 4]);
		expect(rungSteps({ eta: 4, minSteps: 50 }, 50)).toEqual([]);
	});
});

describe('promotionQuota', () => {
	it('lets the best floor(n/eta) go on, and at least one', () => {
		// n = 1..7 with eta 3: 1, 1, 1, 1, 1, 2, 2.
		expect([1, 2, 3, 4, 5, 6, 7].map((n) => promotionQuota(n, 3))).toEqual([1, 1, 1, 1, 1, 2, 2]);
		expect(promotionQuota(9, 3)).toBe(3);
		expect(promotionQuota(4, 2)).toBe(2);
	});
});

/** Runs arrivals through decideAtRung at one rung, as the scheduler does, and lists the decisions. */
function arrive(scores: number[], eta: number, goal: 'minimize' | 'maximize'): boolean[] {
	let table: RungTable = {};
	return scores.map((score, i) => {
		const next = decideAtRung(table, { rung: 0, step: 100, score, eta, goal, now: i });
		table = next.table;
		return next.decision.promoted;
	});
}

describe('deciding as trials arrive (eta 3)', () => {
	it('matches a hand-worked sequence of losses', () => {
		// Worked by hand: arrival, n scored (itself included), quota max(1, ⌊n/3⌋), how many earlier are
		// strictly lower, decision.
		//   0.5 : n=1 quota 1, 0 better → on
		//   0.7 : n=2 quota 1, 1 better (0.5) → stop
		//   0.4 : n=3 quota 1, 0 better → on
		//   0.6 : n=4 quota 1, 2 better (0.5, 0.4) → stop
		//   0.3 : n=5 quota 1, 0 better → on
		//   0.8 : n=6 quota 2, 5 better → stop
		//   0.45: n=7 quota 2, 2 better (0.4, 0.3) → stop
		//   0.35: n=8 quota 2, 1 better (0.3) → on
		expect(arrive([0.5, 0.7, 0.4, 0.6, 0.3, 0.8, 0.45, 0.35], 3, 'minimize')).toEqual([
			true,
			false,
			true,
			false,
			true,
			false,
			false,
			true
		]);
	});

	it('depends on arrival order: the same two scores, swapped, both go on', () => {
		// 0.3 first: 0.5 then has one better of n=2 (quota 1) and stops.
		expect(arrive([0.3, 0.5], 3, 'minimize')).toEqual([true, false]);
		// 0.5 first goes on (nothing beat it yet); 0.3 then beats it and goes on too.
		expect(arrive([0.5, 0.3], 3, 'minimize')).toEqual([true, true]);
	});

	it('respects a maximised objective (accuracy): higher is better', () => {
		// 0.90 on; 0.80: 1 better of n=2 → stop; 0.95: 0 better of n=3 → on.
		expect(arrive([0.9, 0.8, 0.95], 3, 'maximize')).toEqual([true, false, true]);
		// The same numbers as losses: 0.80 and 0.95 — 0.80 beats 0.90, 0.95 is beaten by both.
		expect(arrive([0.9, 0.8, 0.95], 3, 'minimize')).toEqual([true, true, false]);
	});

	it('ties do not count as better, and a non-finite score always stops', () => {
		expect(arrive([0.5, 0.5], 3, 'minimize')).toEqual([true, true]);
		expect(promotes([], Number.NaN, 3, 'minimize')).toBe(false);
		// An earlier NaN is worse than any finite score.
		expect(promotes([Number.NaN], 9, 3, 'minimize')).toBe(true);
	});

	it('records each score in its rung and how many had been scored there', () => {
		const first = decideAtRung({}, { rung: 1, step: 300, score: 0.2, eta: 3, goal: 'minimize', now: 5 });
		expect(first.table).toEqual({ 300: [0.2] });
		expect(first.decision).toEqual({
			rung: 1,
			step: 300,
			score: 0.2,
			promoted: true,
			scoredAtRung: 1,
			decidedAt: 5
		});
		const second = decideAtRung(first.table, {
			rung: 1,
			step: 300,
			score: 0.1,
			eta: 3,
			goal: 'minimize',
			now: 6
		});
		expect(second.table).toEqual({ 300: [0.2, 0.1] });
		expect(second.decision.scoredAtRung).toBe(2);
	});
});

describe('resuming', () => {
	const d = (step: number, score: number, decidedAt: number, promoted = true): RungDecision => ({
		rung: step === 100 ? 0 : 1,
		step,
		score,
		promoted,
		scoredAtRung: 1,
		decidedAt
	});

	it('rebuilds the rung table from stored decisions, in the order they were made', () => {
		const table = rungTable([[d(100, 0.5, 1), d(300, 0.2, 4)], undefined, [d(100, 0.7, 2, false)]]);
		expect(table).toEqual({ 100: [0.5, 0.7], 300: [0.2] });
		// The next arrival at rung 100 sees both earlier scores: 0.6 has 0.5 better, n=3, quota 1 → stop.
		expect(
			decideAtRung(table, { rung: 0, step: 100, score: 0.6, eta: 3, goal: 'minimize', now: 9 }).decision
				.promoted
		).toBe(false);
	});

	it('scores a rung the trial stands on but was not decided, else trains to the next rung', () => {
		const rungs = [100, 300, 900];
		expect(nextRungAction(rungs, [], 0)).toEqual({ kind: 'train', rung: 0 });
		expect(nextRungAction(rungs, [], 100)).toEqual({ kind: 'score', rung: 0 });
		expect(nextRungAction(rungs, [d(100, 0.5, 1)], 100)).toEqual({ kind: 'train', rung: 1 });
		expect(nextRungAction(rungs, [d(100, 0.5, 1)], 250)).toEqual({ kind: 'train', rung: 1 });
		expect(nextRungAction(rungs, [d(100, 0.5, 1), d(300, 0.4, 2), d(900, 0.3, 3)], 900)).toEqual({
			kind: 'finish'
		});
	});
});

describe('stoppedReason', () => {
	it('names the rung, its step, the score and the comparison', () => {
		const decision: RungDecision = {
			rung: 1,
			step: 300,
			score: 0.41234,
			promoted: false,
			scoredAtRung: 4,
			decidedAt: 0
		};
		expect(stoppedReason(decision, { eta: 3, minSteps: 100, cooldownSteps: 30 }, 'valLoss')).toBe(
			'stopped by successive halving at rung 1 (step 300): valLoss 0.4123 after a 30-step cooldown branch, ' +
				'not among the best 1/3 of the 4 trials scored at that rung'
		);
	});
});
