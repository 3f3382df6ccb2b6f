import { describe, expect, it } from 'vitest';
import { replayStudy, type ReplayTrial } from './halving-replay';

/** A trial from a table of values at its own evaluations, after cooldowns, and at the end. */
function curve(at: Record<number, number>, final: number, cooled: Record<number, number> = {}): ReplayTrial {
	return { atStep: (s) => at[s] ?? Number.NaN, cooled: (s) => cooled[s] ?? Number.NaN, final };
}

// maxTrainSteps 9, eta 3, first rung 1: rungs at steps 1 and 3.
const halving = (cooldownSteps: number) => ({ eta: 3, minSteps: 1, cooldownSteps });

describe('replayStudy (hand-worked)', () => {
	const trials = [
		curve({ 1: 0.5, 3: 0.4 }, 0.3, { 1: 0.45, 3: 0.35 }),
		curve({ 1: 0.6, 3: 0.5 }, 0.2, { 1: 0.45, 3: 0.3 }),
		curve({ 1: 0.2, 3: 0.1 }, 0.25, { 1: 0.15, 3: 0.05 })
	];
	const good = (v: number) => v <= 0.25 * 1.01;

	it('without halving: trials run whole, one after another on one slot', () => {
		// t0: 9 steps, final 0.3 (not good); t1: 9 more, final 0.2 → found at 18 steps.
		expect(replayStudy(trials, { steps: 9, slots: 1, halving: null, goal: 'minimize', good })).toEqual({
			found: true,
			compute: 18,
			trial: 1,
			stopped: 0,
			completed: 2
		});
	});

	it('with halving scored at the rung: stops t1 at its first rung, finds t2', () => {
		// t0: 1 (0.5, on) + 2 (0.4, on) + 6 = 9, final 0.3. t1: 1 step, 0.6 is worse than 0.5 with n=2,
		// quota 1 → stopped (10). t2: 1 (0.2 beats both, on) + 2 (0.1 beats 0.4, on) + 6 → 19, final 0.25.
		expect(replayStudy(trials, { steps: 9, slots: 1, halving: halving(0), goal: 'minimize', good })).toEqual({
			found: true,
			compute: 19,
			trial: 2,
			stopped: 1,
			completed: 2
		});
	});

	it('with a 2-step cooldown at each rung: the cooldown ties t1 with t0, so t1 goes on and is found', () => {
		// t0: 1 + 2 (cool, 0.45 on) + 2 + 2 (cool, 0.35 on) + 6 = 13. t1: 1 + 2 (0.45 ties 0.45: a tie is not
		// better, on) + 2 + 2 (0.3 beats 0.35, on) + 6 = 13 more → 26, final 0.2.
		expect(replayStudy(trials, { steps: 9, slots: 1, halving: halving(2), goal: 'minimize', good })).toEqual({
			found: true,
			compute: 26,
			trial: 1,
			stopped: 0,
			completed: 2
		});
	});

	it('decides arrivals at the same time in slot order, and counts every slot’s steps', () => {
		const three = [
			curve({ 1: 0.5, 3: 0.4 }, 0.3),
			curve({ 1: 0.6 }, 0.2),
			curve({ 1: 0.55 }, 0.1) // the best at full length, but stopped at its first rung
		];
		// Time 1: slot 0's t0 (0.5) first → on; slot 1's t1 (0.6, n=2) → stopped; slot 1 takes t2.
		// Time 2: t2 scores 0.55 against 0.5 and 0.6 (n=3, quota 1, one better) → stopped. Time 9: t0
		// completes with 0.3, not within 1 % of 0.1. Steps: t0 9, t1 1, t2 1.
		expect(
			replayStudy(three, {
				steps: 9,
				slots: 2,
				halving: halving(0),
				goal: 'minimize',
				good: (v) => v <= 0.101
			})
		).toEqual({ found: false, compute: 11, trial: null, stopped: 2, completed: 1 });
		// Swap the first two: t1 (0.5) now arrives second and beats t0 (0.6) → both go on.
		const swapped = [three[1]!, three[0]!, three[2]!].map((t, i) =>
			i === 0 ? curve({ 1: 0.6, 3: 0.5 }, 0.2) : t
		);
		const out = replayStudy(swapped, {
			steps: 9,
			slots: 2,
			halving: halving(0),
			goal: 'minimize',
			good: (v) => v <= 0.2
		});
		// Time 1: t0 0.6 on (first), t1 0.5 on. Time 3: t0 0.5 on (first at rung 3), t1 0.4 on. Time 9: t0
		// completes with 0.2 → found; t1 has trained 6 steps past its rung at 3, counted too: 9 + 9 = 18.
		expect(out).toEqual({ found: true, compute: 18, trial: 0, stopped: 0, completed: 1 });
	});

	it('respects a maximised objective', () => {
		const acc = [curve({ 1: 0.8, 3: 0.82 }, 0.85), curve({ 1: 0.9, 3: 0.92 }, 0.95)];
		// t0 goes on alone at both rungs and completes (9 steps, 0.85 not good); t1 (0.9) beats 0.8 at
		// rung 1 when higher is better, 0.92 beats 0.82 at rung 3 → on, found at 18 steps. (As losses,
		// 0.9 would have stopped: see the minimize case above.)
		expect(
			replayStudy(acc, { steps: 9, slots: 1, halving: halving(0), goal: 'maximize', good: (v) => v >= 0.95 })
		).toMatchObject({ found: true, trial: 1, compute: 18 });
	});
});
