// Findings read from the training curves of the best trials (playbook: "Examining the training curves")
// and from where their best checkpoints landed (playbook: "Deciding how long to train when training is
// not compute-bound").
import { EARLY_FRACTION, LATE_FRACTION, isEarly, isLate } from '../best-step';
import { configKeySpec, isConfigKey } from '../../study/config-vocabulary';
import type { TrialRecord } from '../../study/study';
import { trialValue } from '../objective';
import { addRegularisation, scaleTrainSteps } from '../next-study';
import {
	MAX_NAMED_TRIALS,
	StudyContext,
	TRAIN_BINS,
	bestIndex,
	cite,
	improvement,
	isMajority,
	median,
	percentText,
	pointNear,
	rowNoise,
	shareOf,
	trialList,
	type Point
} from './context';
import { SECTIONS, type Finding, type FindingId } from './types';

/** The validation loss must give back at least this share of what it had gained to count as rising. */
export const OVERFIT_RISE_SHARE = 0.1;
/** …over at least this many evaluations after its minimum (one high evaluation is noise, not a trend)… */
export const OVERFIT_MIN_EVALS_AFTER = 2;
/** …and the minimum must come at least this share of the run before the end ("well after" the minimum). */
export const OVERFIT_MIN_GAP = 0.1;
/**
 * Meanwhile the training loss must still fall, by at least this share of its total drop, between the
 * validation minimum and the end: that is what tells overfitting apart from training going wrong.
 */
export const OVERFIT_TRAIN_FALL_SHARE = 0.02;

/** "Late in training": the last this share of the run. */
export const LATE_WINDOW = 0.2;
/** Fewer training rows than this in the late window say nothing about step-to-step noise. */
export const LATE_MIN_TRAIN_POINTS = 8;
/** Fewer evaluations than this in the late window are not enough to measure their noise. */
export const LATE_MIN_EVAL_POINTS = 5;
/**
 * Step-to-step noise late in training (standard deviation of successive differences / √2, which ignores
 * a slow trend) at this share of the trial's total improvement or more is high: a trial's final number
 * then depends on which step it happened to end on by a sizeable part of what training achieved.
 */
export const LATE_NOISE_SHARE = 0.1;

/** The objective still gaining this share of its total improvement over the last LATE_WINDOW is "still improving". */
export const STILL_IMPROVING_GAIN = 0.02;
/** A trial whose logged curve ends before this share of its run did not run to the end. */
export const RAN_TO_END_SHARE = 0.95;
/** Within this share of its total improvement from its best, the objective has "reached its best"… */
export const SATURATION_TOLERANCE = 0.01;
/** …and doing so within this share of the run is "long before the end". */
export const SATURATED_BY = 0.5;

/**
 * A training loss that ends this share of its total drop above its lowest level (or this share of its
 * level when it never dropped) is rising. Levels are averages over twentieths of the run, so batch noise
 * does not count.
 */
export const TRAIN_RISE_SHARE = 0.1;
/**
 * …and the rise must also stand this many standard errors above batch noise. The lowest of twenty noisy
 * levels sits below the true floor by chance, so with flat noise the end level exceeds some level by
 * a few standard errors quite often; the chance that it exceeds any of the other nineteen by 4 standard
 * errors is at most 19 × P(Z > 4) ≈ 19 × 3.2e-5 ≈ 0.06% (a union bound, independent Gaussian noise).
 */
export const TRAIN_RISE_NOISE_Z = 4;

/**
 * A training-loss spike: a row this many noise standard deviations (rowNoise) above the median of the
 * SPIKE_WINDOW rows before it. For Gaussian batch noise a row 8σ above the local level practically never
 * happens by chance (P(Z > 8) ≈ 6e-16 per row)…
 */
export const SPIKE_NOISE_Z = 8;
/**
 * …that also gives back at least this share of the drop training had made by then (from the level of
 * its first SPIKE_WINDOW rows to the local level), so that a heavy-tailed but harmless batch on a smooth
 * curve is not a spike: an unstable step undoes a real part of what training achieved.
 */
export const SPIKE_DROP_SHARE = 0.25;
/** The local level a row is compared with: the median of this many rows before it, in rows. */
export const SPIKE_WINDOW = 9;

/** Total improvement of a curve from its first point to its best one (0 when it never improved). */
function totalGain(points: readonly Point[], metric: string): number {
	if (points.length === 0) return 0;
	return Math.max(0, improvement(metric, points[0]!.value, points[bestIndex(points, metric)]!.value));
}

/**
 * How far the training loss rose above its lowest level by the end: (end − lowest) over the total drop
 * from the start to the lowest level (or over the lowest level when it never dropped), with levels the
 * averages over twentieths of the run. 0 when it did not rise, with fewer than three levels, or when the
 * rise is within TRAIN_RISE_NOISE_Z standard errors of the batch noise (a level of m rows has a standard
 * error of σ/√m, so the difference of two has σ·√(2/m), σ from rowNoise).
 */
export function trainLossRise(ctx: StudyContext, trial: TrialRecord): number {
	const curve = ctx.trainCurve(trial);
	if (curve.length < 3) return 0;
	const lowest = curve[bestIndex(curve, 'trainLoss')]!.value;
	const end = curve[curve.length - 1]!.value;
	const drop = curve[0]!.value - lowest;
	const base = drop > 0 ? drop : Math.abs(lowest);
	if (!(base > 0) || !(end > lowest)) return 0;
	const points = ctx.trainPoints(trial);
	const rowsPerLevel = Math.max(1, Math.floor(points.length / TRAIN_BINS));
	const standardError = rowNoise(points) * Math.sqrt(2 / rowsPerLevel);
	if (end - lowest < TRAIN_RISE_NOISE_Z * standardError) return 0;
	return (end - lowest) / base;
}

/**
 * The steps at which the training loss spikes (see SPIKE_NOISE_Z and SPIKE_DROP_SHARE): one step per spike,
 * the first row of a run of consecutive spiking rows. Rows before training has dropped below its starting
 * level cannot spike: there is no progress yet to give back.
 */
export function lossSpikes(points: readonly Point[]): number[] {
	if (points.length <= SPIKE_WINDOW) return [];
	const values = points.map((p) => p.value);
	const sigma = rowNoise(points);
	const start = median(values.slice(0, SPIKE_WINDOW));
	const spikes: number[] = [];
	let inSpike = false;
	for (let i = SPIKE_WINDOW; i < values.length; i++) {
		const local = median(values.slice(i - SPIKE_WINDOW, i));
		const gained = start - local;
		const spiking =
			gained > 0 && values[i]! - local >= Math.max(SPIKE_NOISE_Z * sigma, SPIKE_DROP_SHARE * gained);
		if (spiking && !inSpike) spikes.push(points[i]!.step);
		inSpike = spiking;
	}
	return spikes;
}

function regularisationSearched(ctx: StudyContext): string[] {
	return ctx.study.params
		.filter(
			(p) =>
				p.role === 'scientific' && isConfigKey(p.name) && configKeySpec(p.name).group === 'regularisation'
		)
		.map((p) => p.name);
}

function overfits(ctx: StudyContext, trial: TrialRecord): boolean {
	const val = ctx.curve(trial, 'valLoss');
	if (val.length < OVERFIT_MIN_EVALS_AFTER + 2) return false;
	const m = bestIndex(val, 'valLoss');
	const length = ctx.runLength(trial);
	const last = val[val.length - 1]!;
	if (val.length - 1 - m < OVERFIT_MIN_EVALS_AFTER) return false;
	if (last.step - val[m]!.step < OVERFIT_MIN_GAP * length) return false;
	const gain = val[0]!.value - val[m]!.value;
	if (!(gain > 0) || (last.value - val[m]!.value) / gain < OVERFIT_RISE_SHARE) return false;
	const train = ctx.trainCurve(trial);
	const trainDrop = totalGain(train, 'trainLoss');
	const atMinimum = pointNear(train, val[m]!.step);
	const trainEnd = train[train.length - 1];
	if (!atMinimum || !trainEnd || !(trainDrop > 0)) return false;
	return atMinimum.value - trainEnd.value >= OVERFIT_TRAIN_FALL_SHARE * trainDrop;
}

export function overfittingFinding(ctx: StudyContext): Finding[] {
	const hits = ctx.top.filter((r) => overfits(ctx, r.trial)).map((r) => r.trial.index);
	if (hits.length === 0) return [];
	const scientific = regularisationSearched(ctx);
	const reason =
		`Among the ${ctx.top.length} best trials, ${trialList(hits)} ${hits.length === 1 ? 'has' : 'have'} a validation ` +
		'loss that climbs well after its lowest point while the training loss keeps falling.';
	return [
		{
			id: 'overfitting',
			severity: 'warning',
			title: 'The best trials overfit',
			message:
				`${reason} The model is memorising the training set. Before comparing the scientific parameters, ` +
				'add regularisation (weight decay, dropout, label smoothing) or tune the existing one better, so ' +
				'every setting gets a fair chance. ' +
				(scientific.length > 0
					? `Here ${scientific.join(' and ')} ${scientific.length === 1 ? 'is' : 'are'} itself scientific, so some overfitting at weak settings is expected. `
					: '') +
				`Retrospective checkpoint selection keeps these trials' best point, but the comparison can still be biased ${cite(SECTIONS.curves)}.`,
			trials: hits,
			plot: 'curves',
			section: SECTIONS.curves,
			nextStudy: addRegularisation(ctx.study, reason)
		}
	];
}

/** Step-to-step noise of the points with step ≥ `from`: sd of successive differences / √2. */
function tailNoise(points: readonly Point[], from: number, minPoints: number): number | null {
	const tail = points.filter((p) => p.step >= from);
	if (tail.length < minPoints) return null;
	const diffs: number[] = [];
	for (let i = 1; i < tail.length; i++) diffs.push(tail[i]!.value - tail[i - 1]!.value);
	const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
	const variance = diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length;
	return Math.sqrt(variance / 2);
}

export function lateVarianceFinding(ctx: StudyContext): Finding[] {
	const hits: { index: number; what: string }[] = [];
	for (const { trial } of ctx.top) {
		const from = (1 - LATE_WINDOW) * ctx.runLength(trial);
		const signals: string[] = [];
		const trainNoise = tailNoise(ctx.trainPoints(trial), from, LATE_MIN_TRAIN_POINTS);
		const trainGain = totalGain(ctx.trainCurve(trial), 'trainLoss');
		if (trainNoise !== null && trainGain > 0 && trainNoise / trainGain >= LATE_NOISE_SHARE) {
			signals.push(`training loss jitters by ${percentText(trainNoise / trainGain)} of its total drop`);
		}
		const metric = ctx.choice.metric;
		if (metric !== 'trainLoss' && trial.metrics) {
			const objective = ctx.objectiveCurve(trial);
			const noise = tailNoise(objective, from, LATE_MIN_EVAL_POINTS);
			const gain = totalGain(objective, metric);
			if (noise !== null && gain > 0 && noise / gain >= LATE_NOISE_SHARE) {
				signals.push(`${metric} jitters by ${percentText(noise / gain)} of its total improvement`);
			}
		}
		if (signals.length > 0)
			hits.push({ index: trial.index, what: `trial ${trial.index}: ${signals.join(', ')}` });
	}
	if (hits.length === 0) return [];
	return [
		{
			id: 'late-variance',
			severity: 'warning',
			title: 'Noisy curves late in training',
			message:
				`In the last ${percentText(LATE_WINDOW)} of training, step-to-step noise is large among the best trials ` +
				`(${hits
					.slice(0, MAX_NAMED_TRIALS)
					.map((h) => h.what)
					.join(
						'; '
					)}${hits.length > MAX_NAMED_TRIALS ? `; and ${hits.length - MAX_NAMED_TRIALS} more` : ''}). A trial's result then depends on the step it happened to end ` +
				'on, which blurs comparisons and makes the best trial hard to reproduce. Larger batches, more ' +
				'validation data, a decaying learning rate or weight averaging (EMA/SWA) reduce it ' +
				`${cite(SECTIONS.curves)}.`,
			trials: hits.map((h) => h.index),
			plot: 'curves',
			section: SECTIONS.curves
		}
	];
}

/** Share of the objective's total improvement gained over the last LATE_WINDOW of the run; null when unknown. */
function lateGain(ctx: StudyContext, trial: TrialRecord): number | null {
	const curve = ctx.objectiveCurve(trial);
	const length = ctx.runLength(trial);
	if (curve.length < 3 || curve[curve.length - 1]!.step < RAN_TO_END_SHARE * length) return null;
	const gain = totalGain(curve, ctx.choice.metric);
	if (!(gain > 0)) return null;
	const earlier = curve.filter((p) => p.step <= (1 - LATE_WINDOW) * length);
	const from = earlier[earlier.length - 1];
	if (!from) return null;
	return improvement(ctx.choice.metric, from.value, curve[curve.length - 1]!.value) / gain;
}

/** Share of the run at which the objective first came within SATURATION_TOLERANCE of its best; null when unknown. */
function saturationPoint(ctx: StudyContext, trial: TrialRecord): number | null {
	const curve = ctx.objectiveCurve(trial);
	const length = ctx.runLength(trial);
	if (curve.length < 3 || curve[curve.length - 1]!.step < RAN_TO_END_SHARE * length) return null;
	const gain = totalGain(curve, ctx.choice.metric);
	if (!(gain > 0)) return null;
	const best = curve[bestIndex(curve, ctx.choice.metric)]!.value;
	const reached = curve.find(
		(p) => improvement(ctx.choice.metric, p.value, best) <= SATURATION_TOLERANCE * gain
	)!;
	return reached.step / length;
}

export function trainingLengthFindings(ctx: StudyContext): Finding[] {
	const findings: Finding[] = [];
	const k = ctx.top.length;
	const improving = ctx.top.filter((r) => (lateGain(ctx, r.trial) ?? 0) >= STILL_IMPROVING_GAIN);
	if (isMajority(improving.length, k)) {
		const reason =
			`${shareOf(improving.length, k)} best trials still improved ${ctx.choice.metric} by at least ` +
			`${percentText(STILL_IMPROVING_GAIN)} of their total gain during the last ${percentText(LATE_WINDOW)} of training.`;
		findings.push({
			id: 'still-improving',
			severity: 'info',
			title: 'The best trials were still improving at the end',
			message:
				`${reason} Training looks compute-bound here: more steps would likely help, or a learning-rate ` +
				`schedule that decays by the end. Try a longer run for the most promising configurations ${cite(SECTIONS.computeBound)}.`,
			trials: improving.map((r) => r.trial.index),
			plot: 'curves',
			section: SECTIONS.computeBound,
			nextStudy: scaleTrainSteps(ctx.study, 2, reason)
		});
	}
	const saturated = ctx.top.filter((r) => {
		const at = saturationPoint(ctx, r.trial);
		return at !== null && at <= SATURATED_BY;
	});
	if (isMajority(saturated.length, k)) {
		const reason =
			`${shareOf(saturated.length, k)} best trials had come within ${percentText(SATURATION_TOLERANCE)} of their ` +
			`best ${ctx.choice.metric} in the first ${percentText(SATURATED_BY)} of training.`;
		findings.push({
			id: 'saturated',
			severity: 'info',
			title: 'The best trials stopped improving long before the end',
			message:
				`${reason} Training is not compute-bound here: the later steps bought little, so shorter runs ` +
				`would leave budget for more trials ${cite(SECTIONS.notComputeBound)}.`,
			trials: saturated.map((r) => r.trial.index),
			plot: 'curves',
			section: SECTIONS.notComputeBound,
			nextStudy: scaleTrainSteps(ctx.study, 0.5, reason)
		});
	}
	return findings;
}

export function trainLossIncreasingFinding(ctx: StudyContext): Finding[] {
	const rising = ctx.study.trials
		.filter((t) => t.status === 'completed')
		.map((t) => ({ index: t.index, rise: trainLossRise(ctx, t) }))
		.filter((r) => r.rise >= TRAIN_RISE_SHARE)
		.sort((a, b) => b.rise - a.rise);
	if (rising.length === 0) return [];
	return [
		{
			id: 'train-loss-increasing',
			severity: 'problem',
			title: 'Training loss goes up',
			message:
				`In ${trialList(rising.map((r) => r.index))} the training loss ends clearly above its lowest level ` +
				`(by ${percentText(rising[0]!.rise)} of its earlier drop at worst). Optimisation should not undo ` +
				'itself: this usually points to a bug in the training pipeline, or, if these trials have high ' +
				`learning rates, to an instability ${cite(SECTIONS.curves)}.`,
			trials: rising.map((r) => r.index),
			plot: 'curves',
			section: SECTIONS.curves
		}
	];
}

export function bestStepFindings(ctx: StudyContext): Finding[] {
	const k = ctx.top.length;
	if (k === 0) return [];
	const positions = ctx.top.flatMap((r) => {
		const best = trialValue(r.trial, { metric: ctx.choice.metric, reduce: 'best' });
		return best ? [{ index: r.trial.index, fraction: best.step / ctx.runLength(r.trial) }] : [];
	});
	const early = positions.filter((p) => isEarly(p.fraction));
	const late = positions.filter((p) => isLate(p.fraction));
	const findings: Finding[] = [];
	if (positions.length === k && early.length === k) {
		findings.push({
			id: 'best-step-early',
			severity: 'warning',
			title: 'Best checkpoints come very early',
			message:
				`Every one of the ${k} best trials reached its best ${ctx.choice.metric} in the first ` +
				`${percentText(EARLY_FRACTION)} of its steps: the rest of each run was spent without gain (and possibly ` +
				`overfitting). A much smaller maxTrainSteps, the same for every trial, would do ${cite(SECTIONS.notComputeBound)}.`,
			trials: early.map((p) => p.index),
			plot: 'curves',
			section: SECTIONS.notComputeBound
		});
	}
	if (isMajority(late.length, k)) {
		findings.push({
			id: 'best-step-late',
			severity: 'info',
			title: 'Best checkpoints come at the very end',
			message:
				`${shareOf(late.length, k)} best trials found their best ${ctx.choice.metric} in the last ` +
				`${percentText(LATE_FRACTION)} of their steps, so they might gain from more steps; retune the ` +
				`learning-rate decay for a longer run rather than only stretching it ${cite(SECTIONS.notComputeBound)}.`,
			trials: late.map((p) => p.index),
			plot: 'curves',
			section: SECTIONS.notComputeBound
		});
	}
	return findings;
}

/** Findings that advise shorter runs, and findings that advise longer ones. */
const SHORTER: readonly FindingId[] = ['saturated', 'best-step-early'];
const LONGER: readonly FindingId[] = ['still-improving', 'best-step-late'];

/** The value of the curve's last point at or before `step`, if any. */
function valueAt(points: readonly Point[], step: number): number | undefined {
	let value: number | undefined;
	for (const p of points) if (p.step <= step) value = p.value;
	return value;
}

/**
 * The training-length findings as they are, unless some advise shorter runs and others longer ones: then
 * one `training-length-unclear` finding in their place, which gives the evidence on both sides, measures
 * what the second half of the runs gained against the curves' noise, and says what to check. Advice to
 * halve and to double maxTrainSteps at once would leave the practitioner to guess.
 */
export function reconcileTrainingLength(ctx: StudyContext, findings: readonly Finding[]): Finding[] {
	const shorter = findings.filter((f) => SHORTER.includes(f.id));
	const longer = findings.filter((f) => LONGER.includes(f.id));
	if (shorter.length === 0 || longer.length === 0) return [...findings];
	const metric = ctx.choice.metric;
	// For each best trial: what it gained after the halfway point, and its step-to-step noise there, both
	// as shares of its total improvement.
	const lateGains: number[] = [];
	const lateNoises: number[] = [];
	for (const { trial } of ctx.top) {
		const curve = ctx.objectiveCurve(trial);
		const gain = totalGain(curve, metric);
		const half = ctx.runLength(trial) / 2;
		const atHalf = valueAt(curve, half);
		if (!(gain > 0) || atHalf === undefined) continue;
		const best = curve[bestIndex(curve, metric)]!.value;
		lateGains.push(Math.max(0, improvement(metric, atHalf, best)) / gain);
		const noise = tailNoise(curve, half, 3);
		if (noise !== null) lateNoises.push(noise / gain);
	}
	const describe = (f: Finding): string => {
		const k = ctx.top.length;
		const n = f.trials.length;
		switch (f.id) {
			case 'saturated':
				return `${shareOf(n, k).toLowerCase()} best trials came within ${percentText(SATURATION_TOLERANCE)} of their best ${metric} in the first ${percentText(SATURATED_BY)} of training`;
			case 'best-step-early':
				return `every one of the ${k} best trials reached its best ${metric} in the first ${percentText(EARLY_FRACTION)} of its steps`;
			case 'still-improving':
				return `${shareOf(n, k).toLowerCase()} best trials still improved by at least ${percentText(STILL_IMPROVING_GAIN)} of their total gain in the last ${percentText(LATE_WINDOW)} of training`;
			default:
				return `${shareOf(n, k).toLowerCase()} best trials found their best ${metric} in the last ${percentText(LATE_FRACTION)} of their steps`;
		}
	};
	const measured =
		lateGains.length > 0
			? `After the halfway point the best trials gained a median ${percentText(median(lateGains))} of their total ` +
				`improvement${
					lateNoises.length > 0
						? `, while ${metric} jittered from one evaluation to the next by a median ${percentText(median(lateNoises))} of it`
						: ''
				}. `
			: '';
	const trials = [...new Set([...shorter, ...longer].flatMap((f) => f.trials))];
	const merged: Finding = {
		id: 'training-length-unclear',
		severity: 'info',
		title: 'Train shorter or longer? The curves disagree',
		message:
			`On one side, ${shorter.map(describe).join(', and ')}; on the other, ${longer.map(describe).join(', and ')}. ` +
			`${measured}The curves flatten early but keep creeping, so the best checkpoint lands at the end by a ` +
			'small margin. Before changing maxTrainSteps, check whether that margin is real: if it is no larger than ' +
			'the step-to-step noise, or than the spread between seeds (Procedures → Trial variance), the late best is ' +
			'the luckiest of many near-equal evaluations and a shorter run loses nothing. If it is real and matters ' +
			'for the goal, a longer run should also decay the learning rate to the end (a constant rate keeps the ' +
			'curve creeping and noisy); Procedures → Picking maxTrainSteps measures where more steps stop paying ' +
			`${cite(SECTIONS.notComputeBound)}.`,
		trials,
		plot: 'curves',
		section: SECTIONS.notComputeBound
	};
	return [...findings.filter((f) => !SHORTER.includes(f.id) && !LONGER.includes(f.id)), merged];
}
