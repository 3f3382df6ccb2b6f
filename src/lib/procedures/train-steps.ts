// Picking a first maxTrainSteps (playbook: "Deciding how long to train when training is not
// compute-bound" and its "Algorithm for picking an initial candidate for max_train_steps using a
// learning rate sweep"). The idea in our words: with a constant learning rate and nothing that fights
// memorisation (no weight decay, dropout or label smoothing), sweep the learning rate over a generous
// number of steps N; the number of steps the fastest trial needs to (nearly) fit the training set is a
// sensible first guess for maxTrainSteps. The playbook warns that a sweep whose best rate sits at the
// edge of its range can fool us (all rates too small ⇒ "we need many steps"), so the reader checks for
// that. Pure: no DOM, no tfjs, no database.
import type { Study } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';

/**
 * "Perfectly fit" is informal in the playbook; here it means: the smoothed training loss reaches this
 * fraction of the trial's initial loss (the loss of the first batch, before any update). 5% of
 * ln(10) ≈ 2.30 nats is 0.115 nats, a very confident classifier on the training batches.
 */
export const DEFAULT_TARGET_FRACTION = 0.05;
/** Training losses are per batch and noisy: each is replaced by the mean of the last this many logged. */
export const SMOOTHING_WINDOW = 10;
/** The edge warning looks at this many of the best trials. */
export const EDGE_TOP_K = 3;
export const MIN_SWEEP_TRIALS = 4;
export const MAX_SWEEP_TRIALS = 64;
export const DEFAULT_SWEEP = { lrMin: 1e-4, lrMax: 1e-1, trials: 8, steps: 2000 } as const;

/** Keys that regularise the model; the sweep leaves them out, so each takes its default of 0 (off). */
export const REGULARISATION_KEYS = ['weightDecay', 'dropout', 'labelSmoothing'] as const;

export interface TrainStepsOptions {
	/** Learning rate range of the sweep, searched on a log scale. */
	lrMin: number;
	lrMax: number;
	trials: number;
	algorithm: 'quasi-random' | 'grid';
	/** N: steps of every trial (generous: the fastest trial should fit well before N). */
	steps: number;
	backend: BackendChoice;
}

export function trainStepsOptionProblems(options: TrainStepsOptions): string[] {
	const problems: string[] = [];
	const { lrMin, lrMax, trials, steps } = options;
	if (!(lrMin > 0) || !(lrMax > 0)) problems.push('the learning rates must be positive numbers');
	else if (!(lrMax > lrMin)) problems.push('the largest learning rate must be above the smallest');
	if (!Number.isInteger(trials) || trials < MIN_SWEEP_TRIALS || trials > MAX_SWEEP_TRIALS)
		problems.push(
			`the number of trials must be a whole number from ${MIN_SWEEP_TRIALS} to ${MAX_SWEEP_TRIALS}`
		);
	if (!Number.isInteger(steps) || steps < 10 || steps > 1_000_000)
		problems.push('steps per trial must be a whole number from 10 to 1000000');
	return problems;
}

/** `n` learning rates evenly spaced in log between lo and hi (both included), 3 significant digits. */
export function logGrid(lo: number, hi: number, n: number): number[] {
	if (n === 1) return [lo];
	const step = Math.log(hi / lo) / (n - 1);
	return Array.from({ length: n }, (_, i) => Number((lo * Math.exp(step * i)).toPrecision(3)));
}

/**
 * The sweep as a normal study: the workload of `config` with a constant schedule and no warmup, the
 * regularisers left out, and `learningRate` the one scientific parameter (log-uniform under quasi-random
 * search, or a log-spaced grid). The objective is the training loss: this study asks how fast the
 * training set can be fitted, not how well the model generalises.
 */
export function trainStepsStudy(config: TrialConfig, options: TrainStepsOptions): Study {
	const workload = cleanTrialConfig({ ...config, schedule: 'constant', warmupSteps: 0 });
	const fixed = {
		...fixedFromConfig(workload, [
			'learningRate',
			'emaDecay',
			'swaStart',
			'swaEvery',
			...REGULARISATION_KEYS
		]),
		backend: options.backend
	};
	const { lrMin, lrMax, trials, steps } = options;
	const grid = options.algorithm === 'grid';
	return {
		name: `maxTrainSteps sweep: ${config.dataset} ${config.model}, lr ${lrMin}–${lrMax}, ${steps} steps`,
		goal:
			'How many steps does the fastest constant learning rate need to (nearly) fit the training set? That ' +
			'count is the first candidate for maxTrainSteps (playbook: "Algorithm for picking an initial candidate ' +
			'for max_train_steps using a learning rate sweep"). Constant schedule, no regularisation.',
		notes:
			`Made by the maxTrainSteps procedure (Procedures page). ${trials} learning rates from ${lrMin} to ` +
			`${lrMax} (${grid ? 'log-spaced grid' : 'quasi-random, log-uniform'}), ${steps} steps each. Weight ` +
			'decay, dropout, label smoothing and weight averaging are off; the schedule is constant without warmup.',
		workload: { dataset: config.dataset, model: config.model },
		budget: {
			maxTrainSteps: steps,
			evalEvery: Math.max(1, Math.round(steps / 20)),
			checkpointEvery: steps,
			keepBestCheckpoints: 1
		},
		objective: { metric: 'trainLoss', goal: 'minimize' },
		fixed,
		search: { algorithm: options.algorithm, trials, seed: config.seed },
		params: [
			grid
				? {
						name: 'learningRate',
						role: 'scientific',
						type: 'discrete',
						values: logGrid(lrMin, lrMax, trials)
					}
				: { name: 'learningRate', role: 'scientific', type: 'float', min: lrMin, max: lrMax, scale: 'log' }
		],
		trials: []
	};
}

/** Whether a study is what this procedure leaves behind (a constant-rate learning rate sweep on train loss). */
export function isTrainStepsStudy(study: Pick<Study, 'params' | 'objective' | 'fixed'>): boolean {
	return (
		study.objective.metric === 'trainLoss' &&
		study.fixed.schedule === 'constant' &&
		study.params.length === 1 &&
		study.params[0]!.name === 'learningRate'
	);
}

export interface LossPoint {
	step: number;
	value: number;
}

/** Trailing mean over the last `window` points (fewer at the start), one per point. */
export function trailingMean(points: readonly LossPoint[], window = SMOOTHING_WINDOW): LossPoint[] {
	let sum = 0;
	return points.map((p, i) => {
		sum += p.value;
		if (i >= window) sum -= points[i - window]!.value;
		return { step: p.step, value: sum / Math.min(i + 1, window) };
	});
}

/**
 * The first step at which the smoothed training loss is at or below `target`, or null when it never
 * gets there. Smoothing by a trailing mean means a single lucky batch does not count as fitting.
 */
export function stepsToFit(
	points: readonly LossPoint[],
	target: number,
	window = SMOOTHING_WINDOW
): number | null {
	const hit = trailingMean(points, window).find((p) => p.value <= target);
	return hit ? hit.step : null;
}

export interface SweepTrial {
	index: number;
	learningRate: number;
	status: string;
	/** Finite training losses in step order. */
	trainLoss: LossPoint[];
}

export interface SweepRow {
	index: number;
	learningRate: number;
	status: string;
	/** Loss of the first logged batch (before any update). */
	initialLoss: number | null;
	target: number | null;
	/** First step where the smoothed loss reached the target. */
	fitStep: number | null;
	/** Smoothed loss at the last logged step. */
	finalLoss: number | null;
	/** 1 = best; trials that fitted rank by fitStep, then the others by finalLoss; infeasible last. */
	rank: number;
}

export interface TrainStepsReading {
	rows: SweepRow[];
	/** The fastest trial that fitted the training set, or null when none did. */
	fastest: SweepRow | null;
	/** The best-ranked trial sits at (rank 1) or a top trial sits at the low or high end of the sampled rates. */
	edge: { side: 'low' | 'high'; rank: number; learningRate: number } | null;
	text: string;
	edgeText: string | null;
}

function compareRows(a: SweepRow, b: SweepRow): number {
	const group = (r: SweepRow) =>
		r.fitStep !== null ? 0 : r.finalLoss !== null && r.status !== 'infeasible' ? 1 : 2;
	const ga = group(a);
	const gb = group(b);
	if (ga !== gb) return ga - gb;
	if (ga === 0) return a.fitStep! - b.fitStep! || a.learningRate - b.learningRate;
	if (ga === 1) return a.finalLoss! - b.finalLoss!;
	return a.learningRate - b.learningRate;
}

/**
 * Reads a finished sweep: per trial, the step at which it fitted the training set (smoothed loss ≤
 * targetFraction × its initial loss), the fastest such trial, and a warning when one of the EDGE_TOP_K
 * best trials used the lowest or the highest learning rate sampled.
 */
export function readTrainSteps(
	trials: readonly SweepTrial[],
	targetFraction = DEFAULT_TARGET_FRACTION,
	topK = EDGE_TOP_K
): TrainStepsReading {
	const rows: SweepRow[] = trials.map((t) => {
		const initial = t.trainLoss[0]?.value ?? null;
		const target = initial === null ? null : initial * targetFraction;
		const smoothed = trailingMean(t.trainLoss);
		const feasible = t.status !== 'infeasible';
		return {
			index: t.index,
			learningRate: t.learningRate,
			status: t.status,
			initialLoss: initial,
			target,
			fitStep: target !== null && feasible ? stepsToFit(t.trainLoss, target) : null,
			finalLoss: smoothed.length > 0 ? smoothed[smoothed.length - 1]!.value : null,
			rank: 0
		};
	});
	const ranked = [...rows].sort(compareRows);
	ranked.forEach((r, i) => (r.rank = i + 1));
	const first = ranked[0];
	const fastest = first && first.fitStep !== null ? first : null;

	let edge: TrainStepsReading['edge'] = null;
	const usable = ranked.filter((r) => r.status !== 'infeasible' && r.finalLoss !== null);
	if (rows.length >= 2 && usable.length > 0) {
		const rates = rows.map((r) => r.learningRate);
		const lo = Math.min(...rates);
		const hi = Math.max(...rates);
		const top = usable.slice(0, Math.min(topK, usable.length));
		const at = top.find((r) => r.learningRate === lo || r.learningRate === hi);
		if (at)
			edge = { side: at.learningRate === lo ? 'low' : 'high', rank: at.rank, learningRate: at.learningRate };
	}

	const pct = `${+(targetFraction * 100).toPrecision(3)}%`;
	const text = fastest
		? `The fastest trial (learning rate ${fastest.learningRate.toPrecision(3)}) brought its smoothed training ` +
			`loss to ${pct} of its initial loss at step ${fastest.fitStep}. Take about ${fastest.fitStep} steps as ` +
			'the first candidate for maxTrainSteps, then refine it from where retrospective checkpoint selection ' +
			'finds the best step in later studies.'
		: `No trial brought its smoothed training loss to ${pct} of its initial loss. Train longer (a larger N), ` +
			'widen the learning rate range, or accept a looser target; the model may also be unable to fit this ' +
			'training set at all with a constant rate.';
	const edgeText = edge
		? `The ${edge.rank === 1 ? 'best' : `number ${edge.rank}`} trial used the ${edge.side === 'low' ? 'lowest' : 'highest'} ` +
			`learning rate sampled (${edge.learningRate.toPrecision(3)}): the best rate may lie outside the range, and a ` +
			'rate there might fit the training set in fewer steps than the count above. Extend the ' +
			`range ${edge.side === 'low' ? 'downwards' : 'upwards'} and sweep again (playbook: check that the optimal ` +
			'learning rate is not at the boundary of the search space).'
		: null;
	return { rows, fastest, edge, text, edgeText };
}
