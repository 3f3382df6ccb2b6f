// What every detector of the checklist needs: the trials ranked by the chosen objective, the best few of
// them, and each trial's curves reduced to a few dozen points. Curves are computed once per trial and
// kept, so a study of hundreds of long trials is read only a couple of times whatever the detectors ask.
import type { ParamValue, Sample } from '../../math/search-space';
import type { Study, StudyParam, TrialRecord } from '../../study/study';
import { isBetter, metricGoal, metricPoints, trialValue, type ObjectiveChoice } from '../objective';
import { formatNumber } from '../../util/number-format';

/** The "best trials" are this share of the ranked trials… */
export const TOP_SHARE = 0.1;
/** …but at least this many: the playbook looks at "at least the best few trials" (a single one is luck). */
export const TOP_MIN = 3;
/** Training losses are per batch and noisy: their curves are averaged into this many equal-count bins. */
export const TRAIN_BINS = 20;
/** Evaluation curves longer than this are averaged into this many bins (evaluations are far less noisy). */
export const EVAL_BINS = 40;

export interface Point {
	step: number;
	value: number;
}

export interface RankedTrial {
	trial: TrialRecord;
	/** The trial's objective under the choice. */
	value: number;
	/** The step the value comes from. */
	step: number;
}

/** How many of `n` ranked trials count as the best ones. */
export function topCount(n: number): number {
	return Math.min(n, Math.max(TOP_MIN, Math.ceil(n * TOP_SHARE)));
}

/** More than half: the best trials "mostly" show something. */
export function isMajority(count: number, of: number): boolean {
	return of > 0 && count > of / 2;
}

/**
 * Averages consecutive points into at most `bins` groups of (nearly) equal size: each group becomes one
 * point at its mean step and mean value. Shorter curves come back as they are.
 */
export function binPoints(points: readonly Point[], bins: number): Point[] {
	if (points.length <= bins) return [...points];
	const out: Point[] = [];
	for (let b = 0; b < bins; b++) {
		const start = Math.floor((b * points.length) / bins);
		const end = Math.floor(((b + 1) * points.length) / bins);
		let step = 0;
		let value = 0;
		for (let i = start; i < end; i++) {
			step += points[i]!.step;
			value += points[i]!.value;
		}
		out.push({ step: step / (end - start), value: value / (end - start) });
	}
	return out;
}

/** The point whose step is closest to `step` (the earlier one on a tie). */
export function pointNear(points: readonly Point[], step: number): Point | undefined {
	let best: Point | undefined;
	for (const p of points) if (!best || Math.abs(p.step - step) < Math.abs(best.step - step)) best = p;
	return best;
}

/** Index of the best point under the metric's direction (the first one on a tie). */
export function bestIndex(points: readonly Point[], metric: string): number {
	let best = 0;
	for (let i = 1; i < points.length; i++) {
		if (isBetter(metric, points[i]!.value, points[best]!.value)) best = i;
	}
	return best;
}

/** For Gaussian noise of standard deviation σ, the median |difference| of two draws is 0.6745·√2·σ. */
const MEDIAN_ABS_DIFF_PER_SD = 0.6744897501960817 * Math.SQRT2;

/**
 * The row-to-row noise of a curve (a standard deviation, in the curve's units): the median absolute
 * difference of successive points over 0.6745·√2, which is σ for independent Gaussian noise. Differences
 * ignore a slow trend, and the median ignores a few spikes. 0 with fewer than two points.
 */
export function rowNoise(points: readonly Point[]): number {
	if (points.length < 2) return 0;
	const diffs: number[] = [];
	for (let i = 1; i < points.length; i++) diffs.push(Math.abs(points[i]!.value - points[i - 1]!.value));
	return median(diffs) / MEDIAN_ABS_DIFF_PER_SD;
}

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How much a change from `from` to `to` is an improvement, positive when better, for the metric. */
export function improvement(metric: string, from: number, to: number): number {
	return metricGoal(metric) === 'minimize' ? from - to : to - from;
}

/** Whether a parameter entry's `when` condition holds for a trial's sampled values. */
export function conditionHolds(param: StudyParam, sample: Sample): boolean {
	if (!param.when) return true;
	for (const [parent, allowed] of Object.entries(param.when)) {
		const value = sample[parent];
		if (value === undefined || !allowed.includes(value as ParamValue)) return false;
	}
	return true;
}

export class StudyContext {
	/** Completed trials with a value under the choice, best first (ties: lower index first). */
	readonly ranked: RankedTrial[];
	readonly top: RankedTrial[];
	private readonly trainCurves = new Map<number, Point[]>();
	private readonly rawTrain = new Map<number, Point[]>();
	private readonly evalCurves = new Map<string, Point[]>();

	constructor(
		readonly study: Study,
		readonly choice: ObjectiveChoice
	) {
		const ranked: RankedTrial[] = [];
		for (const trial of study.trials) {
			if (trial.status !== 'completed') continue;
			const v = trialValue(trial, choice);
			if (v) ranked.push({ trial, value: v.value, step: v.step });
		}
		ranked.sort((a, b) =>
			isBetter(choice.metric, a.value, b.value)
				? -1
				: isBetter(choice.metric, b.value, a.value)
					? 1
					: a.trial.index - b.trial.index
		);
		this.ranked = ranked;
		this.top = ranked.slice(0, topCount(ranked.length));
	}

	/** The trial's fixed length in optimizer steps. */
	runLength(trial: TrialRecord): number {
		const own = trial.config.maxTrainSteps;
		return Number.isFinite(own) && own > 0 ? own : this.study.budget.maxTrainSteps;
	}

	/** Every finite training-loss row of the trial, in step order. */
	trainPoints(trial: TrialRecord): Point[] {
		let points = this.rawTrain.get(trial.index);
		if (!points) {
			points = trial.metrics ? metricPoints(trial.metrics, 'trainLoss') : [];
			this.rawTrain.set(trial.index, points);
		}
		return points;
	}

	/** The training loss averaged into TRAIN_BINS points. */
	trainCurve(trial: TrialRecord): Point[] {
		let curve = this.trainCurves.get(trial.index);
		if (!curve) {
			curve = binPoints(this.trainPoints(trial), TRAIN_BINS);
			this.trainCurves.set(trial.index, curve);
		}
		return curve;
	}

	/** A metric's curve: evaluation metrics as logged (binned past EVAL_BINS), `trainLoss` binned. */
	curve(trial: TrialRecord, metric: string): Point[] {
		if (metric === 'trainLoss') return this.trainCurve(trial);
		const key = `${trial.index}:${metric}`;
		let curve = this.evalCurves.get(key);
		if (!curve) {
			curve = trial.metrics ? binPoints(metricPoints(trial.metrics, metric), EVAL_BINS) : [];
			this.evalCurves.set(key, curve);
		}
		return curve;
	}

	/** The objective's curve. */
	objectiveCurve(trial: TrialRecord): Point[] {
		return this.curve(trial, this.choice.metric);
	}
}

/** Trial indices named in a message before the rest are only counted. */
export const MAX_NAMED_TRIALS = 8;

/** "trial 3", "trials 1, 4 and 7", "trials 1, 2, …, 8 and 12 others". */
export function trialList(indices: readonly number[]): string {
	if (indices.length === 1) return `trial ${indices[0]}`;
	if (indices.length > MAX_NAMED_TRIALS) {
		return `trials ${indices.slice(0, MAX_NAMED_TRIALS).join(', ')} and ${indices.length - MAX_NAMED_TRIALS} others`;
	}
	return `trials ${indices.slice(0, -1).join(', ')} and ${indices[indices.length - 1]}`;
}

/** The text with its first letter upper-case, to start a sentence. */
export function capitalised(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "All 3" or "2 of the 3", to be followed by a plural noun. */
export function shareOf(count: number, of: number): string {
	return count === of ? `All ${of}` : `${count} of the ${of}`;
}

/** A number for a message: written as every number for a person is (util/number-format.ts). */
export { formatNumber };

/** "40%" from 0.4. */
export function percentText(fraction: number): string {
	return `${Number((fraction * 100).toFixed(1))}%`;
}

/** `(playbook: “Section”)`, the citation at the end of every message. */
export function cite(section: string): string {
	return `(playbook: “${section}”)`;
}
