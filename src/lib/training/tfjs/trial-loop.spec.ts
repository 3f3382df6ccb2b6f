import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageDataset, type ImageDataset } from '$lib/datasets/image-dataset';
import { IMAGE_DATASETS } from '$lib/datasets/registry';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { TrialCheckpoint } from '../checkpoint-data';
import { READBACK_EVERY, runTrialLoop, type LoopOutcome } from '../trial-loop';
import { createTfjsEngine } from './engine';

const engine = createTfjsEngine();

let digits: ImageDataset;

beforeAll(async () => {
	await tf.setBackend('cpu');
	digits = await loadImageDataset(
		IMAGE_DATASETS.digits,
		async (p) => new Uint8Array(readFileSync(`static/${p}`))
	);
});

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'cpu',
	maxTrainSteps: 60,
	evalEvery: 30,
	batchSize: 32,
	hiddenWidth: 32,
	learningRate: 0.01
};

async function train(
	c: TrialConfig,
	onBatch?: () => void
): Promise<{ metrics: MetricBatch; outcome: LoopOutcome; tensorCounts: number[] }> {
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const tensorCounts: number[] = [];
	const outcome = await runTrialLoop(engine, c, digits, {
		onMetrics: (batch) => {
			appendBatch(metrics, batch);
			tensorCounts.push(tf.memory().numTensors);
			onBatch?.();
		},
		shouldStop: () => false
	});
	return { metrics, outcome, tensorCounts };
}

describe('runTrialLoop on digits (cpu backend)', () => {
	it('trains: the loss falls, every step is logged once, evaluations land on schedule', async () => {
		const { metrics, outcome } = await train(config);
		expect(outcome).toEqual({ status: 'completed', steps: 60 });
		expect(metrics.train.step).toEqual(Array.from({ length: 60 }, (_, i) => i));
		expect(metrics.evals.map((e) => e.step)).toEqual([0, 30, 60]);
		const [first, , last] = metrics.evals;
		// ln(10) ≈ 2.30 is chance level for 10 classes.
		expect(first!.valLoss).toBeGreaterThan(1.5);
		expect(last!.valLoss).toBeLessThan(first!.valLoss * 0.6);
		expect(last!.valAccuracy).toBeGreaterThan(0.7);
		expect(metrics.train.lr.every((lr) => lr === 0.01)).toBe(true);
		expect(metrics.train.gradNorm.every((g) => g > 0 && Number.isFinite(g))).toBe(true);
	});

	it('is deterministic: the same seed gives the same curve, another seed a different one', async () => {
		const a = await train(config);
		const b = await train(config);
		const c = await train({ ...config, seed: 2 });
		expect(b.metrics.train.loss).toEqual(a.metrics.train.loss);
		expect(b.metrics.evals).toEqual(a.metrics.evals);
		expect(c.metrics.train.loss).not.toEqual(a.metrics.train.loss);
	});

	it('leaks no tensors: the count is flat across steps and back to the start afterwards', async () => {
		const before = tf.memory().numTensors;
		const { tensorCounts } = await train({ ...config, maxTrainSteps: 5 * READBACK_EVERY, evalEvery: 1000 });
		expect(tensorCounts.length).toBeGreaterThanOrEqual(5);
		expect(new Set(tensorCounts).size).toBe(1);
		expect(tf.memory().numTensors - before).toBe(0);
	});

	it('weights the partial last evaluation batch by its true size', async () => {
		// 300 validation rows: eval batch 512 (one batch) and 1,024 must give the same mean.
		const small = await train({ ...config, maxTrainSteps: 1, batchSize: 32 });
		const large = await train({ ...config, maxTrainSteps: 1, batchSize: 1024 });
		expect(small.metrics.evals[0]!.valLoss).toBeCloseTo(large.metrics.evals[0]!.valLoss, 5);
	});

	it('stops as infeasible when the loss becomes non-finite', async () => {
		const { outcome, metrics } = await train({
			...config,
			optimizer: 'sgd',
			learningRate: 1e38,
			maxTrainSteps: 40
		});
		expect(outcome.status).toBe('infeasible');
		expect(outcome.status === 'infeasible' && outcome.reason).toMatch(/non-finite \(NaN\) at step \d+/);
		expect(metrics.train.loss.some((l) => !Number.isFinite(l))).toBe(true);
	});

	it('stops as infeasible when the loss explodes past 10× its initial value after warmup', async () => {
		const { outcome, metrics } = await train({
			...config,
			optimizer: 'sgd',
			learningRate: 50,
			maxTrainSteps: 60
		});
		expect(outcome.status).toBe('infeasible');
		expect(outcome.status === 'infeasible' && outcome.reason).toMatch(/over 10× its initial value/);
		const initial = metrics.evals[0]!.valLoss;
		expect(metrics.train.loss.some((l) => l > 10 * initial || !Number.isFinite(l))).toBe(true);
		expect(outcome.steps).toBeLessThan(60);
	});

	it('logs the scheduled learning rate, the unclipped gradient norm and the clipped flag per step', async () => {
		const { metrics } = await train({
			...config,
			maxTrainSteps: 40,
			schedule: 'cosine',
			warmupSteps: 10,
			gradClipNorm: 1e-3
		});
		// Warmup: lr·step/10 (step 5 → half of 0.01); cosine over steps 10..40: halfway (step 25) is half.
		expect(metrics.train.lr[0]).toBe(0);
		expect(metrics.train.lr[5]).toBeCloseTo(0.005, 12);
		expect(metrics.train.lr[10]).toBeCloseTo(0.01, 12);
		expect(metrics.train.lr[25]).toBeCloseTo(0.005, 12);
		// A 1e-3 threshold is far below any real gradient norm here: every step clips, and the
		// logged norm is the one before clipping.
		expect(metrics.train.clipped.every((c) => c === 1)).toBe(true);
		expect(Math.min(...metrics.train.gradNorm)).toBeGreaterThan(1e-3);
	});

	it('evaluates EMA and SWA weights alongside the raw ones', async () => {
		const { metrics } = await train({
			...config,
			maxTrainSteps: 40,
			evalEvery: 20,
			emaDecay: 0.9,
			swaStart: 20,
			swaEvery: 5
		});
		const [atStart, mid, end] = metrics.evals;
		expect(atStart!.emaValLoss).toBeUndefined(); // nothing averaged before the first step
		expect(mid!.emaValLoss).toBeGreaterThan(0);
		expect(mid!.emaValLoss).not.toBe(mid!.valLoss);
		expect(mid!.swaValLoss).toBeGreaterThan(0); // sampled once, at step 20: equals the raw weights
		expect(mid!.swaValLoss).toBeCloseTo(mid!.valLoss, 5);
		expect(end!.swaValLoss).not.toBeCloseTo(end!.valLoss, 5);
		expect(end!.emaValAccuracy).toBeGreaterThan(0.1);
	});
});

describe('checkpoints and resume (cpu backend)', () => {
	it('a run resumed from its step-40 checkpoint logs exactly what the uninterrupted run logged', async () => {
		const c: TrialConfig = {
			...config,
			maxTrainSteps: 100,
			evalEvery: 20,
			emaDecay: 0.9,
			swaStart: 30,
			swaEvery: 10,
			gradClipNorm: 2,
			schedule: 'cosine',
			warmupSteps: 10
		};
		const checkpoints: TrialCheckpoint[] = [];
		const full: MetricBatch = { train: emptyTrainRows(), evals: [] };
		const outcome = await runTrialLoop(
			engine,
			c,
			digits,
			{
				onMetrics: (batch) => appendBatch(full, batch),
				shouldStop: () => false,
				onCheckpoint: (ckpt) => {
					checkpoints.push(ckpt);
				}
			},
			{ every: 40 }
		);
		expect(outcome.status).toBe('completed');
		// Every 40 steps plus the last step; each at an evaluation.
		expect(checkpoints.map((k) => k.step)).toEqual([40, 80, 100]);
		expect(full.evals.map((e) => e.step)).toEqual([0, 20, 40, 60, 80, 100]);

		const at40 = checkpoints[0]!;
		expect(at40.optimizer.step).toBe(40);
		expect(at40.averagers.map((a) => a.kind)).toEqual(['ema', 'swa']);
		const resumed: MetricBatch = { train: emptyTrainRows(), evals: [] };
		await runTrialLoop(
			engine,
			c,
			digits,
			{ onMetrics: (batch) => appendBatch(resumed, batch), shouldStop: () => false },
			{ every: 40, resumeFrom: at40 }
		);
		// No duplicated or missing points, and bit-identical values on the cpu backend.
		expect(resumed.train.step).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
		expect(resumed.train.loss).toEqual(full.train.loss.slice(40));
		expect(resumed.train.gradNorm).toEqual(full.train.gradNorm.slice(40));
		expect(resumed.train.lr).toEqual(full.train.lr.slice(40));
		expect(resumed.evals).toEqual(full.evals.slice(3));
	});

	it('stops at untilStep (a halving rung) with an evaluation and checkpoint there; going on matches one run', async () => {
		const c: TrialConfig = { ...config, maxTrainSteps: 60, evalEvery: 20, schedule: 'cosine' };
		const full: MetricBatch = { train: emptyTrainRows(), evals: [] };
		await runTrialLoop(engine, c, digits, {
			onMetrics: (b) => appendBatch(full, b),
			shouldStop: () => false
		});
		const first: MetricBatch = { train: emptyTrainRows(), evals: [] };
		const saved: TrialCheckpoint[] = [];
		// 25 is not an evaluation step of the run (evalEvery 20): the rung adds one there.
		const outcome = await runTrialLoop(
			engine,
			c,
			digits,
			{
				onMetrics: (b) => appendBatch(first, b),
				shouldStop: () => false,
				onCheckpoint: (k) => void saved.push(k)
			},
			{ untilStep: 25 }
		);
		expect(outcome).toEqual({ status: 'reached', steps: 25 });
		expect(first.train.step).toEqual(Array.from({ length: 25 }, (_, i) => i));
		expect(first.evals.map((e) => e.step)).toEqual([0, 20, 25]);
		expect(saved.map((k) => k.step)).toEqual([25]);
		// The schedule keeps the full 60-step horizon: the rates are the uninterrupted run's.
		expect(first.train.lr).toEqual(full.train.lr.slice(0, 25));
		const rest: MetricBatch = { train: emptyTrainRows(), evals: [] };
		const end = await runTrialLoop(
			engine,
			c,
			digits,
			{ onMetrics: (b) => appendBatch(rest, b), shouldStop: () => false },
			{ resumeFrom: saved[0] }
		);
		expect(end.status).toBe('completed');
		expect(rest.train.loss).toEqual(full.train.loss.slice(25));
		expect(rest.evals.map((e) => e.step)).toEqual([40, 60]);
		// Validation scores match exactly; trainLoss at 40 averages steps 25–39 here (the rung added an
		// evaluation at 25), 20–39 in the uninterrupted run.
		const scores = (rows: MetricBatch['evals']) => rows.map((e) => [e.valLoss, e.valAccuracy]);
		expect(scores(rest.evals)).toEqual(scores(full.evals.slice(2)));
	});

	it('refuses a checkpoint from a different model shape', async () => {
		const small = { ...config, maxTrainSteps: 20, evalEvery: 20 };
		let saved: TrialCheckpoint | undefined;
		await runTrialLoop(
			engine,
			small,
			digits,
			{ onMetrics: () => undefined, shouldStop: () => false, onCheckpoint: (k) => void (saved = k) },
			{ every: 20 }
		);
		await expect(
			runTrialLoop(
				engine,
				{ ...small, hiddenWidth: 16, maxTrainSteps: 40 },
				digits,
				{ onMetrics: () => undefined, shouldStop: () => false },
				{ resumeFrom: saved }
			)
		).rejects.toThrow(/has 2048 values, the model 1024|values, the model/);
	});
});

describe('cooldown branches (cpu backend)', () => {
	it('continues from a checkpoint with the rate decaying to zero over the branch', async () => {
		const main: TrialConfig = { ...config, maxTrainSteps: 100, evalEvery: 20, learningRate: 0.02 };
		let at40: TrialCheckpoint | undefined;
		await runTrialLoop(
			engine,
			main,
			digits,
			{
				onMetrics: () => undefined,
				shouldStop: () => false,
				onCheckpoint: (k) => {
					if (k.step === 40) at40 = k;
				}
			},
			{ every: 40 }
		);
		const branch: MetricBatch = { train: emptyTrainRows(), evals: [] };
		const outcome = await runTrialLoop(
			engine,
			{ ...main, maxTrainSteps: 60 },
			digits,
			{ onMetrics: (b) => appendBatch(branch, b), shouldStop: () => false },
			{
				resumeFrom: at40,
				cooldown: { fromStep: 40, length: 20, shape: 'linear', finalFraction: 0, baseTotalSteps: 100 }
			}
		);
		expect(outcome).toEqual({ status: 'completed', steps: 60 });
		expect(branch.train.step).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
		// Linear cooldown from 0.02 at step 40 to 0 at step 60: 0.01 halfway, 0.001 one step before the end.
		expect(branch.train.lr[0]).toBeCloseTo(0.02, 12);
		expect(branch.train.lr[10]).toBeCloseTo(0.01, 12);
		expect(branch.train.lr[19]).toBeCloseTo(0.001, 12);
		expect(branch.evals.map((e) => e.step)).toEqual([60]);
	});
});
