// Run with: npx tsx bench/halving.bench.ts   (or `npm run bench halving`)
// Does successive halving pay (issue 22, item 5)? For each workload and seed, a quasi-random study of
// N trials runs whole; its best value sets the target, and we measure the compute (optimizer steps,
// trunks and cooldown branches, summed over 4 worker slots) spent until a trial within 1 % of that best
// completes: trials in index order without halving, and with halving (eta 3, rungs at 30, 90 and 270 of
// 810 steps) scored by the trial's own evaluation at the rung or by a 30-step cooldown branch. Halving
// frees compute to try more configurations, so the halving studies continue the same sequence past the
// N trials (up to EXTRA× as many) until one completes within 1 %; a seed where none does is a miss.
//
// Both workloads replay precomputed curves (src/lib/testing/halving-replay.ts) and every rung decision
// is made by the lab's own code (study/halving.ts: rungSteps, decideAtRung), the code the study runner
// uses. A trial's curve does not depend on being stopped at rungs (a resumed trial repeats its
// uninterrupted run exactly on wasm/cpu: training/tfjs/trial-loop.spec.ts), so replaying is exact.
//
// - synthetic: curves from a formula with known final values. Under a constant rate a trial's loss sits
//   above its clean value by a term proportional to the rate, which the final (or a branch's) decay
//   removes; higher rates learn faster until they overshoot. So a mid-run comparison favours low rates.
// - digits and Fashion-MNIST MLPs (real, tfjs-wasm in Node): a pool of configurations (Adam, learning
//   rate and width) each trained once for 810 steps with a wsd schedule (constant, then a 1-sqrt decay over the last 20 %),
//   with a checkpoint at each rung and a 30-step 1-sqrt cooldown branch from it (the lab's trial loop);
//   each seed's study draws N of them in a seeded order.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadImageDataset } from '../src/lib/datasets/image-dataset';
import { IMAGE_DATASETS } from '../src/lib/datasets/registry';
import { Random, permutation, streamSeed } from '../src/lib/math/random';
import { sampleTrials } from '../src/lib/math/sampler';
import type { SearchSpace } from '../src/lib/math/search-space';
import { RUNG_COOLDOWN_SHAPE, rungSteps, type HalvingOption } from '../src/lib/study/halving';
import { appendBatch, emptyTrainRows, type MetricBatch } from '../src/lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../src/lib/study/trial-config';
import type { TrialCheckpoint } from '../src/lib/training/checkpoint-data';
import { createTfjsEngine } from '../src/lib/training/tfjs/engine';
import { runTrialLoop } from '../src/lib/training/trial-loop';
import { replayStudy, type ReplayTrial } from '../src/lib/testing/halving-replay';
import { median, stats, type BenchRow } from './bench-stats';

const SEEDS = Number(process.env.HALVING_BENCH_SEEDS ?? 20);
/** How many more trials than the full study a halving study may try (synthetic workload). */
const EXTRA = 4;
const SLOTS = 4;
const STEPS = 810;
const COOLDOWN = 30;
const WITHIN = 0.01;
const RUNG: Omit<HalvingOption, 'cooldownSteps'> = { eta: 3, minSteps: 30 };
const RUNGS = rungSteps(RUNG, STEPS); // 30, 90, 270

interface Measured {
	none: number[];
	own: number[];
	cooled: number[];
	/** Seeds where each halving variant never completed a trial within 1 % of the best. */
	missedOwn: number;
	missedCooled: number;
	/** Compute of the whole study without halving (N trials × STEPS). */
	full: number;
	/** Trials each halving variant decided (stopped or completed) by the time it ended. */
	trialsOwn: number[];
	trialsCooled: number[];
}

const measured = (): Measured => ({
	none: [],
	own: [],
	cooled: [],
	missedOwn: 0,
	missedCooled: 0,
	full: 0,
	trialsOwn: [],
	trialsCooled: []
});

/**
 * Runs the three variants over one seed's sequence of trials and records what each spent: the full
 * study is its first `count` trials; the halving studies may go on through the rest of the sequence.
 */
function measure(sequence: ReplayTrial[], count: number, into: Measured): void {
	const trials = sequence.slice(0, count);
	const best = Math.min(...trials.map((t) => t.final));
	const good = (v: number) => v <= best * (1 + WITHIN);
	const base = { steps: STEPS, slots: SLOTS, goal: 'minimize' as const, good };
	const none = replayStudy(trials, { ...base, halving: null });
	const own = replayStudy(sequence, { ...base, halving: { ...RUNG, cooldownSteps: 0 } });
	const cooled = replayStudy(sequence, { ...base, halving: { ...RUNG, cooldownSteps: COOLDOWN } });
	into.trialsOwn.push(own.completed + own.stopped);
	into.trialsCooled.push(cooled.completed + cooled.stopped);
	if (!none.found) throw new Error('the full study always holds its own best');
	into.none.push(none.compute);
	// A variant that never completes a good enough trial has spent its whole (extended) study and still
	// not found one: counted at that compute (a lower bound of its true cost), and among the misses.
	into.own.push(own.compute);
	into.cooled.push(cooled.compute);
	if (!own.found) into.missedOwn++;
	if (!cooled.found) into.missedCooled++;
	into.full = count * STEPS;
}

function rows(
	workload: string,
	m: Measured,
	seeds: number,
	trials: number,
	extra: number,
	note: string
): BenchRow[] {
	const where = `${workload}, ${trials} trials, ${SLOTS} slots`;
	const missed = (n: number) =>
		n === 0
			? `found within 1 % on every seed`
			: `${n} of ${seeds} seeds never completed one within 1 % in ${extra} trials (counted at what they spent)`;
	return [
		stats(
			`${where}: steps to within 1 % of the full study's best, no halving`,
			'steps',
			m.none,
			`${note}; a whole study is ${m.full} steps`
		),
		stats(
			`${where}: steps to within 1 %, halving scored at the rung`,
			'steps',
			m.own,
			`eta ${RUNG.eta}, rungs ${RUNGS.join(', ')} of ${STEPS}; ${missed(m.missedOwn)}; trials tried: median ${median(m.trialsOwn)}`
		),
		stats(
			`${where}: steps to within 1 %, halving scored after a ${COOLDOWN}-step cooldown`,
			'steps',
			m.cooled,
			`same rungs, branch steps included; ${missed(m.missedCooled)}; trials tried: median ${median(m.trialsCooled)}`
		),
		stats(
			`${where}: halving with cooldown ÷ no halving`,
			'×',
			m.cooled.map((c, i) => c / m.none[i]!),
			'per seed; below 1 pays'
		),
		stats(
			`${where}: halving at the rung ÷ no halving`,
			'×',
			m.own.map((c, i) => c / m.none[i]!),
			'per seed; below 1 pays'
		)
	];
}

// ---------------------------------------------------------------------------------------------
// Synthetic workload: a formula with known final values.

const SYNTHETIC_SPACE: SearchSpace = {
	params: [
		{ name: 'learningRate', type: 'float', min: 1e-3, max: 1, scale: 'log' },
		{ name: 'width', type: 'float', min: 0, max: 1, scale: 'linear' }
	]
};

/** The clean loss after t steps at rate lr: a floor set by width, progress that speeds up with lr, and
 * a lasting penalty for rates past 0.3 (overshoot). Dimensionless. */
function cleanLoss(t: number, lr: number, width: number): number {
	const floor = 0.1 + 0.3 * (width - 0.6) ** 2;
	const progress = (1 + (lr * t) / 10) ** -0.5;
	const overshoot = 2 * Math.max(0, Math.log10(lr / 0.3)) ** 2;
	return floor + progress + overshoot;
}

/** The loss a constant rate adds on top of the clean loss (removed by a decay to zero). */
const RATE_NOISE = 0.5;
/** Relative noise of one evaluation. */
const EVAL_NOISE = 0.005;

function syntheticTrials(seed: number, count: number): ReplayTrial[] {
	return sampleTrials(SYNTHETIC_SPACE, { algorithm: 'quasi-random', seed, count }).map((p, i) => {
		const lr = p.learningRate as number;
		const width = p.width as number;
		const noisy = (value: number, step: number, what: string) =>
			value * (1 + EVAL_NOISE * new Random(streamSeed(seed * 1000 + i, `${what}${step}`)).normal());
		return {
			// The rungs lie in the constant phase of a wsd run, where the rate's own term is present.
			atStep: (step) => noisy(cleanLoss(step, lr, width) + RATE_NOISE * lr, step, 'at'),
			cooled: (step, length) => noisy(cleanLoss(step + length, lr, width), step, 'cool'),
			// Known final value: the run ends with a decay to zero, so only the clean loss remains.
			final: cleanLoss(STEPS, lr, width)
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Image MLPs (digits, Fashion-MNIST): real curves, computed once per configuration of a pool.

const IMAGE_SPACE: SearchSpace = {
	params: [
		{ name: 'learningRate', type: 'float', min: 1e-4, max: 0.3, scale: 'log' },
		{ name: 'hiddenWidth', type: 'discrete', values: [16, 32, 64, 128] }
	]
};
const POOL = Number(process.env.HALVING_BENCH_POOL ?? 48);
const IMAGE_TRIALS = 16;

async function imagePool(
	dataset: 'digits' | 'fashion-mnist'
): Promise<{ trials: ReplayTrial[]; seconds: number }> {
	await tf.setBackend('wasm');
	await tf.ready();
	const engine = createTfjsEngine();
	const data = await loadImageDataset(
		IMAGE_DATASETS[dataset],
		async (p) => new Uint8Array(readFileSync(`static/${p}`))
	);
	const started = performance.now();
	const trials: ReplayTrial[] = [];
	for (const [i, p] of sampleTrials(IMAGE_SPACE, {
		algorithm: 'quasi-random',
		seed: 0,
		count: POOL
	}).entries()) {
		const config: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			dataset,
			model: 'mlp',
			backend: 'wasm',
			engine: 'tfjs',
			optimizer: 'adam',
			schedule: 'wsd',
			cooldownFraction: 0.2,
			cooldownShape: '1-sqrt',
			batchSize: 32,
			maxTrainSteps: STEPS,
			evalEvery: 30,
			learningRate: p.learningRate as number,
			hiddenWidth: p.hiddenWidth as number,
			seed: 1000 + i
		};
		const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
		const saved = new Map<number, TrialCheckpoint>();
		const outcome = await runTrialLoop(
			engine,
			config,
			data,
			{
				onMetrics: (b) => appendBatch(metrics, b),
				shouldStop: () => false,
				onCheckpoint: (k) => void saved.set(k.step, k)
			},
			{ extraSteps: RUNGS }
		);
		const at = new Map(metrics.evals.map((e) => [e.step, e.valLoss]));
		// A diverged trial has no value: it is infeasible, never the best, and stops at every rung.
		const diverged = outcome.status === 'infeasible';
		const finite = metrics.evals.map((e) => e.valLoss).filter((v) => Number.isFinite(v));
		const cooled = new Map<number, number>();
		for (const step of RUNGS) {
			const from = saved.get(step);
			if (!from) continue;
			const branch: MetricBatch = { train: emptyTrainRows(), evals: [] };
			await runTrialLoop(
				engine,
				{ ...config, maxTrainSteps: step + COOLDOWN },
				data,
				{ onMetrics: (b) => appendBatch(branch, b), shouldStop: () => false },
				{
					resumeFrom: from,
					cooldown: {
						fromStep: step,
						length: COOLDOWN,
						shape: RUNG_COOLDOWN_SHAPE,
						finalFraction: 0,
						baseTotalSteps: STEPS
					}
				}
			);
			cooled.set(step, branch.evals.at(-1)?.valLoss ?? Number.NaN);
		}
		trials.push({
			atStep: (step) => at.get(step) ?? Number.NaN,
			cooled: (step) => cooled.get(step) ?? Number.NaN,
			// The study's default value: the best validation loss over training (retrospective selection).
			final: diverged || finite.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...finite)
		});
	}
	return { trials, seconds: (performance.now() - started) / 1000 };
}

async function main() {
	const synthetic = measured();
	for (let seed = 1; seed <= SEEDS; seed++) measure(syntheticTrials(seed, 27 * EXTRA), 27, synthetic);
	const out = rows(
		'synthetic',
		synthetic,
		SEEDS,
		27,
		27 * EXTRA,
		`${SEEDS} seeds of quasi-random trials over learning rate and width; final values known`
	);

	for (const [dataset, label] of [
		['digits', 'digits MLP'],
		['fashion-mnist', 'Fashion-MNIST MLP']
	] as const) {
		const pool = await imagePool(dataset);
		const real = measured();
		for (let seed = 1; seed <= SEEDS; seed++) {
			// The study's trials, then the rest of the pool in the same seeded order for the halving runs.
			const order = permutation(pool.trials.length, new Random(streamSeed(seed, 'halving-bench')));
			measure(
				Array.from(order, (k) => pool.trials[k]!),
				IMAGE_TRIALS,
				real
			);
		}
		out.push(
			...rows(
				label,
				real,
				SEEDS,
				IMAGE_TRIALS,
				POOL,
				`${SEEDS} seeds drawing ${IMAGE_TRIALS} of ${POOL} precomputed tfjs-wasm runs (${pool.seconds.toFixed(0)} s to compute)`
			)
		);
	}
	for (const row of out) console.log(JSON.stringify(row));
}

await main();
