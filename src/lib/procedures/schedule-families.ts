// Reading a finished schedule-family comparison (the study is built by study/schedule-families.ts;
// docs/schedule-families.md says when each family fits): each trial's validation curve (the constant
// family's with its cooldown branch after it), each family's best trial, and time to target with its
// bootstrap interval over the family's trials (analysis/time-to-target.ts). Pure: no DOM, no tfjs, no
// database.
import type { Study, TrialRecord } from '../study/study';
import { FAMILIES, FAMILY_PARAM, type Family } from '../study/schedule-families';
import { hasOutcome, isBetter, isInfeasible, metricPoints } from '../analysis/objective';
import { metricGoal } from '../study/objective';
import {
	bootstrapFastest,
	timeToTarget,
	type EvalPoint,
	type TimeBootstrapOptions,
	type TimeInterval
} from '../analysis/time-to-target';

export * from '../study/schedule-families';

/** Whether a study is laid out as a family comparison (a `family` switch with the four families). */
export function isFamilyStudy(study: Pick<Study, 'params'>): boolean {
	const param = study.params.find((p) => p.name === FAMILY_PARAM && p.role === 'scientific');
	return (
		param?.type === 'categorical' &&
		FAMILIES.every((f) => param.values.includes(f)) &&
		param.values.length === FAMILIES.length
	);
}

export function familyOf(trial: Pick<TrialRecord, 'params'>): Family | null {
	const value = trial.params[FAMILY_PARAM];
	return (FAMILIES as readonly unknown[]).includes(value) ? (value as Family) : null;
}

export interface TrialCurve {
	index: number;
	family: Family;
	infeasible: boolean;
	/** The main run's evaluations of the metric. */
	main: EvalPoint[];
	/** The cooldown branches' evaluations (steps continue from the branch point), in step order. */
	branch: EvalPoint[];
	/** The best value over both, and its step; null when none is finite. */
	best: EvalPoint | null;
}

/** A finished trial's curve of `metric`; null for trials that are not evidence (not finished). */
export function trialCurve(trial: TrialRecord, metric: string): TrialCurve | null {
	const family = familyOf(trial);
	if (!family || !hasOutcome(trial, { metric, reduce: 'best' })) return null;
	const main = trial.metrics ? metricPoints(trial.metrics, metric) : [];
	const branch = (trial.branches ?? [])
		.filter((b) => b.status === 'completed' && b.metrics)
		.flatMap((b) => metricPoints(b.metrics!, metric))
		.sort((a, b) => a.step - b.step);
	let best: EvalPoint | null = null;
	for (const p of [...main, ...branch])
		if (best === null || isBetter(metric, p.value, best.value)) best = { ...p };
	return { index: trial.index, family, infeasible: isInfeasible(trial), main, branch, best };
}

export interface FamilyResult {
	family: Family;
	/** Finished trials of the family (completed and infeasible). */
	trials: number;
	infeasible: number;
	/** The family's best trial by its best value (branch included), or null. */
	best: TrialCurve | null;
	/** Time to target over the family's trials; null without a target. */
	time: TimeInterval | null;
	/** Each finished trial's time to target (Infinity: not reached), by trial index. */
	times: { index: number; steps: number }[];
}

/** Every finished trial's curve, grouped by family in FAMILIES order. */
export function familyCurves(study: Pick<Study, 'trials'>, metric: string): Map<Family, TrialCurve[]> {
	const out = new Map<Family, TrialCurve[]>(FAMILIES.map((f) => [f, []]));
	for (const trial of study.trials) {
		const curve = trialCurve(trial, metric);
		if (curve) out.get(curve.family)!.push(curve);
	}
	return out;
}

/**
 * Per family: its best trial and, with a target, each trial's steps to reach it (the branch counts:
 * the constant family reaches a target only after cooling down, at the branch's own step) and the
 * fastest trial's time with its bootstrap interval over the family's trials. An infeasible (diverged)
 * trial stays in the pool: it spent a trial of the budget, and its finite evaluations before the
 * divergence count like any others.
 */
export function familyResults(
	study: Pick<Study, 'trials'>,
	metric: string,
	target: number | null,
	options: TimeBootstrapOptions = {}
): FamilyResult[] {
	const goal = metricGoal(metric);
	return [...familyCurves(study, metric)].map(([family, curves]) => {
		let best: TrialCurve | null = null;
		for (const c of curves) {
			if (c.infeasible || c.best === null) continue;
			if (best === null || isBetter(metric, c.best.value, best.best!.value)) best = c;
		}
		const times =
			target === null
				? []
				: curves.map((c) => ({
						index: c.index,
						steps: timeToTarget([...c.main, ...c.branch], target, goal)
					}));
		return {
			family,
			trials: curves.length,
			infeasible: curves.filter((c) => c.infeasible).length,
			best,
			time:
				target === null || curves.length === 0
					? null
					: bootstrapFastest(
							times.map((t) => t.steps),
							options
						),
			times
		};
	});
}

/**
 * A target every family with a result has reached: the worst of the families' best values (the
 * largest for a minimised metric). Null when no family has one.
 */
export function suggestedTarget(results: readonly FamilyResult[], metric: string): number | null {
	let target: number | null = null;
	for (const r of results) {
		const value = r.best?.best?.value;
		if (value === undefined) continue;
		if (target === null || isBetter(metric, target, value)) target = value;
	}
	return target;
}

/**
 * The study as the family plots read it: each trial's evaluations followed by its completed cooldown
 * branches' (their steps continue past the branch point), so "best over training" of a constant trial
 * is its best with the cooldown, as for the other families whose decay is part of the run.
 */
export function withBranchEvaluations<S extends Pick<Study, 'trials'>>(study: S): S {
	return {
		...study,
		trials: study.trials.map((trial) => {
			const extra = (trial.branches ?? [])
				.filter((b) => b.status === 'completed' && b.metrics)
				.flatMap((b) => b.metrics!.evals);
			if (extra.length === 0 || !trial.metrics) return trial;
			const evals = [...trial.metrics.evals, ...extra].sort((a, b) => a.step - b.step);
			return { ...trial, metrics: { ...trial.metrics, evals } };
		})
	};
}
