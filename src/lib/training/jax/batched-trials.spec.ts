// Trials trained as one batch through runTrialLoop on the bundled digits data, against the same trials
// trained alone by the compiled engine: the same metric rows and checkpoints, a diverging trial that
// leaves while the others go on, a stopped trial, and resume of a batch from its trials' checkpoints.
// The expected values are the solo engine's own runs (themselves checked against the float64 optimizer
// reference in optimizers.spec.ts and against TF.js in engine.spec.ts); the stated tolerance is zero,
// as batched-trainer.spec.ts explains: on wasm every product of a trial sums the same terms in the same
// order in both forms.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '$lib/datasets/classification-data';
import { loadDataset } from '$lib/datasets/load-dataset';
import { encodeText } from '$lib/datasets/text-data';
import { Random } from '$lib/math/random';
import { appendBatch, emptyTrainRows, type MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { TrialCheckpoint } from '../checkpoint-data';
import type { Trainer } from '../engine';
import { runTrialLoop, type CheckpointOptions, type LoopOutcome } from '../trial-loop';
import { canBatch, createBatchedJaxTrainers } from './batched-trials';
import { createJaxEngine } from './engine';
import { liveBuffers, trackLiveBuffers } from './live-buffers';

const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
const jax = createJaxEngine({ countBuffers: liveBuffers });
let data: TrainingData;

beforeAll(async () => {
	expect((await jax.selectBackend('wasm')).backend).toBe('wasm');
	await trackLiveBuffers();
	data = await loadDataset('digits', fromStatic);
});

const base: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 32,
	depth: 1,
	batchSize: 32,
	optimizer: 'adam',
	schedule: 'cosine',
	gradClipNorm: 1,
	dropout: 0.1,
	labelSmoothing: 0.05,
	emaDecay: 0.9,
	maxTrainSteps: 40,
	evalEvery: 10
};
/** Three trials differing only in values: rate, betas, decay, warmup, threshold, rates, seed. */
const trials: TrialConfig[] = [
	{ ...base, learningRate: 3e-3, weightDecay: 0.01, seed: 1 },
	{ ...base, learningRate: 1e-2, beta1: 0.8, weightDecay: 0.1, warmupSteps: 5, gradClipNorm: 0.5, seed: 2 },
	{ ...base, learningRate: 1e-3, beta2: 0.99, weightDecay: 0.001, dropout: 0.3, labelSmoothing: 0.2, seed: 3 }
];

interface Run {
	outcome: LoopOutcome;
	metrics: MetricBatch;
	checkpoints: TrialCheckpoint[];
}

function loop(
	trainer: Trainer,
	config: TrialConfig,
	checkpoints: CheckpointOptions,
	stopAfter = Infinity,
	on: TrainingData = data
): Promise<Run> {
	const metrics: MetricBatch = { train: emptyTrainRows(), evals: [] };
	const saved: TrialCheckpoint[] = [];
	let step = 0;
	return runTrialLoop(
		{ createTrainer: () => trainer },
		config,
		on,
		{
			onMetrics: (b, progress) => {
				appendBatch(metrics, b);
				step = progress.step;
			},
			shouldStop: () => step >= stopAfter,
			onCheckpoint: (c) => void saved.push(c)
		},
		checkpoints
	).then((outcome) => ({ outcome, metrics, checkpoints: saved }));
}

/** Each config alone on the compiled engine. */
async function alone(
	configs: TrialConfig[],
	checkpoints: CheckpointOptions[] = [],
	on: TrainingData = data
): Promise<Run[]> {
	const runs: Run[] = [];
	for (const [i, c] of configs.entries()) {
		const resume = checkpoints[i]?.resumeFrom;
		runs.push(await loop(jax.createTrainer(c, on, resume), c, checkpoints[i] ?? { every: 20 }, Infinity, on));
	}
	return runs;
}

/** The configs as one batch, each in its own loop. */
function together(
	configs: TrialConfig[],
	checkpoints: CheckpointOptions[] = [],
	stopAfter: number[] = [],
	on: TrainingData = data
) {
	const trainers = createBatchedJaxTrainers(
		configs.map((config, i) => ({ config, resume: checkpoints[i]?.resumeFrom })),
		on
	);
	return Promise.all(
		trainers.map((t, i) => loop(t, configs[i]!, checkpoints[i] ?? { every: 20 }, stopAfter[i], on))
	);
}

describe('trials trained as one batch through runTrialLoop', () => {
	it('gives each trial the metrics and checkpoints it gets alone, and frees the batch at the end', async () => {
		expect(canBatch(trials, data)).toBe(true);
		// Solo first: jax-js keeps a few buffers of its own from the process's first dropout step on.
		const solo = await alone(trials);
		const before = liveBuffers();
		const batched = await together(trials);
		expect(liveBuffers()).toBe(before);
		for (const [i, run] of batched.entries()) {
			expect(run.outcome).toEqual({ status: 'completed', steps: 40 });
			expect(run.metrics).toEqual(solo[i]!.metrics);
			expect(run.checkpoints).toEqual(solo[i]!.checkpoints);
		}
		// The trials really differ, and trained: the loss fell, and EMA was scored.
		expect(batched[0]!.metrics.train.loss).not.toEqual(batched[1]!.metrics.train.loss);
		expect(batched[0]!.metrics.evals.at(-1)!.valLoss).toBeLessThan(batched[0]!.metrics.evals[0]!.valLoss);
		expect(batched[2]!.metrics.evals.at(-1)!.emaValLoss).toBeDefined();
	}, 180_000);

	it('lets a diverging trial leave: it ends infeasible, the others finish with their solo curves', async () => {
		// A rate of 1e4 with decoupled weight decay 0.1 multiplies the weights by (1 − 1e3) per step:
		// the loss leaves every bound within a few steps.
		const wild = [trials[0]!, { ...trials[1]!, learningRate: 1e4, warmupSteps: 0 }, trials[2]!];
		const batched = await together(wild);
		expect(batched[1]!.outcome.status).toBe('infeasible');
		expect(batched[1]!.outcome.steps).toBeLessThan(40);
		const solo = await alone(wild);
		expect(batched[1]!.metrics).toEqual(solo[1]!.metrics);
		for (const i of [0, 2]) {
			expect(batched[i]!.outcome).toEqual({ status: 'completed', steps: 40 });
			expect(batched[i]!.metrics).toEqual(solo[i]!.metrics);
			expect(batched[i]!.checkpoints).toEqual(solo[i]!.checkpoints);
		}
	}, 180_000);

	it('stops one trial (pause) while the others go on, and resumes the batch exactly', async () => {
		const whole = await together(trials);
		// Trial 0 stops at its first readback at or after step 20 (a pause), the others finish.
		const first = await together(trials, [], [20, Infinity, Infinity]);
		expect(first[0]!.outcome).toEqual({ status: 'stopped', steps: 20 });
		for (const i of [1, 2]) expect(first[i]!.metrics).toEqual(whole[i]!.metrics);
		// Resume every trial from its step-20 checkpoint, as one batch again.
		const at20 = first.map((r) => r.checkpoints.find((c) => c.step === 20)!);
		const resumed = await together(
			trials,
			at20.map((c) => ({ every: 20, resumeFrom: c }))
		);
		const after = (m: MetricBatch) => ({
			loss: m.train.loss.slice(-20),
			gradNorm: m.train.gradNorm.slice(-20),
			evals: m.evals.filter((e) => e.step > 20)
		});
		for (const i of [0, 1, 2]) {
			expect(after(resumed[i]!.metrics)).toEqual(after(whole[i]!.metrics));
			expect(resumed[i]!.checkpoints.at(-1)).toEqual(whole[i]!.checkpoints.at(-1));
		}
	}, 180_000);

	it('keeps apart what cannot share a step', () => {
		expect(canBatch([trials[0]!, { ...trials[1]!, batchSize: 64 }], data)).toBe(false);
		expect(canBatch([trials[0]!, { ...trials[1]!, hiddenWidth: 64 }], data)).toBe(false);
		expect(canBatch([trials[0]!, { ...trials[1]!, optimizer: 'sgd' }], data)).toBe(false);
		expect(canBatch([trials[0]!, { ...trials[1]!, emaDecay: undefined }], data)).toBe(false);
		expect(canBatch([trials[0]!, { ...trials[1]!, dropout: 0 }], data)).toBe(false);
		expect(canBatch([trials[0]!], data)).toBe(false);
	});
});

describe('CNN and transformer trials trained as one batch through runTrialLoop', () => {
	/** A text whose characters follow a seeded walk (a vocabulary of 6), long enough for its windows. */
	const walk = () => {
		const random = new Random(5);
		return Array.from({ length: 3000 }, () => 'abcdef'[random.int(6)]).join('');
	};
	const workloads: { name: string; base: TrialConfig; data: () => Promise<TrainingData> }[] = [
		{
			name: 'a CNN on the digits images',
			base: { ...base, model: 'cnn', cnnWidth: 4, cnnDepth: 1, batchSize: 16, maxTrainSteps: 20 },
			data: async () => data
		},
		{
			name: 'a transformer on a text',
			base: {
				...base,
				model: 'transformer',
				dataset: 'moby-dick',
				dModel: 8,
				nHead: 2,
				nLayer: 1,
				contextLength: 8,
				batchSize: 4,
				maxTrainSteps: 20
			},
			data: async () => encodeText(walk(), 'test')
		}
	];

	it.each(workloads)(
		'gives each trial of $name its solo metrics and checkpoints',
		async (w) => {
			const on = await w.data();
			const configs: TrialConfig[] = [
				{ ...w.base, learningRate: 3e-3, weightDecay: 0.01, seed: 1 },
				{
					...w.base,
					learningRate: 1e-2,
					beta1: 0.8,
					weightDecay: 0.1,
					warmupSteps: 5,
					gradClipNorm: 0.5,
					seed: 2
				},
				{
					...w.base,
					learningRate: 1e-3,
					beta2: 0.99,
					weightDecay: 0.001,
					dropout: 0.3,
					labelSmoothing: 0.2,
					seed: 3
				}
			];
			expect(canBatch(configs, on)).toBe(true);
			const solo = await alone(configs, [], on);
			const before = liveBuffers();
			const batched = await together(configs, [], [], on);
			expect(liveBuffers()).toBe(before);
			for (const [i, run] of batched.entries()) {
				expect(run.outcome).toEqual({ status: 'completed', steps: 20 });
				expect(run.metrics).toEqual(solo[i]!.metrics);
				expect(run.checkpoints).toEqual(solo[i]!.checkpoints);
			}
			expect(batched[0]!.metrics.train.loss).not.toEqual(batched[1]!.metrics.train.loss);
			expect(batched[0]!.metrics.evals.at(-1)!.step).toBe(20);
			expect(batched[2]!.metrics.evals.at(-1)!.emaValLoss).toBeDefined();
		},
		180_000
	);
});
