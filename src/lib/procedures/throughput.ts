// The batch size and throughput probe (playbook: "Choosing the batch size" and "Determining the
// feasible batch sizes and estimating training throughput"). A study trains the same workload for a
// few dozen steps at batch sizes 2^k; this file turns what each trial measured into examples per
// second, says where doubling the batch stopped nearly doubling throughput, and suggests the largest
// batch size that still scales. Pure: no DOM, no tfjs, no database.
import { scaleLog } from 'd3';
import type { Study } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';

/**
 * A doubling of the batch size "still scales" when examples/s grow by at least this factor. Perfect
 * scaling is 2× (time per step unchanged); 1.8× allows 10% of measurement noise and small per-step
 * overheads, while a real bottleneck (the device saturated, or data loading / synchronisation
 * dominating) shows as a clearly smaller gain, typically 1.0–1.5×.
 */
export const NEAR_DOUBLING_GAIN = 1.8;

/**
 * Steps the worker trains between two readbacks of its scalars (READBACK_EVERY in
 * training/trial-loop.ts, checked by a spec). Timing is only known at readbacks, so the probe measures
 * in groups of this many steps.
 */
export const READBACK_GROUP_STEPS = 20;

/**
 * The shortest useful probe trial, in steps: one group to warm up (backend start, shader compilation
 * of the first step, the step-0 evaluation), at least one clean group to time, and the last group,
 * which also carries the final evaluation and so is left out when a clean one exists.
 */
export const MIN_PROBE_STEPS = 3 * READBACK_GROUP_STEPS;
/** Default probe length: warm-up group, three clean groups (60 timed steps), final group. */
export const DEFAULT_PROBE_STEPS = 5 * READBACK_GROUP_STEPS;
/** The vocabulary allows batch sizes up to 4096 = 2^12; 2^3 = 8 is small enough to fit anywhere. */
export const MIN_EXPONENT = 0;
export const MAX_EXPONENT = 12;

/** What a trial measured about its own speed, stored on its record when it finishes. */
export interface TrialThroughput {
	/** Optimizer steps per second over the timed steps. */
	stepsPerSecond: number;
	/** How many steps were timed. */
	measuredSteps: number;
	/** Steps at the start of the run left out as warm-up (backend start-up, shader compilation). */
	warmupSteps: number;
	/** True when every timed group also held an evaluation (no clean group existed). */
	includesEvaluation: boolean;
}

/** One readback of a running trial: `seconds` since its training began, at `step`. */
export interface TimingMark {
	step: number;
	seconds: number;
	/** Whether an evaluation ran between the previous mark and this one. */
	evaluated: boolean;
}

/**
 * Steady-state speed from a run's readbacks, or null when the run was too short to leave a group
 * after the warm-up. The first group (from `startStep` to the first mark) is always left out; groups
 * that held an evaluation are left out too unless nothing else is left.
 */
export function steadyThroughput(marks: readonly TimingMark[], startStep: number): TrialThroughput | null {
	const ordered = marks.filter((m) => Number.isFinite(m.seconds) && m.step > startStep);
	if (ordered.length < 2) return null;
	const groups = ordered.slice(1).map((mark, i) => ({
		steps: mark.step - ordered[i]!.step,
		seconds: mark.seconds - ordered[i]!.seconds,
		evaluated: mark.evaluated
	}));
	const usable = groups.filter((g) => g.steps > 0 && g.seconds > 0);
	const clean = usable.filter((g) => !g.evaluated);
	const chosen = clean.length > 0 ? clean : usable;
	if (chosen.length === 0) return null;
	const steps = chosen.reduce((sum, g) => sum + g.steps, 0);
	const seconds = chosen.reduce((sum, g) => sum + g.seconds, 0);
	return {
		stepsPerSecond: steps / seconds,
		measuredSteps: steps,
		warmupSteps: ordered[0]!.step - startStep,
		includesEvaluation: clean.length === 0
	};
}

/** Batch sizes 2^lo … 2^hi. */
export function batchSizes(lo: number, hi: number): number[] {
	const out: number[] = [];
	for (let k = lo; k <= hi; k++) out.push(2 ** k);
	return out;
}

export interface ProbeOptions {
	/** Smallest and largest exponent k of the batch sizes 2^k. */
	minExponent: number;
	maxExponent: number;
	/** Steps per batch size (at least MIN_PROBE_STEPS). */
	steps: number;
	backend: BackendChoice;
}

/** Problems with the options, each in words (empty when they are fine). */
export function probeOptionProblems(options: ProbeOptions): string[] {
	const problems: string[] = [];
	const { minExponent: lo, maxExponent: hi, steps } = options;
	if (!Number.isInteger(lo) || lo < MIN_EXPONENT || lo > MAX_EXPONENT)
		problems.push(`the smallest exponent must be a whole number from ${MIN_EXPONENT} to ${MAX_EXPONENT}`);
	if (!Number.isInteger(hi) || hi < MIN_EXPONENT || hi > MAX_EXPONENT)
		problems.push(
			`the largest exponent must be a whole number from ${MIN_EXPONENT} to ${MAX_EXPONENT} (batch ${2 ** MAX_EXPONENT})`
		);
	if (Number.isInteger(lo) && Number.isInteger(hi) && hi <= lo)
		problems.push('the largest exponent must be above the smallest, so that at least one doubling is timed');
	if (!Number.isInteger(steps) || steps < MIN_PROBE_STEPS || steps > 10_000)
		problems.push(`steps per batch size must be a whole number from ${MIN_PROBE_STEPS} to 10000`);
	return problems;
}

/**
 * The probe as a normal study: the workload of `config` at each batch size 2^k (the one scientific
 * parameter, grid search, one trial per size). The schedule becomes constant with no warmup, since the
 * learning rate cannot change the time a step takes and a long schedule would not fit a short budget.
 */
export function probeStudy(config: TrialConfig, options: ProbeOptions): Study {
	const sizes = batchSizes(options.minExponent, options.maxExponent);
	const workload = cleanTrialConfig({ ...config, schedule: 'constant', warmupSteps: 0 });
	const fixed = { ...fixedFromConfig(workload, ['batchSize']), backend: options.backend };
	const steps = options.steps;
	return {
		name: `Throughput probe: ${config.dataset} ${config.model}, batch ${sizes[0]}–${sizes[sizes.length - 1]} on ${options.backend}`,
		goal:
			'Which batch sizes fit on this device, and up to which one does doubling the batch nearly double the ' +
			'examples trained per second? (Playbook: "Determining the feasible batch sizes and estimating training ' +
			'throughput".) Not a comparison of validation performance.',
		notes:
			`Made by the throughput probe (Procedures page). ${steps} steps per size; the first ` +
			`${READBACK_GROUP_STEPS} are warm-up and are not timed. The schedule is constant, without warmup.`,
		workload: { dataset: config.dataset, model: config.model },
		budget: { maxTrainSteps: steps, evalEvery: steps, checkpointEvery: steps, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed,
		search: { algorithm: 'grid', trials: sizes.length, seed: config.seed },
		params: [{ name: 'batchSize', role: 'scientific', type: 'discrete', values: sizes }],
		trials: []
	};
}

/** A probe trial as the table needs it. */
export interface ProbeTrial {
	batchSize: number;
	status: string;
	reason?: string;
	throughput?: TrialThroughput;
}

export interface ProbeRow {
	batchSize: number;
	status: string;
	reason?: string;
	stepsPerSecond?: number;
	examplesPerSecond?: number;
	/** Milliseconds per optimizer step. */
	msPerStep?: number;
	measuredSteps?: number;
	warmupSteps?: number;
	includesEvaluation?: boolean;
	/** Examples/s over the previous measured size, per doubling of the batch. */
	gain?: number;
	/** Whether `gain` reaches NEAR_DOUBLING_GAIN. */
	scales?: boolean;
}

/** Table rows in batch size order, with the throughput gain over the previous measured size. */
export function probeRows(trials: readonly ProbeTrial[]): ProbeRow[] {
	const rows = [...trials]
		.sort((a, b) => a.batchSize - b.batchSize)
		.map((trial): ProbeRow => {
			const row: ProbeRow = { batchSize: trial.batchSize, status: trial.status };
			if (trial.reason) row.reason = trial.reason;
			const t = trial.throughput;
			if (t && t.stepsPerSecond > 0) {
				row.stepsPerSecond = t.stepsPerSecond;
				row.examplesPerSecond = t.stepsPerSecond * trial.batchSize;
				row.msPerStep = 1000 / t.stepsPerSecond;
				row.measuredSteps = t.measuredSteps;
				row.warmupSteps = t.warmupSteps;
				row.includesEvaluation = t.includesEvaluation;
			}
			return row;
		});
	let previous: ProbeRow | undefined;
	for (const row of rows) {
		if (row.examplesPerSecond === undefined) continue;
		if (previous?.examplesPerSecond !== undefined) {
			const doublings = Math.log2(row.batchSize / previous.batchSize);
			row.gain = (row.examplesPerSecond / previous.examplesPerSecond) ** (1 / doublings);
			row.scales = row.gain >= NEAR_DOUBLING_GAIN;
		}
		previous = row;
	}
	return rows;
}

export interface ProbeSuggestion {
	/** The largest batch size reached by doublings that all nearly doubled throughput. */
	batchSize: number | null;
	/** The first size whose doubling fell short of NEAR_DOUBLING_GAIN. */
	firstShortfall: number | null;
	/** The measured size with the most examples per second. */
	fastest: number | null;
	/** The largest size that trained without failing. */
	largestFeasible: number | null;
	/** The first size that failed (out of memory, backend error), which ended the probe. */
	failure: { batchSize: number; reason: string } | null;
	text: string;
}

/** The playbook's rule: consider batch sizes only up to where throughput stops (nearly) doubling. */
export function suggestBatchSize(rows: readonly ProbeRow[]): ProbeSuggestion {
	const measured = rows.filter((r) => r.examplesPerSecond !== undefined);
	const failed = rows.find((r) => r.status === 'failed');
	const failure = failed ? { batchSize: failed.batchSize, reason: failed.reason ?? 'no reason given' } : null;
	const feasible = rows.filter((r) => r.status === 'completed' || r.status === 'infeasible');
	const largestFeasible = feasible.length > 0 ? feasible[feasible.length - 1]!.batchSize : null;
	if (measured.length === 0) {
		return {
			batchSize: null,
			firstShortfall: null,
			fastest: null,
			largestFeasible,
			failure,
			text: failure
				? `No batch size was timed: batch ${failure.batchSize} failed (${failure.reason}).`
				: 'No batch size was timed: each trial needs at least a warm-up group and one more.'
		};
	}
	let suggested = measured[0]!.batchSize;
	let shortfall: number | null = null;
	for (const row of measured.slice(1)) {
		if (row.scales) suggested = row.batchSize;
		else {
			shortfall = row.batchSize;
			break;
		}
	}
	const fastest = measured.reduce((a, b) => (b.examplesPerSecond! > a.examplesPerSecond! ? b : a)).batchSize;
	const gainText = `${NEAR_DOUBLING_GAIN}×`;
	let text: string;
	if (measured.length === 1) {
		text = `Only batch ${suggested} was timed, so no doubling could be compared.`;
	} else if (shortfall === null) {
		text =
			`Every doubling up to batch ${suggested} at least ${gainText} the examples per second: the device is not ` +
			'saturated yet. Use the largest size that fits' +
			(failure ? ` (batch ${failure.batchSize} failed)` : ', or probe larger sizes') +
			'.';
	} else if (suggested === measured[0]!.batchSize) {
		text =
			`Going from batch ${suggested} to ${shortfall} already gained less than ${gainText} examples/s, so larger ` +
			`batches buy little speed here. Batch ${suggested} is the largest that still scales; if even that is ` +
			'slow, look for a bottleneck (data loading, per-step overhead) before anything else.';
	} else {
		text =
			`Throughput nearly doubled with each doubling up to batch ${suggested}; going to ${shortfall} gained less ` +
			`than ${gainText}. Consider batch sizes up to ${suggested}: larger ones train barely faster per example.`;
	}
	return { batchSize: suggested, firstShortfall: shortfall, fastest, largestFeasible, failure, text };
}

export interface ProbePlot {
	width: number;
	height: number;
	margin: { top: number; right: number; bottom: number; left: number };
	points: { batchSize: number; x: number; y: number; scales?: boolean }[];
	/** Perfect scaling from the smallest measured size: examples/s proportional to batch size. */
	ideal: { x1: number; y1: number; x2: number; y2: number } | null;
	xTicks: { value: number; x: number }[];
	yTicks: { label: string; y: number }[];
}

/** Scales and marks of the examples/s plot (log₂ batch size on x, log examples/s on y). */
export function probePlot(rows: readonly ProbeRow[], width = 480, height = 240): ProbePlot {
	const margin = { top: 12, right: 16, bottom: 36, left: 64 };
	const measured = rows.filter((r) => r.examplesPerSecond !== undefined);
	const sizes = rows.map((r) => r.batchSize);
	const xLo = sizes.length > 0 ? Math.min(...sizes) : 1;
	const xHi = sizes.length > 0 ? Math.max(...sizes) : 2;
	const x = scaleLog()
		.base(2)
		.domain([xLo === xHi ? xLo / 2 : xLo, xHi])
		.range([margin.left, width - margin.right]);
	const values = measured.map((r) => r.examplesPerSecond!);
	const first = measured[0];
	const idealTop = first ? (first.examplesPerSecond! * xHi) / first.batchSize : 1;
	const yLo = values.length > 0 ? Math.min(...values) / 1.5 : 1;
	const yHi = values.length > 0 ? Math.max(...values, idealTop) * 1.1 : 10;
	const y = scaleLog()
		.domain([yLo, yHi])
		.range([height - margin.bottom, margin.top]);
	return {
		width,
		height,
		margin,
		points: measured.map((r) => ({
			batchSize: r.batchSize,
			x: x(r.batchSize),
			y: y(r.examplesPerSecond!),
			scales: r.scales
		})),
		ideal: first
			? { x1: x(first.batchSize), y1: y(first.examplesPerSecond!), x2: x(xHi), y2: y(idealTop) }
			: null,
		xTicks: sizes.map((value) => ({ value, x: x(value) })),
		yTicks: y
			.ticks(4)
			.map((value) => ({ label: y.tickFormat(4, '~s')(value), y: y(value) }))
			.filter((t) => t.label !== '')
	};
}

/** Whether a study is a batch-size-only grid (what the probe leaves behind), so its table can be shown. */
export function isProbeStudy(study: Pick<Study, 'params' | 'search'>): boolean {
	return (
		study.params.length === 1 && study.params[0]!.name === 'batchSize' && study.search.algorithm === 'grid'
	);
}
