import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageDataset, type ImageDataset } from '$lib/datasets/image-dataset';
import { IMAGE_DATASETS } from '$lib/datasets/registry';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { Trainer, TrainerState } from '../engine';
import { createTfjsEngine } from './engine';

const engine = createTfjsEngine();
let digits: ImageDataset;

beforeAll(async () => {
	const report = await engine.selectBackend('cpu');
	expect(report.backend).toBe('cpu');
	expect(report.attempts.at(-1)).toEqual({ backend: 'cpu', ok: true });
	digits = await loadImageDataset(
		IMAGE_DATASETS.digits,
		async (p) => new Uint8Array(readFileSync(`static/${p}`))
	);
});

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'cpu',
	hiddenWidth: 16,
	batchSize: 16,
	learningRate: 0.01,
	optimizer: 'adam',
	emaDecay: 0.9,
	swaEvery: 2
};

/** `steps` updates from step `from`, on fixed batches drawn from the first 100 examples, at a constant rate. */
function run(trainer: Trainer, from: number, steps: number): void {
	for (let step = from; step < from + steps; step++) {
		const indices = Int32Array.from({ length: config.batchSize }, (_, i) => (step * 7 + i) % 100);
		trainer.step(step, config.learningRate, indices);
	}
}

function expectSameState(a: TrainerState, b: TrainerState): void {
	expect(b.paramNames).toEqual(a.paramNames);
	expect(b.params).toEqual(a.params);
	expect(b.optimizer).toEqual(a.optimizer);
	expect(b.averagers).toEqual(a.averagers);
}

describe('the tfjs engine', () => {
	it('a trainer steps, reads back one row of scalars per step, evaluates raw and averaged weights, and frees all', async () => {
		const before = engine.liveBuffers();
		const trainer = engine.createTrainer(config, digits);
		expect(trainer.trainCount).toBe(digits.train.count);
		expect(await trainer.readback()).toEqual([]);
		run(trainer, 0, 3);
		const scalars = await trainer.readback();
		expect(scalars).toHaveLength(3);
		for (const s of scalars) {
			expect(s.loss).toBeGreaterThan(0);
			expect(s.gradNorm).toBeGreaterThan(0);
			expect([0, 1]).toContain(s.clipped);
		}
		expect(await trainer.readback()).toEqual([]);
		const evaluation = await trainer.evaluate(512);
		expect(evaluation.loss).toBeGreaterThan(0);
		expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
		expect(evaluation.averages.map((a) => a.kind)).toEqual(['ema', 'swa']);
		// Queued scalars are freed with the rest.
		run(trainer, 3, 2);
		trainer.dispose();
		expect(engine.liveBuffers()).toBe(before);
	});

	it('a trainer resumed from saved state holds the same state and continues identically', async () => {
		const first = engine.createTrainer(config, digits);
		run(first, 0, 4);
		await first.readback();
		const saved = await first.save();
		expect(saved.optimizer.step).toBe(4);
		expect(saved.averagers.map((a) => [a.kind, a.state.updates])).toEqual([
			['ema', 4],
			['swa', 2]
		]);
		const second = engine.createTrainer(config, digits, saved);
		expectSameState(saved, await second.save());
		run(first, 4, 3);
		run(second, 4, 3);
		expect(await second.readback()).toEqual(await first.readback());
		expectSameState(await first.save(), await second.save());
		expect(await second.evaluate(512)).toEqual(await first.evaluate(512));
		first.dispose();
		second.dispose();
	});

	it('refuses saved state of another model and frees what it built', async () => {
		const wider = engine.createTrainer({ ...config, hiddenWidth: 8 }, digits);
		const saved = await wider.save();
		wider.dispose();
		const before = engine.liveBuffers();
		expect(() => engine.createTrainer(config, digits, saved)).toThrow(/has 512 values, the model 1024/);
		expect(engine.liveBuffers()).toBe(before);
	});

	it('samples text only from language models', async () => {
		const trainer = engine.createTrainer(config, digits);
		const weights = await trainer.save();
		trainer.dispose();
		await expect(
			engine.sampleText(config, digits, weights, { prompt: 'a', length: 1, temperature: 0, seed: 1 })
		).rejects.toThrow(/not a text dataset/);
		expect(tf.getBackend()).toBe('cpu');
	});
});
