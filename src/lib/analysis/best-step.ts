// Where retrospective checkpoint selection landed in each trial, as a fraction of the fixed training
// length, and what that says about maxTrainSteps. The playbook keeps maxTrainSteps fixed within a
// study and refines it afterwards from these best steps (playbook: "Deciding how long to train when
// training is not compute-bound"); the best step itself is the retrospectively chosen checkpoint
// (playbook: "Saving checkpoints and retrospectively selecting the best checkpoint").
// Pure: no DOM, no tfjs. The chart helpers at the bottom return positions in CSS pixels.
import type { TrialRecord as StoredTrial } from '$lib/storage/schema';
import { bestInSummary } from '$lib/study/metrics';
import type { ObjectiveMetric, Study } from '$lib/study/study';

/** The histogram splits [0, 1] into this many equal bins (tenths of the run). */
export const BIN_COUNT = 10;
/** "Early": best steps before this fraction of maxTrainSteps (the first 10%). */
export const EARLY_FRACTION = 0.1;
/** "Late": best steps in the last this-much of maxTrainSteps (the last 25%), i.e. at 75% or later. */
export const LATE_FRACTION = 0.25;
/** More than this share of late best steps reads as "train longer". */
export const LATE_MAJORITY_SHARE = 0.5;
/** Below this many usable trials the report gives no reading. */
export const MIN_TRIALS = 3;

export const SECTION_NOT_COMPUTE_BOUND = 'Deciding how long to train when training is not compute-bound';
export const SECTION_COMPUTE_BOUND = 'Deciding how long to train when training is compute-bound';
export const SECTION_CHECKPOINTS = 'Saving checkpoints and retrospectively selecting the best checkpoint';

export interface BestStepInput {
	/** Position of the trial in the study. */
	index: number;
	/** Step of the retrospectively selected checkpoint; absent when the trial has none. */
	bestStep: number | null | undefined;
	/** The trial's fixed length, in optimizer steps. */
	maxTrainSteps: number;
	/** Only 'completed' trials count; every other status is excluded and counted. */
	status: string;
	/** Steps between evaluations: best steps can only land on evaluation steps. */
	evalEvery?: number;
}

export interface BestStepPoint {
	index: number;
	bestStep: number;
	maxTrainSteps: number;
	/** bestStep / maxTrainSteps, in [0, 1]. */
	fraction: number;
	/** Histogram bin, 0 … BIN_COUNT − 1. */
	bin: number;
}

export interface HistogramBin {
	/** Lower edge (inclusive), as a fraction of maxTrainSteps. */
	lo: number;
	/** Upper edge (exclusive, except for the last bin, which includes 1). */
	hi: number;
	count: number;
	/** Trial indices in this bin, ascending. */
	indices: number[];
}

export type ReadingId = 'not-enough-data' | 'too-many-steps' | 'train-longer' | 'fine';
export type Severity = 'info' | 'ok' | 'warning';

export interface Reading {
	id: ReadingId;
	severity: Severity;
	/** A few words for a heading. */
	title: string;
	/** What to do, in our words, ending with the playbook section it rests on. */
	message: string;
	/** The playbook sections the reading rests on. */
	sections: string[];
	/** Trial indices in the region the reading is about (empty when there is none). */
	flagged: number[];
}

export interface Exclusions {
	/** Trials left out for their status (queued, running, infeasible, failed, cancelled, stopped). */
	byStatus: Record<string, number>;
	/** Completed trials with no usable best step (no evaluation, or a step outside [0, maxTrainSteps]). */
	withoutBestStep: number;
	total: number;
}

export interface BestStepReport {
	/** Counted trials, by index. */
	points: BestStepPoint[];
	bins: HistogramBin[];
	count: number;
	/** Median fraction, or null without trials. */
	median: number | null;
	/** Share of counted trials with their best step in the first 10%; null without trials. */
	earlyShare: number | null;
	/** Share of counted trials with their best step in the last 25%; null without trials. */
	lateShare: number | null;
	/** Trial indices in the first 10% and in the last 25%. */
	early: number[];
	late: number[];
	excluded: Exclusions;
	/**
	 * The widest gap between evaluations, as a fraction of maxTrainSteps, among counted trials that
	 * say; null when none do. Best steps are only as precise as this.
	 */
	evalSpacing: number | null;
	reading: Reading;
}

/**
 * Report inputs from stored trial records: each trial's best step of the study's objective, from its
 * summary (kept as evaluations arrive, by the one definition in study/objective.ts). Branches left out.
 */
export function inputsFromRecords(trials: readonly StoredTrial[], metric: ObjectiveMetric): BestStepInput[] {
	return trials
		.filter((t) => !t.branch)
		.map((t) => ({
			index: t.index ?? 0,
			bestStep: bestInSummary(t.summary, metric)?.step,
			maxTrainSteps: t.config.maxTrainSteps,
			status: t.status,
			evalEvery: t.config.evalEvery
		}));
}

/** Report inputs from a study file's trials: each trial's `best`, the same retrospective selection. */
export function inputsFromStudy(study: Pick<Study, 'trials'>): BestStepInput[] {
	return study.trials.map((t) => ({
		index: t.index,
		bestStep: t.best?.step,
		maxTrainSteps: t.config.maxTrainSteps,
		status: t.status,
		evalEvery: t.config.evalEvery
	}));
}

/** Bin of a best step: floor(10 · step / max), computed on integers so 0.1 lands in bin 1 exactly. */
export function binOf(bestStep: number, maxTrainSteps: number): number {
	return Math.min(BIN_COUNT - 1, Math.floor((bestStep * BIN_COUNT) / maxTrainSteps));
}

/** In the first 10%: fraction < 0.1 (a step at exactly 10% is not). */
export function isEarly(fraction: number): boolean {
	return fraction < EARLY_FRACTION;
}

/** In the last 25%: fraction ≥ 0.75 (a step at exactly 75% is). */
export function isLate(fraction: number): boolean {
	return fraction >= 1 - LATE_FRACTION;
}

function usableStep(t: BestStepInput): t is BestStepInput & { bestStep: number } {
	return (
		typeof t.bestStep === 'number' &&
		Number.isFinite(t.bestStep) &&
		Number.isFinite(t.maxTrainSteps) &&
		t.maxTrainSteps > 0 &&
		t.bestStep >= 0 &&
		t.bestStep <= t.maxTrainSteps
	);
}

export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "40%", "12.5%": shares and fractions for people. */
export function formatPercent(fraction: number): string {
	return `${Number((fraction * 100).toFixed(1))}%`;
}

const cite = (...sections: string[]) => `(playbook: ${sections.map((s) => `“${s}”`).join('; ')})`;

function readingFor(points: readonly BestStepPoint[], early: number[], late: number[]): Reading {
	const n = points.length;
	if (n < MIN_TRIALS) {
		const sections = [SECTION_NOT_COMPUTE_BOUND];
		return {
			id: 'not-enough-data',
			severity: 'info',
			title: 'Not enough completed trials yet',
			message:
				`${n === 0 ? 'No completed trial has' : `Only ${n} completed ${n === 1 ? 'trial has' : 'trials have'}`} ` +
				`a best step; at least ${MIN_TRIALS} are needed before the spread of best steps says anything ` +
				`about maxTrainSteps ${cite(...sections)}.`,
			sections,
			flagged: []
		};
	}
	if (early.length === n) {
		const sections = [SECTION_NOT_COMPUTE_BOUND];
		return {
			id: 'too-many-steps',
			severity: 'warning',
			title: 'maxTrainSteps looks far too high',
			message:
				`Every trial had already reached its best checkpoint within the first ${formatPercent(EARLY_FRACTION)} ` +
				'of its steps, so the rest of each run bought nothing. Use a much smaller maxTrainSteps in the ' +
				`next study, the same for every trial ${cite(...sections)}.`,
			sections,
			flagged: [...early]
		};
	}
	if (late.length / n > LATE_MAJORITY_SHARE) {
		const sections = [SECTION_NOT_COMPUTE_BOUND, SECTION_COMPUTE_BOUND];
		return {
			id: 'train-longer',
			severity: 'warning',
			title: 'Trials may gain from training longer',
			message:
				`${late.length} of ${n} trials found their best checkpoint in the last ${formatPercent(LATE_FRACTION)} ` +
				'of their steps: they were likely still improving when the budget ran out. Try a larger ' +
				'maxTrainSteps and tune the learning-rate decay again for the new length, instead of only ' +
				`stretching the old schedule ${cite(...sections)}.`,
			sections,
			flagged: [...late]
		};
	}
	const sections = [SECTION_NOT_COMPUTE_BOUND, SECTION_CHECKPOINTS];
	return {
		id: 'fine',
		severity: 'ok',
		title: 'maxTrainSteps looks reasonable',
		message:
			`The best checkpoints are neither all in the first ${formatPercent(EARLY_FRACTION)} nor mostly in ` +
			`the last ${formatPercent(LATE_FRACTION)}, so this study gives no reason to change maxTrainSteps; ` +
			`keep picking each trial's checkpoint after the fact ${cite(...sections)}.`,
		sections,
		flagged: []
	};
}

export function bestStepReport(trials: readonly BestStepInput[]): BestStepReport {
	const byStatus: Record<string, number> = {};
	let withoutBestStep = 0;
	const points: BestStepPoint[] = [];
	let evalSpacing: number | null = null;
	for (const t of trials) {
		if (t.status !== 'completed') {
			byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
			continue;
		}
		if (!usableStep(t)) {
			withoutBestStep++;
			continue;
		}
		points.push({
			index: t.index,
			bestStep: t.bestStep,
			maxTrainSteps: t.maxTrainSteps,
			fraction: t.bestStep / t.maxTrainSteps,
			bin: binOf(t.bestStep, t.maxTrainSteps)
		});
		if (t.evalEvery !== undefined && Number.isFinite(t.evalEvery) && t.evalEvery > 0) {
			const spacing = Math.min(1, t.evalEvery / t.maxTrainSteps);
			evalSpacing = Math.max(evalSpacing ?? 0, spacing);
		}
	}
	points.sort((a, b) => a.index - b.index);
	const bins: HistogramBin[] = Array.from({ length: BIN_COUNT }, (_, k) => ({
		lo: k / BIN_COUNT,
		hi: (k + 1) / BIN_COUNT,
		count: 0,
		indices: []
	}));
	for (const p of points) {
		const bin = bins[p.bin]!;
		bin.count++;
		bin.indices.push(p.index);
	}
	const early = points.filter((p) => isEarly(p.fraction)).map((p) => p.index);
	const late = points.filter((p) => isLate(p.fraction)).map((p) => p.index);
	const n = points.length;
	const statusTotal = Object.values(byStatus).reduce((a, b) => a + b, 0);
	return {
		points,
		bins,
		count: n,
		median: median(points.map((p) => p.fraction)),
		earlyShare: n === 0 ? null : early.length / n,
		lateShare: n === 0 ? null : late.length / n,
		early,
		late,
		excluded: { byStatus, withoutBestStep, total: statusTotal + withoutBestStep },
		evalSpacing,
		reading: readingFor(points, early, late)
	};
}

/**
 * A caution when evaluations are too sparse to resolve the first 10%: the best step can only be an
 * evaluation step, so with evaluations further apart than 10% of the run only step 0 can count as
 * "early" (playbook: "Deciding how long to train when training is not compute-bound" assumes
 * checkpoints frequent enough to pick from).
 */
export function spacingCaveat(report: Pick<BestStepReport, 'evalSpacing'>): string | null {
	const spacing = report.evalSpacing;
	if (spacing === null || spacing <= EARLY_FRACTION) return null;
	return (
		`Evaluations are up to ${formatPercent(spacing)} of the run apart, wider than the ` +
		`${formatPercent(EARLY_FRACTION)} bins: best steps can only fall on evaluation steps, so read the ` +
		`histogram as coarse ${cite(SECTION_NOT_COMPUTE_BOUND)}.`
	);
}

/** One sentence with every bin's count, for screen readers (the chart's aria-label). */
export function histogramSummary(report: BestStepReport): string {
	if (report.count === 0) return 'Best steps as a share of maxTrainSteps: no completed trials yet.';
	const bins = report.bins
		.map((b) => `${formatPercent(b.lo)} to ${formatPercent(b.hi)}: ${b.count}`)
		.join(', ');
	return (
		`Best steps of ${report.count} completed ${report.count === 1 ? 'trial' : 'trials'} as a share of ` +
		`maxTrainSteps, in tenths of the run: ${bins}. ${report.early.length} in the first ` +
		`${formatPercent(EARLY_FRACTION)}, ${report.late.length} in the last ${formatPercent(LATE_FRACTION)}.`
	);
}
