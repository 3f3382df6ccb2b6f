import { beforeAll, describe, expect, it } from 'vitest';
import { initJax, deviceBatch, labels, normals } from '../../testing/jax-fixtures';
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

	it('holds live buffers flat over 10,000 steps, and frees them all on dispose', async () => {
		const before = liveBuffers();
		const trainer = new JaxTrainer(tiny, { seed: 1 });
		const counts: number[] = [];
		for (let s = 0; s < 10_000; s++) {
			const { x, y } = deviceBatch(X, [32, 8], Y);
			const pending = [trainer.trainStep(x, y, 0.01)];
			await JaxTrainer.readStats(pending);
			if (s % 1000 === 999) counts.push(liveBuffers());
		}
		trainer.dispose();
		expect(counts.length).toBe(10);
		// The params, slots and averages are live while training: the counter sees them.
		expect(counts[0]!).toBeGreaterThan(before + 3 * 4);
		expect(new Set(counts).size).toBe(1);
		expect(liveBuffers()).toBe(before);
	}, 300_000);

	it('is deterministic: the same seed gives the same losses bit for bit, another dropout seed differs', async () => {
		const curve = async (options: TrainerOptions) => {
			const trainer = new JaxTrainer(options, { seed: 3 });
			const losses = await run(trainer, 15);
			trainer.dispose();
			return losses;
		};
		const a = await curve(tiny);
		expect(await curve(tiny)).toEqual(a);
		expect(await curve({ ...tiny, dropoutSeed: 8 })).not.toEqual(a);
	});

	it('resumes bit for bit: 10 steps, save, restore, 10 more equal 20 uninterrupted', async () => {
		const whole = new JaxTrainer(tiny, { seed: 4 });
		const wholeLosses = await run(whole, 20);
		const wholeState = await whole.exportState();
		whole.dispose();

		const first = new JaxTrainer(tiny, { seed: 4 });
		await run(first, 10);
		const saved = await first.exportState();
		first.dispose();
		expect(saved.optimizer.step).toBe(10);
		expect(Object.keys(saved.optimizer.slots)).toEqual(['m', 'v']);
		expect(saved.averagers.map((a) => [a.kind, a.state.updates])).toEqual([
			['ema', 10],
			['swa', 2] // samples after steps 5 and 8
		]);
		const second = new JaxTrainer(tiny, saved);
		const resumedLosses = await run(second, 10);
		const resumedState = await second.exportState();
		second.dispose();

		expect(resumedLosses).toEqual(wholeLosses.slice(10));
		expect(resumedState).toEqual(wholeState);
	});

	it('averages as the TF.js averagers do: EMA every step, SWA at start + k·every, the first a copy', async () => {
		const options: TrainerOptions = { ...tiny, dropout: 0 };
		const trainer = new JaxTrainer(options, { seed: 5 });
		const decay = 0.9;
		let ema: Float64Array[] = [];
		let swa: Float64Array[] = [];
		let swaCount = 0;
		for (let step = 1; step <= 12; step++) {
			await run(trainer, 1);
			const state = await trainer.exportState();
			const w = state.params.map((p) => Float64Array.from(p));
			ema = step === 1 ? w : ema.map((a, i) => a.map((v, j) => decay * v + (1 - decay) * w[i]![j]!));
			if (step >= 5 && (step - 5) % 3 === 0) {
				swa = swaCount === 0 ? w : swa.map((a, i) => a.map((v, j) => v + (w[i]![j]! - v) / (swaCount + 1)));
				swaCount += 1;
			}
			if (step === 12) {
				const [emaState, swaState] = state.averagers;
				expect(swaState!.state.updates).toBe(swaCount);
				for (const [expected, actual] of [
					[ema, emaState!.state.average],
					[swa, swaState!.state.average]
				] as const) {
					expected.forEach((a, i) =>
						a.forEach((v, j) => expect(Math.abs(actual[i]![j]! - v)).toBeLessThan(1e-5 + 1e-5 * Math.abs(v)))
					);
				}
			}
		}
		trainer.dispose();
	});

	it('evaluates the raw and the averaged weights: summed loss and correct count', async () => {
		const trainer = new JaxTrainer({ ...tiny, averagers: [{ kind: 'ema', decay: 0.99 }] }, { seed: 6 });
		const evaluate = async (averager?: number) => {
			const { x, y } = deviceBatch(X, [32, 8], Y);
			const [loss, correct] = await trainer.evaluate(x, y, averager).data();
			return { loss: loss!, correct: correct! };
		};
		const before = await evaluate();
		// ln 3 per row for a near-uniform classifier at init.
		expect(before.loss / 32).toBeGreaterThan(0.5);
		expect(before.loss / 32).toBeLessThan(3);
		await run(trainer, 40);
		const after = await evaluate();
		expect(after.loss).toBeLessThan(before.loss);
		expect(after.correct).toBeGreaterThan(before.correct);
		expect(Number.isInteger(after.correct)).toBe(true);
		expect((await evaluate(0)).loss).not.toBe(after.loss);
		trainer.dispose();
	});

	it('trains the CNN and the transformer with every option on (dropout sites, smoothing, clipping, averages)', async () => {
		const cases: { model: TrainerOptions['model']; x: () => ReturnType<typeof deviceBatch> }[] = [
			{
				model: { kind: 'cnn', height: 6, width: 6, classes: 3, filters: 2, blocks: 2 },
				x: () => deviceBatch(normals(4 * 36, 9), [4, 36], labels(4, 3, 9))
			},
			{
				model: { kind: 'transformer', vocab: 5, contextLength: 6, dModel: 8, nHead: 2, nLayer: 2 },
				x: () => deviceBatch(labels(4 * 6, 5, 9), [4, 6], labels(4 * 6, 5, 10))
			}
		];
		for (const { model, x: batch } of cases) {
			const trainer = new JaxTrainer({ ...tiny, model }, { seed: 2 });
			const pending = [];
			for (let s = 0; s < 6; s++) {
				const { x, y } = batch();
				pending.push(trainer.trainStep(x, y, 0.01));
			}
			const stats = await JaxTrainer.readStats(pending);
			const { x, y } = batch();
			const [loss] = await trainer.evaluate(x, y, 1).data();
			trainer.dispose();
			expect(stats.every((s) => Number.isFinite(s.loss) && s.gradNorm > 0)).toBe(true);
			expect(stats[5]!.loss).not.toBe(stats[0]!.loss);
			expect(Number.isFinite(loss)).toBe(true);
		}
	});
});
