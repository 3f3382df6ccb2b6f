import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '$lib/datasets/load-dataset';
import { TABULAR_DATASETS, type TabularDatasetName } from '$lib/datasets/registry';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { runTrialLoop } from '../trial-loop';
import { createTfjsEngine } from './engine';

const engine = createTfjsEngine();

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));

describe('runTrialLoop on the bundled tables (cpu backend)', () => {
	it.each(Object.keys(TABULAR_DATASETS) as TabularDatasetName[])(
		'%s trains: the validation loss falls and no tensors leak',
		async (name) => {
			const config: TrialConfig = {
				...DEFAULT_TRIAL_CONFIG,
				dataset: name,
				backend: 'cpu',
				maxTrainSteps: 40,
				evalEvery: 20,
				batchSize: 16,
				hiddenWidth: 16,
				learningRate: 0.01
			};
			const data = await loadDataset(name, fromStatic);
			const before = tf.memory().numTensors;
			const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
			const outcome = await runTrialLoop(engine, config, data, {
				onMetrics: (batch) => appendBatch(metrics, batch),
				shouldStop: () => false
			});
			expect(outcome).toEqual({ status: 'completed', steps: 40 });
			expect(metrics.evals.map((e) => e.step)).toEqual([0, 20, 40]);
			const first = metrics.evals[0]!;
			const last = metrics.evals[2]!;
			expect(last.valLoss).toBeLessThan(first.valLoss * 0.7);
			expect(last.valAccuracy).toBeGreaterThan(0.8);
			expect(tf.memory().numTensors - before).toBe(0);
		}
	);
});
