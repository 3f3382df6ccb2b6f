// The early-instability check (playbook: "Identifying unstable workloads", in "How can optimization
// failures be debugged and mitigated?"). Some models blow up in the first few hundred steps and then
// recover into slow but stable training; an evaluation every few hundred steps never sees it. In our
// words: take the best learning rate found so far, double it, and train a short run (about 500 steps)
// that evaluates after every single step; then look at the loss on a logarithmic step axis, where the
// first steps get as much room as the last ones. A rise of the loss is a sign that warmup (or gradient
// clipping) would let us use higher rates. Pure: no DOM, no tfjs, no database.
import { scaleLinear, scaleLog } from 'd3';
import type { Objective, Study } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';

export const DEFAULT_EARLY_STEPS = 500;
export const MIN_EARLY_STEPS = 10;
/** Every step is evaluated on the whole validation split, so runs beyond this cost too much. */
export const MAX_EARLY_STEPS = 5_000;
/** The playbook's factor over the current best learning rate. */
export const DEFAULT_LR_FACTOR = 2;

/**
 * A loss "spikes" when it rises more than this factor above the lowest value it reached before (a
 * 50% rise): ordinary noise of a whole-validation-split evaluation is far smaller than that.
 */
export const SPIKE_RATIO = 1.5;
/**
 * …and by at least this fraction of the initial loss, so that tiny wiggles of an almost-zero loss
 * (0.01 → 0.02 is a doubling) are not called spikes.
 */
export const SPIKE_MIN_RISE = 0.05;

export interface EarlyOptions {
	steps: number;
	/** The run's learning rate is factor × the source trial's. */
	factor: number;
	backend: BackendChoice;
}

export interface EarlySource {
	studyName: string;
	index: number;
	config: TrialConfig;
	objective: Objective;
}

export function earlyOptionProblems(options: EarlyOptions, source?: Pick<EarlySource, 'config'>): string[] {
	const problems: string[] = [];
	if (!Number.isInteger(options.steps) || options.steps < MIN_EARLY_STEPS || options.steps > MAX_EARLY_STEPS)
		problems.push(
			`the run length must be a whole number of steps from ${MIN_EARLY_STEPS} to ${MAX_EARLY_STEPS}`
		);
	if (!(options.factor > 0)) problems.push('the learning rate factor must be a positive number');
	const warmup = source?.config.warmupSteps ?? 0;
	if (warmup >= options.steps)
		problems.push(
			`the trial warms up for ${warmup} steps, as long as the whole check (${options.steps}): make the check longer`
		);
	return problems;
}

/**
 * The check as a normal study with one trial: every key of the source trial, the learning rate times
 * `factor`, a constant schedule that keeps the trial's warmup (a decay over the short horizon would
 * lower the rate exactly in the window we watch), and an evaluation after every step.
 */
export function earlyInstabilityStudy(source: EarlySource, options: EarlyOptions): Study {
	const { steps, factor } = options;
	const learningRate = Number((source.config.learningRate * factor).toPrecision(6));
	const warmupSteps = source.config.warmupSteps ?? 0;
	const config = cleanTrialConfig({ ...source.config, schedule: 'constant', warmupSteps, learningRate });
	const fixed = { ...fixedFromConfig(config), backend: options.backend };
	const base = `trial ${source.index} of “${source.studyName}”`;
	return {
		name: `Early instability: ${factor}× the rate of ${base}`.slice(0, 120),
		goal:
			`Does training at ${factor}× the best learning rate (${learningRate}) of ${base} spike or diverge in its ` +
			'first steps? Evaluated after every step so a short early blow-up cannot hide between evaluations ' +
			'(playbook: "Identifying unstable workloads").',
		notes:
			`Made by the early-instability check (Procedures page): ${steps} steps, evaluation every step, constant ` +
			`schedule${warmupSteps > 0 ? ` after the trial's ${warmupSteps}-step warmup` : ''}.`,
		workload: { dataset: source.config.dataset, model: source.config.model },
		budget: { maxTrainSteps: steps, evalEvery: 1, checkpointEvery: steps, keepBestCheckpoints: 1 },
		objective: { ...source.objective },
		fixed,
		search: { algorithm: 'grid', trials: 1, seed: source.config.seed },
		params: [],
		trials: []
	};
}

/** Whether a study is what this check leaves behind (one trial, evaluated after every step). */
export function isEarlyInstabilityStudy(study: Pick<Study, 'params' | 'budget' | 'name'>): boolean {
	return (
		study.params.length === 0 && study.budget.evalEvery === 1 && study.name.startsWith('Early instability')
	);
}

/** A loss value at a step; null or a non-finite number where the run produced NaN or infinity. */
export interface RawPoint {
	step: number;
	value: number | null;
}

export type InstabilityKind = 'stable' | 'recovered' | 'diverged';

export interface Instability {
	kind: InstabilityKind;
	/** Where the loss first spiked (or turned non-finite); null when stable. */
	step: number | null;
	/** Lowest loss before the spike, and the highest finite loss from the spike on. */
	before: number | null;
	peak: number | null;
	text: string;
}

/**
 * Reads a loss curve: 'stable' when it never rose more than SPIKE_RATIO × the lowest value so far (by
 * at least SPIKE_MIN_RISE × the first value); 'diverged' when it turned non-finite, or spiked and ended
 * still above that ratio or above its first value; 'recovered' when it spiked and came back down.
 */
export function lossInstability(
	points: readonly RawPoint[],
	ratio = SPIKE_RATIO,
	minRise = SPIKE_MIN_RISE
): Instability {
	const first = points.find((p) => p.value !== null && Number.isFinite(p.value));
	if (!first) {
		const step = points[0]?.step ?? null;
		return {
			kind: 'diverged',
			step,
			before: null,
			peak: null,
			text: 'The run produced no finite loss at all.'
		};
	}
	const initial = first.value!;
	let lowest = Infinity;
	let spike: { step: number; before: number } | null = null;
	let peak = -Infinity;
	for (const p of points) {
		if (p.value === null || !Number.isFinite(p.value)) {
			return {
				kind: 'diverged',
				step: spike?.step ?? p.step,
				before: spike?.before ?? (Number.isFinite(lowest) ? lowest : null),
				peak: Number.isFinite(peak) ? peak : null,
				text: `The loss became NaN or infinite at step ${p.step}: training diverged.`
			};
		}
		if (spike) {
			peak = Math.max(peak, p.value);
			continue;
		}
		if (p.value > ratio * lowest && p.value - lowest >= minRise * initial) {
			spike = { step: p.step, before: lowest };
			peak = p.value;
			continue;
		}
		lowest = Math.min(lowest, p.value);
	}
	if (!spike) {
		return {
			kind: 'stable',
			step: null,
			before: null,
			peak: null,
			text: `No spike: the loss never rose more than ${ratio}× above its lowest value so far.`
		};
	}
	const last = [...points].reverse().find((p) => p.value !== null)!.value!;
	const fmt = (v: number) => v.toPrecision(3);
	if (last > ratio * spike.before || last >= initial) {
		return {
			kind: 'diverged',
			step: spike.step,
			before: spike.before,
			peak,
			text:
				`The loss rose from ${fmt(spike.before)} to ${fmt(peak)} from step ${spike.step} on and had not come ` +
				`back down by the end (${fmt(last)}): this rate is unstable.`
		};
	}
	return {
		kind: 'recovered',
		step: spike.step,
		before: spike.before,
		peak,
		text:
			`The loss spiked at step ${spike.step} (from ${fmt(spike.before)} up to ${fmt(peak)}) and then recovered ` +
			`(${fmt(last)} at the end): early instability that a coarser evaluation schedule would miss. Learning ` +
			'rate warmup is the usual fix (playbook: "Potential fixes for common instability patterns").'
	};
}

export interface LogStepPlot {
	width: number;
	height: number;
	margin: { top: number; right: number; bottom: number; left: number };
	/** SVG path data per series (empty when it has no point at step ≥ 1). */
	paths: { name: string; d: string }[];
	xTicks: { label: string; x: number }[];
	yTicks: { label: string; y: number }[];
	/** Vertical line at the first spike, when there is one. */
	marker: { x: number; step: number } | null;
}

/**
 * Scales and paths of loss curves on a log₁₀ step axis. Step 0 (before any update) has no place on a log
 * axis, so the axis starts at step 1. Non-finite values break the line; values above 3× the largest
 * first value are clipped to the top so a blow-up does not flatten the rest of the curve.
 */
export function logStepPlot(
	series: readonly { name: string; points: readonly RawPoint[] }[],
	markerStep: number | null = null,
	width = 480,
	height = 220
): LogStepPlot {
	const margin = { top: 10, right: 14, bottom: 32, left: 52 };
	const visible = series.map((s) => ({
		name: s.name,
		points: s.points.filter((p) => p.step >= 1)
	}));
	const steps = visible.flatMap((s) => s.points.map((p) => p.step));
	const maxStep = Math.max(10, ...steps);
	const finite = visible.flatMap((s) =>
		s.points.flatMap((p) => (p.value !== null && Number.isFinite(p.value) ? [p.value] : []))
	);
	const firsts = visible.flatMap((s) => {
		const f = s.points.find((p) => p.value !== null && Number.isFinite(p.value));
		return f ? [f.value!] : [];
	});
	const cap = firsts.length > 0 ? 3 * Math.max(...firsts) : Infinity;
	const yHi = finite.length > 0 ? Math.min(Math.max(...finite), cap) : 1;
	const x = scaleLog()
		.domain([1, maxStep])
		.range([margin.left, width - margin.right]);
	const y = scaleLinear()
		.domain([0, yHi > 0 ? yHi * 1.05 : 1])
		.range([height - margin.bottom, margin.top]);
	const paths = visible.map((s) => {
		let d = '';
		let pen = false;
		for (const p of s.points) {
			if (p.value === null || !Number.isFinite(p.value)) {
				pen = false;
				continue;
			}
			const px = x(p.step).toFixed(1);
			const py = y(Math.min(p.value, yHi * 1.05)).toFixed(1);
			d += `${pen ? 'L' : 'M'}${px},${py}`;
			pen = true;
		}
		return { name: s.name, d };
	});
	const xTicks: { label: string; x: number }[] = [];
	for (let t = 1; t <= maxStep; t *= 10) xTicks.push({ label: String(t), x: x(t) });
	return {
		width,
		height,
		margin,
		paths,
		xTicks,
		yTicks: y.ticks(4).map((value) => ({ label: y.tickFormat(4)(value), y: y(value) })),
		marker: markerStep !== null && markerStep >= 1 ? { x: x(markerStep), step: markerStep } : null
	};
}
