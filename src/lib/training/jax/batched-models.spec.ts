// The batched CNN and transformer (batched-step.ts, cnn.ts, transformer.ts) against the same trials
// trained alone by JaxTrainer: per-step losses, norms and clipping, exported states, evaluation on
// shared inputs, a diverging trial that leaves, and resume from checkpoints. The solo trainer is the
// reference (itself checked against the float64 optimizer reference in optimizers.spec.ts and against
// TF.js in tfjs-agreement.spec.ts and engine.spec.ts). The stated tolerance is zero, as in
// batched-trainer.spec.ts: on wasm each batched product and reduction of trial k sums the same terms in
// the same order as the solo step's (the trial axis is a batch axis of the products, or folded into the
// image or sequence axis of patches, pooling and attention, where nothing sums across it).
import { numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { initJax, labels, normals } from '../../testing/jax-fixtures';
import { Random } from '$lib/math/random';
import { BatchedJaxTrainer, batchSignature, type BatchMember } from './batched-trainer';
import { liveBuffers, trackLiveBuffers } from './live-buffers';
import type { ModelSpec } from './models';
import { JaxTrainer, type StepStats, type TrainerOptions, type TrainerState } from './trainer';

beforeAll(async () => {
	await initJax();
	await trackLiveBuffers();
});

type HostX = Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;

/** A model and how to draw one trial's batch: x of shape `xShape` (one trial) and its labels. */
interface Workload {
	name: string;
	model: ModelSpec;
	xShape: number[];
	labelsPerBatch: number;
	classes: number;
	/** Trial k's own batch at step s (its own data order). */
	batchOf(k: number, s: number): { x: HostX; y: Int32Array<ArrayBuffer> };
}

const tokens = (count: number, vocab: number, seed: number): Int32Array<ArrayBuffer> => {
	const random = new Random(seed);
	return Int32Array.from({ length: count }, () => random.int(vocab));
};

const CNN_ROWS = 8;
const cnn: Workload = {
	name: 'CNN (8×8 images, 4-8 filters, 2 blocks)',
	model: { kind: 'cnn', height: 8, width: 8, classes: 3, filters: 4, blocks: 2 },
	xShape: [CNN_ROWS, 64],
	labelsPerBatch: CNN_ROWS,
	classes: 3,
	batchOf: (k, s) => ({
		x: normals(CNN_ROWS * 64, 1000 * k + s),
		y: labels(CNN_ROWS, 3, 1000 * k + s + 500)
	})
};

const WINDOWS = 3;
const T = 8;
const VOCAB = 5;
const transformer: Workload = {
	name: 'transformer (d8, 2 heads, 2 layers, context 8)',
	model: { kind: 'transformer', vocab: VOCAB, contextLength: T, dModel: 8, nHead: 2, nLayer: 2 },
	xShape: [WINDOWS, T],
	labelsPerBatch: WINDOWS * T,
	classes: VOCAB,
	batchOf: (k, s) => ({
		x: tokens(WINDOWS * T, VOCAB, 1000 * k + s),
		y: tokens(WINDOWS * T, VOCAB, 1000 * k + s + 500)
	})
};

/** Trial k: the same shapes and switches, its own value of every per-trial hyperparameter. */
const trialOf =
	(w: Workload) =>
	(k: number, overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
		model: w.model,
		optimizer: {
			kind: 'adam',
			beta1: 0.9 - 0.05 * k,
			beta2: 0.999 - 0.01 * k,
			epsilon: 1e-8,
			weightDecay: 0.01 * (k + 1)
		},
		gradClipNorm: 0.5 + 0.5 * k,
		dropout: 0.1 + 0.1 * k,
		labelSmoothing: 0.05 * (k + 1),
		averagers: [
			{ kind: 'ema', decay: 0.9 - 0.1 * k },
			{ kind: 'swa', start: 3 + k, every: 2 }
		],
		dropoutSeed: 11 * (k + 1),
		...overrides
	});
const rateOf = (k: number, s: number) => 0.01 * (k + 1) * (1 - s / 100);

const toDevice = (x: HostX, shape: number[]) =>
	(x instanceof Int32Array ? np.array(x, { dtype: np.int32 }) : np.array(x)).reshape(shape);

/** Trial `k` alone from `initial`, steps [from, to): its stats and final state. */
async function solo(
	w: Workload,
	options: TrainerOptions,
	k: number,
	initial: BatchMember['initial'],
	from: number,
	to: number,
	rate = rateOf
) {
	const trainer = new JaxTrainer(options, initial);
	const stats: StepStats[] = [];
	for (let s = from; s < to; s++) {
		const b = w.batchOf(k, s);
		const out = trainer.trainStep(toDevice(b.x, w.xShape), np.array(b.y, { dtype: np.int32 }), rate(k, s));
		stats.push(...(await JaxTrainer.readStats([out])));
	}
	const state = await trainer.exportState();
	trainer.dispose();
	return { stats, state };
}

/** One batched step: row k of the batch is trial `ids[k]`; returns each row's stats. */
async function batchedStep(
	w: Workload,
	trainer: BatchedJaxTrainer,
	ids: number[],
	s: number,
	rate = rateOf
): Promise<StepStats[]> {
	const size = w.xShape.reduce((a, b) => a * b, 1);
	const first = w.batchOf(ids[0]!, s).x;
	const x =
		first instanceof Int32Array ? new Int32Array(ids.length * size) : new Float32Array(ids.length * size);
	const y = new Int32Array(ids.length * w.labelsPerBatch);
	ids.forEach((id, k) => {
		const b = w.batchOf(id, s);
		x.set(b.x, k * size);
		y.set(b.y, k * w.labelsPerBatch);
	});
	const out = trainer.trainStep(
		toDevice(x, [ids.length, ...w.xShape]),
		np.array(y, { dtype: np.int32 }).reshape([ids.length, w.labelsPerBatch]),
		ids.map((id) => rate(id, s))
	);
	return (await BatchedJaxTrainer.readStats([out]))[0]!;
}

async function batchedSteps(
	w: Workload,
	trainer: BatchedJaxTrainer,
	ids: number[],
	from: number,
	to: number
) {
	const stats: StepStats[][] = ids.map(() => []);
	for (let s = from; s < to; s++)
		(await batchedStep(w, trainer, ids, s)).forEach((st, k) => stats[k]!.push(st));
	return stats;
}

/** Every float of two trainer states equal (tolerance zero, see the header), the bookkeeping too. */
function expectSameState(actual: TrainerState, expected: TrainerState, what: string) {
	expect(actual.optimizer.step, what).toBe(expected.optimizer.step);
	expect(actual.paramNames).toEqual(expected.paramNames);
	expect(actual.averagers.map((a) => a.state.updates)).toEqual(
		expected.averagers.map((a) => a.state.updates)
	);
	const lists: [Float32Array[], Float32Array[], string][] = [
		[actual.params, expected.params, 'params'],
		...Object.keys(expected.optimizer.slots).map(
			(name) =>
				[actual.optimizer.slots[name]!, expected.optimizer.slots[name]!, name] as [
					Float32Array[],
					Float32Array[],
					string
				]
		),
		...expected.averagers.map(
			(a, j) =>
				[actual.averagers[j]!.state.average, a.state.average, a.kind] as [
					Float32Array[],
					Float32Array[],
					string
				]
		)
	];
	for (const [a, e, name] of lists) {
		e.forEach((values, i) => {
			// toEqual on typed arrays compares every element (NaN equals NaN; none are expected here).
			expect(a[i], `${what} ${name} ${i}`).toEqual(values);
		});
	}
}

describe.each([cnn, transformer])('BatchedJaxTrainer, $name', (w) => {
	const trial = trialOf(w);

	// Both forms of the per-trial products (trial-products.ts): wasm uses 'split'; 'batched' is the
	// WebGPU form, checked here on wasm for the same sums.
	it.each(['split', 'batched'] as const)(
		'trains each trial as it trains alone with %s products: same losses, norms, clipping and state',
		async (products) => {
			const ids = [0, 1, 2];
			const batch = new BatchedJaxTrainer(
				ids.map((k) => ({ options: trial(k), initial: { seed: k + 1 } })),
				products
			);
			const batched = await batchedSteps(w, batch, ids, 0, 12);
			for (const k of ids) {
				const alone = await solo(w, trial(k), k, { seed: k + 1 }, 0, 12);
				alone.stats.forEach((st, s) => {
					expect(batched[k]![s]!.loss, `trial ${k} loss at step ${s}`).toBe(st.loss);
					expect(batched[k]![s]!.gradNorm, `trial ${k} norm at step ${s}`).toBe(st.gradNorm);
					expect(batched[k]![s]!.clipped).toBe(st.clipped);
				});
				expectSameState(await batch.exportState(k), alone.state, `trial ${k}`);
			}
			batch.dispose();
			// The trials really differ and really trained: different curves, finite, some steps clipped.
			expect(batched[0]![11]!.loss).not.toBe(batched[2]![11]!.loss);
			expect(batched.flat().every((s) => Number.isFinite(s.loss))).toBe(true);
			expect(batched.flat().some((s) => s.clipped === 1)).toBe(true);
		},
		120_000
	);

	it('scores every trial on shared inputs as each scores alone (raw weights and EMA)', async () => {
		const ids = [0, 1, 2];
		const batch = new BatchedJaxTrainer(ids.map((k) => ({ options: trial(k), initial: { seed: k + 1 } })));
		await batchedSteps(w, batch, ids, 0, 4);
		const evalBatch = w.batchOf(99, 0);
		// The last label of the batch is padding: mask 0.
		const mask = new Float32Array(w.labelsPerBatch).fill(1);
		mask[w.labelsPerBatch - 1] = 0;
		const inputs = () =>
			[toDevice(evalBatch.x, w.xShape), np.array(evalBatch.y, { dtype: np.int32 }), np.array(mask)] as const;
		for (const averager of [undefined, 0]) {
			const all = await batch.evaluateAllMasked(...inputs(), averager).data();
			for (const k of ids) {
				// The solo model's forward pass on trial k's weights (sliced out of the batch).
				const one = await batch.evaluateMasked(k, ...inputs(), averager).data();
				expect([all[2 * k], all[2 * k + 1]], `trial ${k}, averager ${averager}`).toEqual([one[0], one[1]]);
			}
			// Different weights give different scores; a loss summed over the scored labels is positive.
			expect(all[0]).not.toBe(all[2]);
			expect(all[0]).toBeGreaterThan(0);
		}
		batch.dispose();
	}, 120_000);

	it('lets a diverging trial leave while the others go on with unchanged curves', async () => {
		const ids = [0, 1, 2];
		// Trial 1 steps with a learning rate of 1e6 and a threshold no norm reaches: decoupled weight
		// decay 0.02 multiplies its weights by (1 − 1e6·0.02) each step, so within ~10 steps they
		// overflow float32 and its loss turns NaN.
		const options = ids.map((k) => (k === 1 ? trial(k, { gradClipNorm: 1e30 }) : trial(k)));
		const rate = (k: number, s: number) => (k === 1 ? 1e6 : rateOf(k, s));
		const batch = new BatchedJaxTrainer(ids.map((k) => ({ options: options[k]!, initial: { seed: k + 1 } })));
		let diverged = -1;
		const seen: StepStats[][] = ids.map(() => []);
		for (let s = 0; s < 20 && diverged < 0; s++) {
			const row = await batchedStep(w, batch, ids, s, rate);
			row.forEach((st, k) => seen[k]!.push(st));
			if (!Number.isFinite(row[1]!.loss)) diverged = s;
		}
		expect(diverged).toBeGreaterThan(0);
		expect(seen[1]![diverged]!.loss).toBeNaN();
		batch.removeRows([1]);
		expect(batch.size).toBe(2);
		const after = await batchedSteps(w, batch, [0, 2], diverged + 1, 24);
		batch.dispose();
		for (const [j, k] of [0, 2].entries()) {
			const alone = await solo(w, options[k]!, k, { seed: k + 1 }, 0, 24);
			const curve = [...seen[k]!, ...after[j]!];
			expect(curve.length).toBe(24);
			curve.forEach((st, s) => {
				expect(Number.isFinite(st.loss)).toBe(true);
				expect(st.loss, `trial ${k} loss at step ${s}`).toBe(alone.stats[s]!.loss);
			});
		}
	}, 120_000);

	it('resumes from its trials checkpoints exactly, and hands a trial to a solo trainer that continues it', async () => {
		const ids = [0, 1];
		const members = ids.map((k) => ({ options: trial(k), initial: { seed: k + 1 } }));
		const before = liveBuffers();
		const straight = new BatchedJaxTrainer(members);
		const uninterrupted = await batchedSteps(w, straight, ids, 0, 10);
		const finalStates = await Promise.all(ids.map((k) => straight.exportState(k)));
		straight.dispose();
		expect(liveBuffers()).toBe(before);

		const first = new BatchedJaxTrainer(members);
		const head = await batchedSteps(w, first, ids, 0, 4);
		const saved = await Promise.all(ids.map((k) => first.exportState(k)));
		first.dispose();
		const second = new BatchedJaxTrainer(ids.map((k) => ({ options: trial(k), initial: saved[k]! })));
		const tail = await batchedSteps(w, second, ids, 4, 10);
		for (const k of ids) {
			expect([...head[k]!, ...tail[k]!]).toEqual(uninterrupted[k]);
			expect(await second.exportState(k)).toEqual(finalStates[k]);
		}
		second.dispose();

		// Trial 1's step-4 checkpoint from the batch, continued alone: the batch's own steps 4-9.
		const alone = await solo(w, trial(1), 1, saved[1]!, 4, 10);
		expect(alone.stats).toEqual(uninterrupted[1]!.slice(4));
		expect(alone.state).toEqual(finalStates[1]);
	}, 120_000);

	it('groups only trials of the same shape', () => {
		expect(batchSignature(trial(0))).not.toBeNull();
		expect(batchSignature(trial(0))).toBe(batchSignature(trial(2)));
		expect(batchSignature(trial(0, { labelSmoothing: 0 }))).not.toBe(batchSignature(trial(0)));
		const wider = w.model.kind === 'cnn' ? { ...w.model, filters: 8 } : { ...w.model, dModel: 16, nHead: 2 };
		expect(batchSignature(trial(0, { model: wider as ModelSpec }))).not.toBe(batchSignature(trial(0)));
	});
});

describe('batchSignature for convolutions', () => {
	it('has no batched form for jax-js own convolution, whose sums im2col would not reproduce', () => {
		const options = trialOf(cnn)(0);
		const lax = { ...options, model: { ...cnn.model, conv: 'lax' } as ModelSpec };
		expect(batchSignature(lax)).toBeNull();
		const im2col = { ...options, model: { ...cnn.model, conv: 'im2col' } as ModelSpec };
		expect(batchSignature(im2col)).not.toBeNull();
	});
});
