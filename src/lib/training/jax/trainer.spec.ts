import { beforeAll, describe, expect, it } from 'vitest';
import { initJax, deviceBatch, labels, normals } from './testing';
import { liveBuffers, trackLiveBuffers } from './live-buffers';
import { JaxTrainer, type TrainerOptions } from './trainer';

beforeAll(async () => {
	await initJax();
	await trackLiveBuffers();
});

const tiny: TrainerOptions = {
	model: { kind: 'mlp', inputSize: 8, hiddenWidth: 16, depth: 1, classes: 3 },
	optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
	gradClipNorm: 1,
	dropout: 0.1,
	labelSmoothing: 0.1,
	averagers: [
		{ kind: 'ema', decay: 0.9 },
		{ kind: 'swa', start: 5, every: 3 }
	],
	dropoutSeed: 7
};

const X = normals(32 * 8, 1);
const Y = labels(32, 3, 2);

async function run(trainer: JaxTrainer, steps: number): Promise<number[]> {
	const losses: number[] = [];
	for (let s = 0; s < steps; s++) {
		const { x, y } = deviceBatch(X, [32, 8], Y);
		const [stats] = await JaxTrainer.readStats([trainer.trainStep(x, y, 0.01)]);
		losses.push(stats!.loss);
	}
	return losses;
}

describe('JaxTrainer', () => {
	it('trains a tiny MLP: the loss falls', async () => {
		const trainer = new JaxTrainer(tiny, { seed: 1 });
		const losses = await run(trainer, 60);
		trainer.dispose();
		expect(losses[59]!).toBeLessThan(losses[0]! * 0.8);
	});

	it('holds live buffers flat over 2,000 steps, and frees them all on dispose', async () => {
		const before = liveBuffers();
		const trainer = new JaxTrainer(tiny, { seed: 1 });
		const counts: number[] = [];
		for (let s = 0; s < 2000; s++) {
			const { x, y } = deviceBatch(X, [32, 8], Y);
			const pending = [trainer.trainStep(x, y, 0.01)];
			await JaxTrainer.readStats(pending);
			if (s % 250 === 249) counts.push(liveBuffers());
		}
		trainer.dispose();
		expect(counts.length).toBe(8);
		// The params, slots and averages are live while training: the counter sees them.
		expect(counts[0]!).toBeGreaterThan(before + 3 * 4);
		expect(new Set(counts).size).toBe(1);
		expect(liveBuffers()).toBe(before);
	}, 120_000);
});
