// The compiled engine against the TF.js engine: the same parameter names, shapes and initial values
// (so checkpoints are engine-neutral), and, from the same initial weights and batches, the same training
// losses over 10 Adam steps of the TF.js trial loop, for the MLP, the CNN and the transformer.
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
import { contextLengthOf } from '../model-spec';
import { createModel } from '../tfjs/models/create-model';
import { runTrialLoop } from '../trial-loop';
import { createTfjsEngine } from '../tfjs/engine';
import { modelSpecOf } from '../model-spec';
import { jaxModel } from './models';
import { initialValues } from './params';
import { hostBatch, initJax, trainCount } from '../../testing/jax-fixtures';
import { JaxTrainer } from './trainer';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));

beforeAll(async () => {
	expect(await tf.setBackend('wasm')).toBe(true);
	await initJax();
});

const STEPS = 10;
/**
 * The comparison reads training losses only; the trial loop still evaluates at steps 0 and 10, so the
 * validation split is cut to its first rows to keep those evaluations from dominating the test's time.
 */
function withShortValidation(data: TrainingData): TrainingData {
	if (data.kind === 'text') return { ...data, val: data.val.slice(0, 2048) };
	const count = Math.min(data.val.count, 256);
	return {
		...data,
		val: {
			inputs: data.val.inputs.slice(0, count * data.features),
			labels: data.val.labels.slice(0, count),
			count
		}
	};
}
/** float32 on two engines that order sums differently (measured worst: 2e-6 MLP and CNN, 9e-6 transformer), in nats. */
const LOSS_TOLERANCE = 5e-5;

const base: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	optimizer: 'adam',
	maxTrainSteps: STEPS,
	evalEvery: STEPS,
	learningRate: 3e-3
};
const workloads: TrialConfig[] = [
	{
		...base,
		dataset: 'digits',
		hiddenWidth: 32,
		depth: 2,
		batchSize: 32,
		weightDecay: 0.01,
		gradClipNorm: 1
	},
	{
		...base,
		dataset: 'fashion-mnist',
		model: 'cnn',
		cnnWidth: 4,
		cnnDepth: 2,
		batchSize: 16,
		labelSmoothing: 0.1
	},
	{
		...base,
		dataset: 'moby-dick',
		model: 'transformer',
		nLayer: 2,
		nHead: 2,
		dModel: 16,
		contextLength: 16,
		batchSize: 8,
		schedule: 'cosine',
		warmupSteps: 3
	}
];

describe('the compiled engine matches the TF.js engine', () => {
	for (const config of workloads) {
		it(`${config.model} on ${config.dataset}: names, shapes and initial values bit for bit`, async () => {
			const data = await loadDataset(config.dataset as 'digits', fromStatic);
			const seed = streamSeed(config.seed, 'init');
			const model = createModel(config, data, seed);
			const specs = jaxModel(modelSpecOf(config, data)).params;
			expect(specs.map((s) => s.name)).toEqual(model.paramNames);
			expect(specs.map((s) => s.shape)).toEqual(model.params.map((p) => p.shape));
			const values = initialValues(specs, seed);
			for (const [i, p] of model.params.entries()) expect(values[i]).toEqual(await p.data());
			model.dispose();
		});

		it(`${config.model} on ${config.dataset}: training losses over ${STEPS} steps within ${LOSS_TOLERANCE}`, async () => {
			const data = withShortValidation(await loadDataset(config.dataset as 'digits', fromStatic));
			const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
			await runTrialLoop(createTfjsEngine(), config, data, {
				onMetrics: (b) => appendBatch(metrics, b),
				shouldStop: () => false
			});
			const spec = modelSpecOf(config, data);
			const specs = jaxModel(spec).params;
			const trainer = new JaxTrainer(
				{
					model: spec,
					optimizer: {
						kind: 'adam',
						beta1: 0.9,
						beta2: 0.999,
						epsilon: 1e-8,
						weightDecay: config.weightDecay ?? 0
					},
					gradClipNorm: config.gradClipNorm,
					labelSmoothing: config.labelSmoothing,
					dropoutSeed: 0
				},
				{ weights: initialValues(specs, streamSeed(config.seed, 'init')) }
			);
			const examples = trainCount(data, contextLengthOf(config));
			const order = new BatchOrder(examples, streamSeed(config.seed, 'data-order'));
			const pending: ReturnType<JaxTrainer['trainStep']>[] = [];
			for (let step = 0; step < STEPS; step++) {
				const { x, y } = hostBatch(data, order.nextBatch(config.batchSize), contextLengthOf(config));
				pending.push(trainer.trainStep(x, y, metrics.train.lr[step]!));
			}
			const stats = await JaxTrainer.readStats(pending);
			trainer.dispose();
			const jaxLosses = stats.map((s) => s.loss);
			expect(metrics.train.loss).toHaveLength(STEPS);
			const worst = Math.max(...jaxLosses.map((l, i) => Math.abs(l - metrics.train.loss[i]!)));
			expect(worst, `jax ${jaxLosses.join(', ')}\ntfjs ${metrics.train.loss.join(', ')}`).toBeLessThan(
				LOSS_TOLERANCE
			);
			// The losses moved, so the comparison covers the updates and not only the first forward pass.
			expect(Math.abs(jaxLosses[STEPS - 1]! - jaxLosses[0]!)).toBeGreaterThan(20 * LOSS_TOLERANCE);
		}, 120_000);
	}
});
