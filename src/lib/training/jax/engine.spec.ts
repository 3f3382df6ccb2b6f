// The compiled engine behind the engine seam, driven only through runTrialLoop on the bundled digits
// data: determinism, exact resume, agreement with the TF.js engine (on its wasm backend), checkpoints
// that cross engines both ways, and flat live buffers.
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
import { runTrialLoop, type CheckpointOptions } from '../trial-loop';
import { createJaxEngine } from './engine';
import { liveBuffers, trackLiveBuffers } from './live-buffers';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
/** float32 on two engines that order sums differently, in nats (as tfjs-agreement.spec.ts). */
const LOSS_TOLERANCE = 5e-5;

const jax = createJaxEngine({ countBuffers: liveBuffers });
/** The same engine deferring every read to `readback`, as it does on WebGPU. */
const deferred = createJaxEngine({ countBuffers: liveBuffers, readEachStep: false });
let data: TrainingData;

beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
	const report = await jax.selectBackend('wasm');
	expect(report.backend).toBe('wasm');
	expect(report.attempts).toEqual([{ backend: 'wasm', ok: true }]);
	await trackLiveBuffers();
	data = await loadDataset('digits', fromStatic);
});

/** Adam with warmup into a cosine decay, clipping that binds early, decoupled weight decay and EMA. */
const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 32,
	depth: 2,
	batchSize: 32,
	optimizer: 'adam',
	learningRate: 3e-3,
	schedule: 'cosine',
	warmupSteps: 5,
	gradClipNorm: 1,
	weightDecay: 0.01,
	emaDecay: 0.9,
	maxTrainSteps: 60,
	evalEvery: 20
};

async function trial(engine: Engine, c: TrialConfig, checkpoints: CheckpointOptions = {}) {
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const saved: TrialCheckpoint[] = [];
	const buffers: number[] = [];
	const outcome = await runTrialLoop(
		engine,
		c,
		data,
		{
			onMetrics: (b) => {
				appendBatch(metrics, b);
				if (engine === jax || engine === deferred) buffers.push(engine.liveBuffers());
			},
			shouldStop: () => false,
			onCheckpoint: (checkpoint) => void saved.push(checkpoint)
		},
		checkpoints
	);
	return { outcome, metrics, checkpoints: saved, buffers };
}

function worstGap(a: number[], b: number[]): number {
	expect(a).toHaveLength(b.length);
	return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe('the compiled engine through runTrialLoop', () => {
	it('completes a trial with finite metrics, and the same seed gives the same curve bit for bit', async () => {
		const first = await trial(jax, config);
		expect(first.outcome).toEqual({ status: 'completed', steps: 60 });
		const { train, evals } = first.metrics;
		expect(train.step).toEqual(Array.from({ length: 60 }, (_, i) => i));
		for (const v of [...train.loss, ...train.gradNorm]) expect(Number.isFinite(v)).toBe(true);
		// Clipping bound at the start (norms above 1) and the loss fell.
		expect(train.clipped.slice(0, 5)).toContain(1);
		expect(train.loss.at(-1)!).toBeLessThan(train.loss[0]! * 0.7);
		expect(evals.map((e) => e.step)).toEqual([0, 20, 40, 60]);
		for (const e of evals) {
			expect(Number.isFinite(e.valLoss) && e.valAccuracy >= 0 && e.valAccuracy <= 1).toBe(true);
		}
		// The EMA is scored from the first update on.
		expect(evals.slice(1).every((e) => Number.isFinite(e.emaValLoss))).toBe(true);
		expect(evals[3]!.valAccuracy).toBeGreaterThan(0.5);

		const second = await trial(jax, config);
		expect(second.metrics).toEqual(first.metrics);
		// Reading the scalars at each step or in groups runs the same kernels.
		expect((await trial(deferred, config)).metrics).toEqual(first.metrics);
		expect((await trial(jax, { ...config, seed: 2 })).metrics.train.loss).not.toEqual(train.loss);
	}, 120_000);

	it('resumes from a checkpoint bit for bit: metrics after it and the final arrays', async () => {
		const whole = await trial(jax, config, { every: 20 });
		const at = whole.checkpoints.find((c) => c.step === 20)!;
		const resumed = await trial(jax, config, { every: 20, resumeFrom: at });
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
		expect(b.averagers).toEqual(a.averagers);
		expect(b.batchOrder).toEqual(a.batchOrder);
	}, 120_000);

	it(`agrees with the TF.js engine: training losses over 60 steps within ${LOSS_TOLERANCE} nats`, async () => {
		const [j, t] = [await trial(jax, config), await trial(createTfjsEngine(), config)];
		expect(j.metrics.train.lr).toEqual(t.metrics.train.lr);
		expect(worstGap(j.metrics.train.loss, t.metrics.train.loss)).toBeLessThan(LOSS_TOLERANCE);
		expect(j.metrics.train.clipped).toEqual(t.metrics.train.clipped);
		// Evaluation (padded, masked batches here; partial batches there) scores the same split.
		const evalLosses = (m: MetricBatch) =>
			m.evals.flatMap((e) => (e.emaValLoss === undefined ? [e.valLoss] : [e.valLoss, e.emaValLoss]));
		expect(worstGap(evalLosses(j.metrics), evalLosses(t.metrics))).toBeLessThan(LOSS_TOLERANCE);
		expect(j.metrics.evals.map((e) => e.valAccuracy)).toEqual(t.metrics.evals.map((e) => e.valAccuracy));
	}, 120_000);

	it('continues a TF.js checkpoint, and TF.js continues a compiled-engine checkpoint', async () => {
		const tfjs = createTfjsEngine();
		const [j, t] = [await trial(jax, config, { every: 20 }), await trial(tfjs, config, { every: 20 })];
		const tail = (m: MetricBatch) => m.train.loss.slice(-40);

		const onJax = await trial(jax, config, { every: 20, resumeFrom: t.checkpoints[0]! });
		expect(onJax.outcome).toEqual({ status: 'completed', steps: 60 });
		expect(worstGap(tail(onJax.metrics), tail(t.metrics))).toBeLessThan(LOSS_TOLERANCE);

		const onTfjs = await trial(tfjs, config, { every: 20, resumeFrom: j.checkpoints[0]! });
		expect(onTfjs.outcome).toEqual({ status: 'completed', steps: 60 });
		expect(worstGap(tail(onTfjs.metrics), tail(j.metrics))).toBeLessThan(LOSS_TOLERANCE);
		// The EMA travelled with the weights: its final average is that of the uninterrupted run.
		const ema = (c: TrialCheckpoint) => c.averagers[0]!.state.average[0]!;
		expect(worstGap([...ema(onTfjs.checkpoints.at(-1)!)], [...ema(j.checkpoints.at(-1)!)])).toBeLessThan(
			1e-4
		);
	}, 120_000);

	it('trains a transformer on text: the same windows and validation split as the TF.js engine', async () => {
		const text = await loadDataset('moby-dick', fromStatic);
		const transformer: TrialConfig = {
			...config,
			dataset: 'moby-dick',
			model: 'transformer',
			nLayer: 1,
			nHead: 2,
			dModel: 16,
			contextLength: 16,
			batchSize: 8,
			emaDecay: undefined,
			maxTrainSteps: 10,
			evalEvery: 10
		};
		const run = async (engine: Engine) => {
			const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
			await runTrialLoop(engine, transformer, text, {
				onMetrics: (b) => appendBatch(metrics, b),
				shouldStop: () => false
			});
			return metrics;
		};
		const [j, t] = [await run(jax), await run(createTfjsEngine())];
		expect(worstGap(j.train.loss, t.train.loss)).toBeLessThan(LOSS_TOLERANCE);
		const bits = (m: MetricBatch) => m.evals.map((e) => e.valBitsPerChar!);
		expect(worstGap(bits(j), bits(t))).toBeLessThan(LOSS_TOLERANCE);
		expect(Math.abs(j.train.loss[9]! - j.train.loss[0]!)).toBeGreaterThan(20 * LOSS_TOLERANCE);
	}, 120_000);

	it('holds live buffers flat over a 1,000-step trial and frees them all (reads per step or grouped)', async () => {
		for (const engine of [jax, deferred]) {
			const before = engine.liveBuffers();
			const long = await trial(
				engine,
				{ ...config, maxTrainSteps: 1000, evalEvery: 100, swaEvery: 10 },
				{ every: 250 }
			);
			expect(long.outcome.status).toBe('completed');
			// One count per publish (every 20 steps and at evaluations); the first follows the first evaluation.
			expect(long.buffers.length).toBeGreaterThan(40);
			expect(new Set(long.buffers.slice(1)).size).toBe(1);
			expect(long.buffers[1]!).toBeGreaterThan(before);
			expect(engine.liveBuffers()).toBe(before);
		}
	}, 300_000);

	it('dispose frees a trainer with queued steps; a bad checkpoint frees what was built', async () => {
		const before = jax.liveBuffers();
		const trainer = deferred.createTrainer(config, data);
		for (let s = 0; s < 5; s++)
			trainer.step(
				s,
				1e-3,
				Int32Array.from({ length: 32 }, (_, i) => i + s)
			);
		await trainer.evaluate(512);
		expect(jax.liveBuffers()).toBeGreaterThan(before);
		const state = await trainer.save();
		trainer.dispose();
		expect(jax.liveBuffers()).toBe(before);
		expect(() => jax.createTrainer(config, data, { ...state, paramNames: ['a', 'b'] })).toThrow(/parameters/);
		expect(jax.liveBuffers()).toBe(before);
	});

	it('generates text like the TF.js engine from the same weights and seed', async () => {
		const text = await loadDataset('moby-dick', fromStatic);
		const lm: TrialConfig = {
			...config,
			dataset: 'moby-dick',
			model: 'transformer',
			nLayer: 1,
			nHead: 2,
			dModel: 16,
			contextLength: 16,
			batchSize: 8,
			maxTrainSteps: 30,
			evalEvery: 30
		};
		const saved: TrialCheckpoint[] = [];
		await runTrialLoop(
			jax,
			lm,
			text,
			{ onMetrics: () => {}, shouldStop: () => false, onCheckpoint: (c) => void saved.push(c) },
			{ every: 30 }
		);
		const weights = saved[0]!;
		const options = { prompt: 'Call me', length: 40, temperature: 0.8, seed: 5 };
		const before = jax.liveBuffers();
		const sampled = await jax.sampleText(lm, text, weights, options);
		expect(jax.liveBuffers()).toBe(before);
		expect(Array.from(sampled)).toHaveLength(40);
		expect(await jax.sampleText(lm, text, weights, options)).toBe(sampled);
		expect(await jax.sampleText(lm, text, weights, { ...options, seed: 6 })).not.toBe(sampled);
		expect(await createTfjsEngine().sampleText(lm, text, weights, options)).toBe(sampled);
		await expect(jax.sampleText(lm, text, weights, { ...options, prompt: '☃' })).rejects.toThrow(/never saw/);
	}, 120_000);

	it('says plainly what it does not do yet', async () => {
		await expect(jax.exportModel({} as never, data)).rejects.toThrow(
			/not supported by the compiled engine yet; use tfjs/
		);
		expect(() => createJaxEngine().liveBuffers()).toThrow(/buffer counter/);
	});
});
