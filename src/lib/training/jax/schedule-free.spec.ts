// The schedule-free optimizers through runTrialLoop on both engines (TF.js on its wasm backend, the
// compiled engine on wasm) on the bundled digits data: a resumed trial equals the uninterrupted one bit
// for bit, evaluation and checkpoints hold the averaged weights x (not the gradient point y), the two
// engines agree, and a checkpoint from either engine continues on the other.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '$lib/datasets/classification-data';
import { loadDataset } from '$lib/datasets/load-dataset';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { TrialCheckpoint } from '../checkpoint-data';
import type { Engine } from '../engine';
import { createTfjsEngine } from '../tfjs/engine';
import { evaluateWeights } from '../evaluate-weights';
import { runTrialLoop, type CheckpointOptions } from '../trial-loop';
import { createJaxEngine } from './engine';
import { liveBuffers, trackLiveBuffers } from './live-buffers';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
/** float32 on two engines that order sums differently, in nats (as engine.spec.ts). */
const LOSS_TOLERANCE = 5e-5;

const jax = createJaxEngine({ countBuffers: liveBuffers });
const tfjs = createTfjsEngine();
const ENGINES: [string, Engine][] = [
	['tfjs', tfjs],
	['jax', jax]
];
let data: TrainingData;

beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
	expect((await jax.selectBackend('wasm')).backend).toBe('wasm');
	await trackLiveBuffers();
	data = await loadDataset('digits', fromStatic);
});

/** Schedule-free AdamW with warmup (a zero-rate first step), clipping and decoupled weight decay. */
const adamw: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 32,
	depth: 2,
	batchSize: 32,
	optimizer: 'schedule-free-adamw',
	learningRate: 5e-3,
	beta1: 0.9,
	beta2: 0.999,
	epsilon: 1e-8,
	schedule: 'constant',
	warmupSteps: 10,
	gradClipNorm: 1,
	weightDecay: 0.01,
	maxTrainSteps: 60,
	evalEvery: 20
};
const sgd: TrialConfig = {
	...adamw,
	optimizer: 'schedule-free-sgd',
	learningRate: 0.2,
	momentum: 0.9,
	beta1: undefined,
	beta2: undefined,
	epsilon: undefined
};

async function trial(engine: Engine, c: TrialConfig, checkpoints: CheckpointOptions = {}) {
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const saved: TrialCheckpoint[] = [];
	const outcome = await runTrialLoop(
		engine,
		c,
		data,
		{
			onMetrics: (b) => void appendBatch(metrics, b),
			shouldStop: () => false,
			onCheckpoint: (checkpoint) => void saved.push(checkpoint)
		},
		checkpoints
	);
	return { outcome, metrics, checkpoints: saved };
}

/** The validation loss of `params` scored by `engine` the way the trial loop scores. */
async function scoreWeights(engine: Engine, c: TrialConfig, at: TrialCheckpoint, params: Float32Array[]) {
	return (await evaluateWeights(engine, c, data, { paramNames: at.paramNames, params })).loss;
}

function worstGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
	expect(a.length).toBe(b.length);
	return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
}

describe.each(ENGINES)('schedule-free optimizers on the %s engine (wasm)', (_name, engine) => {
	for (const config of [adamw, sgd]) {
		it(`${config.optimizer}: trains, and resumes from its step-20 checkpoint bit for bit`, async () => {
			const whole = await trial(engine, config, { every: 20 });
			expect(whole.outcome).toEqual({ status: 'completed', steps: 60 });
			const evals = whole.metrics.evals.map((e) => e.valLoss);
			expect(evals[3]!).toBeLessThan(evals[0]! * 0.7);

			const at = whole.checkpoints.find((c) => c.step === 20)!;
			// Σγ² travels in the checkpoint: 10 warmup steps (the first at rate 0) and 10 at the peak.
			expect(at.optimizer.rateSquaredSum).toBeGreaterThan(0);
			expect(Object.keys(at.optimizer.slots).sort()).toEqual(
				config.optimizer === 'schedule-free-adamw' ? ['v', 'z'] : ['z']
			);
			const resumed = await trial(engine, config, { every: 20, resumeFrom: at });
			const after = (m: MetricBatch) => ({
				loss: m.train.loss.slice(-40),
				gradNorm: m.train.gradNorm.slice(-40),
				evals: m.evals.filter((e) => e.step > 20)
			});
			expect(after(resumed.metrics)).toEqual(after(whole.metrics));
			const [a, b] = [whole.checkpoints.at(-1)!, resumed.checkpoints.at(-1)!];
			expect(b.step).toBe(60);
			expect(b.params).toEqual(a.params);
			expect(b.optimizer).toEqual(a.optimizer);
			expect(b.optimizer.rateSquaredSum).toBe(a.optimizer.rateSquaredSum);
		}, 120_000);
	}

	it('frees every device buffer it used (the swapped-in gradient point included)', async () => {
		// One run first, so that buffers an engine keeps for good (compiled code, caches) exist already.
		await trial(engine, adamw);
		const before = engine.liveBuffers();
		await trial(engine, adamw, { every: 20 });
		expect(engine.liveBuffers()).toBe(before);
	}, 120_000);

	it('evaluates and checkpoints the average x, not the gradient point y', async () => {
		const { checkpoints } = await trial(engine, adamw, { every: 60 });
		const last = checkpoints.at(-1)!;
		// y = (1 − β)·z + β·x on the host, from the checkpoint's own z and x.
		const beta = adamw.beta1!;
		const z = last.optimizer.slots.z!;
		const y = last.params.map((x, i) => x.map((xj, j) => (1 - beta) * z[i]![j]! + beta * xj));
		expect(worstGap(y[0]!, last.params[0]!)).toBeGreaterThan(1e-4);
		expect(await scoreWeights(engine, adamw, last, last.params)).toBe(last.evalRow.valLoss);
		expect(await scoreWeights(engine, adamw, last, y)).not.toBe(last.evalRow.valLoss);
	}, 120_000);
});

describe('schedule-free across engines', () => {
	for (const config of [adamw, sgd]) {
		it(`${config.optimizer}: the engines agree within ${LOSS_TOLERANCE} nats over 60 steps`, async () => {
			const [j, t] = [await trial(jax, config), await trial(tfjs, config)];
			expect(j.metrics.train.lr).toEqual(t.metrics.train.lr);
			expect(worstGap(j.metrics.train.loss, t.metrics.train.loss)).toBeLessThan(LOSS_TOLERANCE);
			const valLosses = (m: MetricBatch) => m.evals.map((e) => e.valLoss);
			expect(worstGap(valLosses(j.metrics), valLosses(t.metrics))).toBeLessThan(LOSS_TOLERANCE);
		}, 120_000);
	}

	it('a checkpoint from either engine continues on the other like the uninterrupted run', async () => {
		const [j, t] = [await trial(jax, adamw, { every: 20 }), await trial(tfjs, adamw, { every: 20 })];
		const tail = (m: MetricBatch) => m.train.loss.slice(-40);
		const onJax = await trial(jax, adamw, { every: 20, resumeFrom: t.checkpoints[0]! });
		expect(worstGap(tail(onJax.metrics), tail(t.metrics))).toBeLessThan(LOSS_TOLERANCE);
		const onTfjs = await trial(tfjs, adamw, { every: 20, resumeFrom: j.checkpoints[0]! });
		expect(worstGap(tail(onTfjs.metrics), tail(j.metrics))).toBeLessThan(LOSS_TOLERANCE);
		// Σγ² is host float64 arithmetic on the same rates: identical on both engines.
		expect(onTfjs.checkpoints.at(-1)!.optimizer.rateSquaredSum).toBe(
			j.checkpoints.at(-1)!.optimizer.rateSquaredSum
		);
	}, 120_000);
});
