// Cooldown branches in the study file: the study option that runs them automatically, and the
// branches each trial carries in an export. Their shape is part of the study schema (study-schema.ts).
import type { CooldownBranchesOption } from './study-schema';

/**
 * Branch every trial automatically at these fractions of maxTrainSteps, each branch decaying the
 * learning rate over `length` × maxTrainSteps steps: one long run then gives a whole curve of
 * "loss if training stopped here" (Hägele et al.; "Learning rates without fortune telling").
 * A branch as exported with its trial is a `BranchResult`. Both types come from study-schema.ts.
 */
export type { BranchResult, CooldownBranchesOption } from './study-schema';

/** The step of each automatic branch point for a run of `maxTrainSteps`. */
export function branchSteps(option: CooldownBranchesOption, maxTrainSteps: number): number[] {
	return option.at.map((f) => Math.max(1, Math.round(f * maxTrainSteps)));
}

/**
 * The steps a branch decays over: `length` × maxTrainSteps, or with `lengthOf: "branchPoint"`
 * `length` × the step it branches from.
 */
export function branchLength(
	option: CooldownBranchesOption,
	maxTrainSteps: number,
	fromStep: number
): number {
	const of = option.lengthOf === 'branchPoint' ? fromStep : maxTrainSteps;
	return Math.max(1, Math.round(option.length * of));
}

/**
 * Whether the option branches a trial with these sampled parameters: always without `when`; with it,
 * only when every named parameter is present in the trial and took one of the listed values (the same
 * rule as a parameter's `when`). The schedule-family comparison branches only its constant trials.
 */
export function branchesApply(
	option: Pick<CooldownBranchesOption, 'when'>,
	params: Readonly<Record<string, unknown>> | undefined
): boolean {
	return Object.entries(option.when ?? {}).every(
		([name, values]) =>
			params !== undefined && Object.hasOwn(params, name) && values.some((v) => v === params[name])
	);
}
