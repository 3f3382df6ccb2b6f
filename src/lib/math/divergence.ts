// When a trial counts as diverged: the playbook treats such trials as infeasible rather than as bad
// results (playbook: "Identifying unstable workloads"; "Exploration vs exploitation" on infeasible points).

/** A training loss above this multiple of the initial loss, after warmup, counts as an explosion. */
export const DIVERGENCE_FACTOR = 10;

/**
 * Why the training loss at `step` makes the trial infeasible, or null when it does not.
 * `initialLoss` is the loss before any update (the step-0 evaluation), a stable reference point.
 * During warmup only non-finite values count: early spikes there are what warmup is meant to absorb.
 */
export function divergenceReason(
	step: number,
	loss: number,
	initialLoss: number,
	warmupSteps: number,
	factor = DIVERGENCE_FACTOR
): string | null {
	if (!Number.isFinite(loss)) return `training loss became non-finite (${loss}) at step ${step}`;
	if (step >= warmupSteps && Number.isFinite(initialLoss) && loss > factor * initialLoss) {
		return (
			`training loss ${loss.toPrecision(3)} at step ${step} is over ${factor}× its initial value ` +
			`${initialLoss.toPrecision(3)}: the trial diverged`
		);
	}
	return null;
}
