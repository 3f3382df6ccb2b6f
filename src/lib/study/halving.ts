// Successive halving as trials arrive (asynchronous successive halving, ASHA: Li et al., "A System for
// Massively Parallel Hyperparameter Tuning", 2020). A trial trains to its first rung, is scored there, and
// goes on to the next rung only while its score is among the best 1/eta of the scores recorded at that
// rung so far; otherwise it stops. Nobody waits for a rung to fill, so a free worker slot always has a
// trial to train. The score at a rung is the objective after a short cooldown branch from the rung's
// checkpoint (Hägele et al. 2024: a run at a constant or slowly decaying rate looks worse mid-run than it
// is, and a short decay shows what it is worth), or the trial's own evaluation there with cooldownSteps 0.
// Pure: the scheduler (runner/scheduler.ts) and the benchmark replay (bench/halving.bench.ts) both decide
// with these functions.
import type { HalvingOption, ObjectiveGoal } from './study-schema';
import type { CooldownShape } from '../math/schedules';

export type { HalvingOption };

/** The shape of the cooldown branch that scores a trial at a rung (the shape Hägele et al. found best). */
export const RUNG_COOLDOWN_SHAPE: CooldownShape = '1-sqrt';

/** One decision at a rung, stored with the trial (TrialRecord.halving) so a resumed study keeps it. */
export interface RungDecision {
	/** Rung number, 0 for the first. */
	rung: number;
	/** The rung's step (minSteps·eta^rung). */
	step: number;
	/** The objective scored there (NaN when none could be: the branch diverged or failed). */
	score: number;
	/** Whether the trial went on to the next rung (false: it stopped here). */
	promoted: boolean;
	/** How many trials had been scored at this rung, this one included, when it was decided. */
	scoredAtRung: number;
	/** When it was stored, in milliseconds since the epoch. */
	decidedAt: number;
}

/** The rung steps minSteps·eta^k that lie strictly below maxTrainSteps, in increasing order. */
export function rungSteps(option: Pick<HalvingOption, 'eta' | 'minSteps'>, maxTrainSteps: number): number[] {
	const steps: number[] = [];
	for (let s = option.minSteps; s < maxTrainSteps; s *= option.eta) steps.push(s);
	return steps;
}

/** Whether score `a` is strictly better than `b`; a non-finite score is worse than every finite one. */
export function scoreBetter(goal: ObjectiveGoal, a: number, b: number): boolean {
	if (!Number.isFinite(a)) return false;
	if (!Number.isFinite(b)) return true;
	return goal === 'minimize' ? a < b : a > b;
}

/**
 * How many trials may go on from a rung where `scored` trials have been scored: the best ⌊scored/eta⌋,
 * and at least 1, so the first arrival at an empty rung goes on (nothing has beaten it yet).
 */
export function promotionQuota(scored: number, eta: number): number {
	return Math.max(1, Math.floor(scored / eta));
}

/**
 * The decision for a trial arriving at a rung with `score`, given the scores recorded there before it
 * (in any order): it goes on when fewer than promotionQuota(n, eta) of the n scores (its own included)
 * are strictly better than it. A non-finite score always stops the trial.
 */
export function promotes(
	earlier: readonly number[],
	score: number,
	eta: number,
	goal: ObjectiveGoal
): boolean {
	if (!Number.isFinite(score)) return false;
	const better = earlier.filter((s) => scoreBetter(goal, s, score)).length;
	return better < promotionQuota(earlier.length + 1, eta);
}

/** The scores recorded at each rung step, in arrival order; the state ASHA decides from. */
export type RungTable = Record<number, number[]>;

/** The table rebuilt from stored decisions (a resumed study decides from everything decided before). */
export function rungTable(decisions: readonly (readonly RungDecision[] | undefined)[]): RungTable {
	const table: RungTable = {};
	const all = decisions.flatMap((d) => d ?? []).sort((a, b) => a.decidedAt - b.decidedAt);
	for (const d of all) (table[d.step] ??= []).push(d.score);
	return table;
}

/** Decides a trial's arrival at rung `rung` and records its score; pure: returns the new table. */
export function decideAtRung(
	table: RungTable,
	input: { rung: number; step: number; score: number; eta: number; goal: ObjectiveGoal; now: number }
): { table: RungTable; decision: RungDecision } {
	const earlier = table[input.step] ?? [];
	const promoted = promotes(earlier, input.score, input.eta, input.goal);
	const decision: RungDecision = {
		rung: input.rung,
		step: input.step,
		score: input.score,
		promoted,
		scoredAtRung: earlier.length + 1,
		decidedAt: input.now
	};
	return { table: { ...table, [input.step]: [...earlier, input.score] }, decision };
}

/**
 * Where a trial resumed at `fromStep` goes next: score the rung it stands on when that rung is not
 * decided yet (it was cut off while being scored), else train to the next rung above it, or (none left)
 * to the end.
 */
export function nextRungAction(
	rungs: readonly number[],
	decided: readonly RungDecision[],
	fromStep: number
): { kind: 'score'; rung: number } | { kind: 'train'; rung: number } | { kind: 'finish' } {
	const standing = rungs.indexOf(fromStep);
	if (standing >= 0 && !decided.some((d) => d.step === fromStep)) return { kind: 'score', rung: standing };
	const next = rungs.findIndex((s) => s > fromStep);
	return next >= 0 ? { kind: 'train', rung: next } : { kind: 'finish' };
}

/** The reason stored with a stopped trial: where it stopped, its score and what it was compared with. */
export function stoppedReason(decision: RungDecision, option: HalvingOption, metric: string): string {
	const scored = Number.isFinite(decision.score)
		? `${metric} ${formatScore(decision.score)}`
		: `no finite ${metric}`;
	const how =
		option.cooldownSteps > 0
			? `after a ${option.cooldownSteps}-step cooldown branch`
			: 'at its own evaluation there';
	return (
		`stopped by successive halving at rung ${decision.rung} (step ${decision.step}): ${scored} ${how}, ` +
		`not among the best 1/${option.eta} of the ${decision.scoredAtRung} trials scored at that rung`
	);
}

function formatScore(value: number): string {
	return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}
