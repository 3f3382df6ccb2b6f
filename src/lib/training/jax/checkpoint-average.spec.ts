// Checkpoint averaging scored on both engines (TF.js on wasm, the compiled engine on wasm) on digits:
// the mean of a finished trial's kept checkpoints is scored like the trial loop scores its own weights,
// and the two engines give the same score.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '$lib/datasets/classification-data';
import { loadDataset } from '$lib/datasets/load-dataset';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { averageCheckpoints } from '../checkpoint-average';
import type { TrialCheckpoint } from '../checkpoint-data';
import type { Engine } from '../engine';
import { evaluateWeights } from '../evaluate-weights';
import { createTfjsEngine } from '../tfjs/engine';
import { runTrialLoop } from '../trial-loop';
import { createJaxEngine } from './engine';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
/** float32 on two engines that order sums differently, in nats (as engine.spec.ts). */
const LOSS_TOLERANCE = 5e-5;

const jax = createJaxEngine();
const tfjs = createTfjsEngine();
let data: TrainingData;

beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
	expect((await jax.selectBackend('wasm')).backend).toBe('wasm');
	data = await loadDataset('digits', fromStatic);
});

/** Momentum at a constant rate with EMA: the weights keep moving, so checkpoints differ. */
const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 32,
	batchSize: 32,
	optimizer: 'momentum',
	momentum: 0.9,
	learningRate: 0.05,
	schedule: 'constant',
	emaDecay: 0.9,
	maxTrainSteps: 60,
	evalEvery: 20
};

async function checkpointsOf(engine: Engine): Promise<TrialCheckpoint[]> {
	const saved: TrialCheckpoint[] = [];
	await runTrialLoop(
		engine,
		config,
		data,
		{ onMetrics: () => {}, shouldStop: () => false, onCheckpoint: (c) => void saved.push(c) },
		{ every: 20 }
	);
	return saved;
}

describe('checkpoint averaging on both engines (wasm)', () => {
	it('scores a one-checkpoint window exactly as the trial loop scored it, and the mean of three apart', async () => {
		for (const engine of [tfjs, jax]) {
			const kept = await checkpointsOf(engine);
			expect(kept.map((c) => c.step)).toEqual([20, 40, 60]);
			const last = averageCheckpoints(kept, { fromStep: 60 });
			expect(Array.from(last.params[0]!)).toEqual(Array.from(kept[2]!.params[0]!));
			const lastScore = await evaluateWeights(engine, config, data, last);
			expect(lastScore.loss).toBe(kept[2]!.evalRow.valLoss);
			expect(lastScore.accuracy).toBe(kept[2]!.evalRow.valAccuracy);

			const mean = await evaluateWeights(engine, config, data, averageCheckpoints(kept));
			expect(Number.isFinite(mean.loss)).toBe(true);
			for (const c of kept) expect(mean.loss).not.toBe(c.evalRow.valLoss);
		}
	}, 120_000);

	it('gives the same score for the same average on either engine', async () => {
		const average = averageCheckpoints(await checkpointsOf(tfjs), { fromStep: 40 });
		const [onTfjs, onJax] = [
			await evaluateWeights(tfjs, config, data, average),
			await evaluateWeights(jax, config, data, average)
		];
		expect(Math.abs(onTfjs.loss - onJax.loss)).toBeLessThan(LOSS_TOLERANCE);
		expect(onJax.accuracy).toBe(onTfjs.accuracy);
	}, 120_000);
});
