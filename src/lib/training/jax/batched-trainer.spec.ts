import { numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { initJax, labels, normals } from '../../testing/jax-fixtures';
import { liveBuffers, trackLiveBuffers } from './live-buffers';
import { BatchedJaxTrainer, batchSignature, type BatchMember } from './batched-trainer';
import { JaxTrainer, type StepStats, type TrainerOptions, type TrainerState } from './trainer';

beforeAll(async () => {
	await initJax();
	await trackLiveBuffers();
});

const ROWS = 16;
const FEATURES = 8;
const CLASSES = 3;

/** Trial k: the same shapes and switches, its own values of every per-trial hyperparameter. */
const trial = (k: number, overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
	model: { kind: 'mlp', inputSize: FEATURES, hiddenWidth: 16, depth: 2, classes: CLASSES },
	optimizer: {
		kind: 'adam',
		beta1: 0.9 - 0.05 * k,
		beta2: 0.999 - 0.01 * k,
		epsilon: 1e-8,
		weightDecay: 0.01 * (k + 1)
	},
	gradClipNorm: 0.5 + k,
	dropout: 0.1 + 0.1 * k,
	labelSmoothing: 0.05 * (k + 1),
	averagers: [
		{ kind: 'ema', decay: 0.9 },
		{ kind: 'swa', start: 3 + k, every: 2 }
	],
	dropoutSeed: 11 * (k + 1),
	...overrides
});

/** Trial k's own batch at step s (its own data order). */
const batchOf = (k: number, s: number) => ({
	x: normals(ROWS * FEATURES, 1000 * k + s),
	y: labels(ROWS, CLASSES, 1000 * k + s + 500)
});
const rateOf = (k: number, s: number) => 0.02 * (k + 1) * (1 - s / 100);

async function solo(
	options: TrainerOptions,
	k: number,
	initial: BatchMember['initial'],
	from: number,
	to: number
) {
	const trainer = new JaxTrainer(options, initial);
	const stats: StepStats[] = [];
	for (let s = from; s < to; s++) {
		const b = batchOf(k, s);
		const out = trainer.trainStep(
			np.array(b.x).reshape([ROWS, FEATURES]),
			np.array(b.y, { dtype: np.int32 }),
			rateOf(k, s)
		);
		stats.push(...(await JaxTrainer.readStats([out])));
	}
	const state = await trainer.exportState();
	trainer.dispose();
	return { stats, state };
}

/** Steps [from, to) of the batch; trial k of the batch is trial `ids[k]` of the study. */
async function batchedSteps(trainer: BatchedJaxTrainer, ids: number[], from: number, to: number) {
	const stats: StepStats[][] = ids.map(() => []);
	for (let s = from; s < to; s++) {
		const x = new Float32Array(ids.length * ROWS * FEATURES);
		const y = new Int32Array(ids.length * ROWS);
		ids.forEach((id, k) => {
			const b = batchOf(id, s);
			x.set(b.x, k * ROWS * FEATURES);
			y.set(b.y, k * ROWS);
		});
		const out = trainer.trainStep(
			np.array(x).reshape([ids.length, ROWS, FEATURES]),
			np.array(y, { dtype: np.int32 }).reshape([ids.length, ROWS]),
			ids.map((id) => rateOf(id, s))
		);
		const [row] = await BatchedJaxTrainer.readStats([out]);
		row!.forEach((st, k) => stats[k]!.push(st));
	}
	return stats;
}

// The stated tolerance is zero: on wasm a batched trial's numbers are bit for bit those of the same
// trial trained alone. Every product and reduction of trial k runs over the same elements in the same
// order as in the solo step (the trial axis only repeats the kernel; nothing sums across trials), and
// the per-trial scalars are the same float32 values. A backend whose batched kernels reorder sums (a
// GPU's tiled products) could move results by float32 rounding (~1e-7 relative per reordered sum);
// that backend would need its own, stated tolerance.
const RELATIVE = 0;
const ABSOLUTE = 0;
function expectClose(actual: number, expected: number, what: string) {
	const gap = Math.abs(actual - expected);
	expect(gap, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
		ABSOLUTE + RELATIVE * Math.abs(expected)
	);
}
function expectStatesClose(actual: TrainerState, expected: TrainerState, what: string) {
	expect(actual.optimizer.step).toBe(expected.optimizer.step);
	expect(actual.paramNames).toEqual(expected.paramNames);
	const pairs: [Float32Array, Float32Array, string][] = [
		...actual.params.map(
			(p, i) => [p, expected.params[i]!, `param ${i}`] as [Float32Array, Float32Array, string]
		),
		...Object.keys(expected.optimizer.slots).flatMap((name) =>
			actual.optimizer.slots[name]!.map(
				(p, i) =>
					[p, expected.optimizer.slots[name]![i]!, `${name} ${i}`] as [Float32Array, Float32Array, string]
			)
		),
		...expected.averagers.flatMap((a, j) =>
			a.state.average.map(
				(p, i) =>
					[actual.averagers[j]!.state.average[i]!, p, `${a.kind} ${i}`] as [
						Float32Array,
						Float32Array,
						string
					]
			)
		)
	];
	expect(actual.averagers.map((a) => a.state.updates)).toEqual(
		expected.averagers.map((a) => a.state.updates)
	);
	for (const [a, e, name] of pairs) {
		expect(a.length).toBe(e.length);
		for (let i = 0; i < e.length; i++) expectClose(a[i]!, e[i]!, `${what} ${name}[${i}]`);
	}
}

describe('BatchedJaxTrainer', () => {
	// The MLP's default is one batched product (trial-products.ts); 'split' (K plain products) must
	// train the same curves.
	it.each(['batched', 'split'] as const)(
		'trains each trial as it trains alone with %s products: same losses, norms, clipping and state',
		async (products) => {
			const ids = [0, 1, 2];
			const batch = new BatchedJaxTrainer(
				ids.map((k) => ({ options: trial(k), initial: { seed: k + 1 } })),
				products
			);
			const batched = await batchedSteps(batch, ids, 0, 30);
			for (const k of ids) {
				const alone = await solo(trial(k), k, { seed: k + 1 }, 0, 30);
				alone.stats.forEach((st, s) => {
					expectClose(batched[k]![s]!.loss, st.loss, `trial ${k} loss at step ${s}`);
					expectClose(batched[k]![s]!.gradNorm, st.gradNorm, `trial ${k} norm at step ${s}`);
					expect(batched[k]![s]!.clipped).toBe(st.clipped);
				});
				expectStatesClose(await batch.exportState(k), alone.state, `trial ${k}`);
			}
			// The trials really differ: different rates and data give different curves.
			expect(Math.abs(batched[0]![29]!.loss - batched[2]![29]!.loss)).toBeGreaterThan(1e-3);
			// Some steps clip and some do not (the thresholds differ per trial).
			expect(batched.flat().some((s) => s.clipped === 1)).toBe(true);
			batch.dispose();
		}
	);

	it('holds live buffers flat over 2,000 steps and frees them all on dispose', async () => {
		// Runs after a first batch: jax-js keeps a few buffers of its own from the first dropout step
		// of the process on (2 in the test above, whatever the batch size or step count), so counting
		// from a warm process sees only what the trainer holds.
		const before = liveBuffers();
		const batch = new BatchedJaxTrainer([0, 1].map((k) => ({ options: trial(k), initial: { seed: k + 1 } })));
		const counts: number[] = [];
		for (let s = 0; s < 2000; s++) {
			const out = batch.trainStep(
				np.array(normals(2 * ROWS * FEATURES, s)).reshape([2, ROWS, FEATURES]),
				np.array(labels(2 * ROWS, CLASSES, s), { dtype: np.int32 }).reshape([2, ROWS]),
				[0.01, 0.02]
			);
			await BatchedJaxTrainer.readStats([out]);
			if (s % 500 === 499) counts.push(liveBuffers());
		}
		// Params, two Adam slots and two averages of 6 parameters are live while training.
		expect(counts[0]!).toBeGreaterThanOrEqual(before + 5 * 6);
		expect(new Set(counts).size).toBe(1);
		batch.dispose();
		expect(liveBuffers()).toBe(before);
	});

	it('lets a diverging trial leave while the others go on with unchanged curves', async () => {
		const ids = [0, 1, 2];
		// Trial 1 steps with a learning rate of 1e6 and a threshold no norm reaches: decoupled weight decay
		// then multiplies its weights by (1 − 1e6·0.02) each step, so within ~10 steps they overflow
		// float32 and its loss turns NaN.
		const options = ids.map((k) => (k === 1 ? trial(k, { gradClipNorm: 1e30 }) : trial(k)));
		const rate = (k: number, s: number) => (k === 1 ? 1e6 : rateOf(k, s));
		const batch = new BatchedJaxTrainer(ids.map((k) => ({ options: options[k]!, initial: { seed: k + 1 } })));
		let diverged = -1;
		const seen: StepStats[][] = ids.map(() => []);
		for (let s = 0; s < 15 && diverged < 0; s++) {
			const x = new Float32Array(ids.length * ROWS * FEATURES);
			const y = new Int32Array(ids.length * ROWS);
			ids.forEach((id, k) => {
				const b = batchOf(id, s);
				x.set(b.x, k * ROWS * FEATURES);
				y.set(b.y, k * ROWS);
			});
			const out = batch.trainStep(
				np.array(x).reshape([3, ROWS, FEATURES]),
				np.array(y, { dtype: np.int32 }).reshape([3, ROWS]),
				ids.map((k) => rate(k, s))
			);
			const [row] = await BatchedJaxTrainer.readStats([out]);
			row!.forEach((st, k) => seen[k]!.push(st));
			if (!Number.isFinite(row![1]!.loss)) diverged = s;
		}
		expect(diverged).toBeGreaterThan(0);
		batch.removeRows([1]);
		expect(batch.size).toBe(2);
		const after = await batchedSteps(batch, [0, 2], diverged + 1, 20);
		batch.dispose();
		for (const [j, k] of [0, 2].entries()) {
			const alone = await solo(options[k]!, k, { seed: k + 1 }, 0, 20);
			const curve = [...seen[k]!, ...after[j]!];
			expect(curve.length).toBe(20);
			curve.forEach((st, s) => {
				expect(Number.isFinite(st.loss)).toBe(true);
				expectClose(st.loss, alone.stats[s]!.loss, `trial ${k} loss at step ${s}`);
			});
		}
	});

	it('resumes from its trials checkpoints exactly as if it had not stopped (bit for bit on wasm)', async () => {
		const ids = [0, 1];
		const members = ids.map((k) => ({ options: trial(k), initial: { seed: k + 1 } }));
		const straight = new BatchedJaxTrainer(members);
		const uninterrupted = await batchedSteps(straight, ids, 0, 16);
		const finalStates = await Promise.all(ids.map((k) => straight.exportState(k)));
		straight.dispose();

		const first = new BatchedJaxTrainer(members);
		const head = await batchedSteps(first, ids, 0, 7);
		const saved = await Promise.all(ids.map((k) => first.exportState(k)));
		first.dispose();
		const second = new BatchedJaxTrainer(ids.map((k) => ({ options: trial(k), initial: saved[k]! })));
		const tail = await batchedSteps(second, ids, 7, 16);
		for (const k of ids) {
			expect([...head[k]!, ...tail[k]!]).toEqual(uninterrupted[k]);
			const resumed = await second.exportState(k);
			expect(resumed).toEqual(finalStates[k]);
		}
		second.dispose();
	});

	it('hands a trial checkpoint to a solo trainer that continues it as the batch would', async () => {
		const batch = new BatchedJaxTrainer([0, 1].map((k) => ({ options: trial(k), initial: { seed: k + 1 } })));
		await batchedSteps(batch, [0, 1], 0, 5);
		const saved = await batch.exportState(1);
		const inBatch = await batchedSteps(batch, [0, 1], 5, 12);
		batch.dispose();
		const alone = await solo(trial(1), 1, saved, 5, 12);
		alone.stats.forEach((st, s) => expectClose(inBatch[1]![s]!.loss, st.loss, `step ${s + 5}`));
	});

	it('groups only trials whose compiled step has the same shape', () => {
		expect(batchSignature(trial(0))).toBe(batchSignature(trial(2)));
		expect(batchSignature(trial(0, { dropout: 0 }))).not.toBe(batchSignature(trial(0)));
		expect(batchSignature(trial(0, { optimizer: { kind: 'sgd', weightDecay: 0.1 } }))).not.toBe(
			batchSignature(trial(0))
		);
		expect(
			batchSignature(
				trial(0, { model: { kind: 'mlp', inputSize: FEATURES, hiddenWidth: 32, depth: 2, classes: CLASSES } })
			)
		).not.toBe(batchSignature(trial(0)));
		// Another family batches too (batched-models.spec.ts), never with the MLP.
		const cnn = batchSignature(
			trial(0, { model: { kind: 'cnn', height: 8, width: 8, classes: 3, filters: 4, blocks: 1 } })
		);
		expect(cnn).not.toBeNull();
		expect(cnn).not.toBe(batchSignature(trial(0)));
		expect(
			() =>
				new BatchedJaxTrainer([
					{ options: trial(0), initial: { seed: 1 } },
					{ options: trial(0, { dropout: 0 }), initial: { seed: 1 } }
				])
		).toThrow(/share/);
	});
});
