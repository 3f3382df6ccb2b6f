import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '$lib/datasets/load-dataset';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { runTrialLoop } from '../trial-loop';
import { createTfjsEngine } from './engine';

const engine = createTfjsEngine();

// The wasm backend (as in the browser's worker): the plain-JS cpu backend needs minutes for a conv net.
beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
});

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));

async function train(config: TrialConfig): Promise<MetricBatch> {
	const data = await loadDataset(config.dataset as 'digits', fromStatic);
	const before = tf.memory().numTensors;
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const outcome = await runTrialLoop(engine, config, data, {
		onMetrics: (batch) => appendBatch(metrics, batch),
		shouldStop: () => false
	});
	expect(outcome).toEqual({ status: 'completed', steps: config.maxTrainSteps });
	expect(tf.memory().numTensors - before).toBe(0);
	return metrics;
}

const cnn: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'fashion-mnist',
	model: 'cnn',
	backend: 'wasm',
	cnnWidth: 8,
	cnnDepth: 2,
	batchSize: 32,
	maxTrainSteps: 40,
	evalEvery: 40,
	learningRate: 3e-3
};

const lm: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'moby-dick',
	model: 'transformer',
	backend: 'wasm',
	nLayer: 1,
	nHead: 2,
	dModel: 32,
	contextLength: 32,
	batchSize: 16,
	maxTrainSteps: 60,
	evalEvery: 60,
	learningRate: 1e-2
};

describe('runTrialLoop on each workload (wasm backend)', () => {
	it('cnn on fashion-mnist: validation loss falls from chance', async () => {
		const { evals } = await train(cnn);
		expect(evals[0]!.valLoss).toBeGreaterThan(2.0); // ≈ ln 10 = 2.30 at init
		expect(evals[1]!.valLoss).toBeLessThan(evals[0]!.valLoss * 0.6);
		expect(evals[1]!.valAccuracy).toBeGreaterThan(0.5);
	}, 60_000);

	it('transformer on moby-dick: validation loss falls, bits per character reported', async () => {
		const { evals, train: rows } = await train(lm);
		const [first, last] = [evals[0]!, evals[1]!];
		expect(first.valLoss).toBeCloseTo(Math.log(83), 0); // 83 distinct characters, uniform at init
		expect(last.valLoss).toBeLessThan(first.valLoss * 0.8);
		expect(last.valBitsPerChar).toBeCloseTo(last.valLoss / Math.LN2, 10);
		expect(rows.loss[rows.loss.length - 1]!).toBeLessThan(rows.loss[0]! * 0.8);
	}, 60_000);

	it('mlp with dropout and label smoothing: reproducible for a seed, and different without them', async () => {
		const base: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, backend: 'wasm', maxTrainSteps: 30, evalEvery: 30 };
		const regularised = { ...base, dropout: 0.3, labelSmoothing: 0.1 };
		const a = await train(regularised);
		const b = await train(regularised);
		const plain = await train(base);
		expect(a.train.loss).toEqual(b.train.loss);
		expect(a.evals).toEqual(b.evals);
		expect(a.train.loss[5]).not.toEqual(plain.train.loss[5]);
		// Step 0's validation loss uses the same initial weights and no dropout at evaluation.
		expect(a.evals[0]!.valLoss).toBe(plain.evals[0]!.valLoss);
		expect(a.evals[1]!.valLoss).toBeLessThan(a.evals[0]!.valLoss);
	}, 60_000);

	it('refuses a model the data cannot feed', async () => {
		const data = await loadDataset('iris', fromStatic);
		const hooks = { onMetrics: () => undefined, shouldStop: () => false };
		const before = tf.memory().numTensors;
		await expect(runTrialLoop(engine, { ...lm, dataset: 'iris' }, data, hooks)).rejects.toThrow(
			/needs a text dataset/
		);
		await expect(runTrialLoop(engine, { ...cnn, dataset: 'iris' }, data, hooks)).rejects.toThrow(
			/cnn model needs images/
		);
		expect(tf.memory().numTensors).toBe(before);
	});
});
