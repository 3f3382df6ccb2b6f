// Checkpoints are engine-neutral: a trial checkpointed by the TF.js loop continues on the compiled
// engine, and one saved by the compiled engine continues in the TF.js loop, each matching the other
// engine's uninterrupted run within the agreement tolerance.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '$lib/datasets/classification-data';
import { loadDataset } from '$lib/datasets/load-dataset';
import { BatchOrder } from '$lib/math/batch-order';
import { streamSeed } from '$lib/math/random';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { TrialCheckpoint } from '../checkpoint-data';
import { runTrialLoop } from '../trial-loop';
import { createTfjsEngine } from '../tfjs/engine';
import { modelSpecOf } from '../model-spec';
import { hostBatch, initJax, trainCount } from '../../testing/jax-fixtures';
import { JaxTrainer, type TrainerOptions } from './trainer';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
/** As in tfjs-agreement.spec.ts: float32 on two engines, in nats. */
const LOSS_TOLERANCE = 5e-5;
const SPLIT = 10;
const TOTAL = 16;

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 32,
	depth: 2,
	batchSize: 32,
	optimizer: 'nadam',
	learningRate: 3e-3,
	schedule: 'cosine',
	warmupSteps: 4,
	weightDecay: 0.01,
	emaDecay: 0.9,
	maxTrainSteps: TOTAL,
	evalEvery: SPLIT
};

let data: TrainingData;

beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
	await initJax();
	data = await loadDataset('digits', fromStatic);
});

function options(): TrainerOptions {
	return {
		model: modelSpecOf(config, data),
		optimizer: { kind: 'nadam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
		averagers: [{ kind: 'ema', decay: 0.9 }],
		dropoutSeed: 0
	};
}

async function tfjsRun(resumeFrom?: TrialCheckpoint) {
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const checkpoints: TrialCheckpoint[] = [];
	await runTrialLoop(
		createTfjsEngine(),
		config,
		data,
		{
			onMetrics: (b) => appendBatch(metrics, b),
			shouldStop: () => false,
			onCheckpoint: (c) => void checkpoints.push(c)
		},
		{ every: SPLIT, resumeFrom }
	);
	return { metrics, checkpoints };
}

/** Compiled-engine steps from `trainer`'s current step to `until`, batches and rates as the TF.js loop's. */
async function jaxSteps(trainer: JaxTrainer, order: BatchOrder, lrs: number[], until: number) {
	const pending = [];
	for (let step = trainer.step; step < until; step++) {
		const { x, y } = hostBatch(data, order.nextBatch(config.batchSize), 0);
		pending.push(trainer.trainStep(x, y, lrs[step]!));
	}
	return (await JaxTrainer.readStats(pending)).map((s) => s.loss);
}

function expectAgree(actual: number[], expected: number[]): void {
	expect(actual).toHaveLength(expected.length);
	const worst = Math.max(...actual.map((l, i) => Math.abs(l - expected[i]!)));
	expect(worst, `${actual.join(', ')}\n${expected.join(', ')}`).toBeLessThan(LOSS_TOLERANCE);
}

describe('checkpoints cross engines', () => {
	it('TF.js checkpoint at step 10 → compiled engine continues like the uninterrupted TF.js run', async () => {
		const { metrics, checkpoints } = await tfjsRun();
		const at = checkpoints.find((c) => c.step === SPLIT)!;
		const trainer = new JaxTrainer(options(), at);
		const order = new BatchOrder(trainCount(data, 0), 0, at.batchOrder);
		const losses = await jaxSteps(trainer, order, metrics.train.lr, TOTAL);
		const state = await trainer.exportState();
		trainer.dispose();
		expectAgree(losses, metrics.train.loss.slice(SPLIT));
		// The EMA went on from the checkpoint's average: close to the TF.js run's final one.
		const tfjsFinal = checkpoints.find((c) => c.step === TOTAL)!;
		expect(state.averagers[0]!.state.updates).toBe(tfjsFinal.averagers[0]!.state.updates);
		const [a, b] = [state.averagers[0]!.state.average[0]!, tfjsFinal.averagers[0]!.state.average[0]!];
		expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-4);
	}, 120_000);

	it('compiled-engine state at step 10 → the TF.js loop continues like the uninterrupted compiled run', async () => {
		const { metrics: reference } = await tfjsRun();
		const lrs = reference.train.lr;
		const order = new BatchOrder(trainCount(data, 0), streamSeed(config.seed, 'data-order'));
		const trainer = new JaxTrainer(options(), { seed: streamSeed(config.seed, 'init') });
		const first = await jaxSteps(trainer, order, lrs, SPLIT);
		const saved = await trainer.exportState();
		const rest = await jaxSteps(trainer, order, lrs, TOTAL);
		trainer.dispose();
		expectAgree(first, reference.train.loss.slice(0, SPLIT));

		// The data order after SPLIT batches: replay them on a fresh order.
		const replay = new BatchOrder(trainCount(data, 0), streamSeed(config.seed, 'data-order'));
		for (let s = 0; s < SPLIT; s++) replay.nextBatch(config.batchSize);
		const checkpoint: TrialCheckpoint = {
			step: SPLIT,
			...saved,
			batchOrder: replay.getState(),
			initialLoss: reference.evals[0]!.valLoss,
			evalRow: { step: SPLIT, valLoss: 0, valAccuracy: 0 }
		};
		const { metrics } = await tfjsRun(checkpoint);
		expectAgree(metrics.train.loss, rest);
	}, 120_000);
});
