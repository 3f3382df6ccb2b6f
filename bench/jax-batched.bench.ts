// Trial-steps per second of K digits-MLP trials trained as one vectorised step (batched-trainer.ts)
// against the same K trials trained one after another on solo JaxTrainers: jax-js on wasm, one thread,
// Adam with decoupled weight decay, the default digits study's shape (64-128-10, batch 64), each trial
// with its own learning rate and its own batches. Solo and batched runs are interleaved run by run, so
// both see the same machine load. Both read each step's scalars as it is queued (dataSync), as the
// engine's trainers do on wasm, where reading costs no device round trip and keeps jax-js's pending
// work per step flat. Prints one JSON result line per K and mode.
// Run: npx tsx bench/jax-batched.bench.ts   (JAX_BATCH_RUNS, default 3; JAX_BATCH_K, default 1,2,4,8,16;
// JAX_BATCH_MODELS, default mlp: also cnn and transformer, issue 19's default CNN and d64 transformer
// shapes, step level only; JAX_BATCH_PRODUCTS, e.g. split,batched: the per-trial product forms to time)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { jit, numpy as np, vmap } from '@jax-js/jax';
import { stats, type BenchRow } from './bench-stats';
import { initJax, labels, normals } from '../src/lib/testing/jax-fixtures';
import { BatchedJaxTrainer } from '../src/lib/training/jax/batched-trainer';
import type { ModelSpec } from '../src/lib/training/jax/models';
import type { TrialProducts } from '../src/lib/training/jax/trial-products';
import { JaxTrainer, type TrainerOptions } from '../src/lib/training/jax/trainer';
import { createBatchedJaxTrainers } from '../src/lib/training/jax/batched-trials';
import { createJaxEngine } from '../src/lib/training/jax/engine';
import { runTrialLoop, type TrialLoopHooks } from '../src/lib/training/trial-loop';
import { loadDataset } from '../src/lib/datasets/load-dataset';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../src/lib/study/trial-config';

const RUNS = Number(process.env.JAX_BATCH_RUNS ?? 3);
const KS = (process.env.JAX_BATCH_K ?? '1,2,4,8,16').split(',').map(Number);
const STEP_LEVEL = process.env.JAX_BATCH_STEP_LEVEL !== '0';
const STEPS = Number(process.env.JAX_BATCH_STEPS ?? 60);
/** Step-level workloads to time (mlp, cnn, transformer); the loop and product rows below are the MLP's. */
const MODELS = (process.env.JAX_BATCH_MODELS ?? 'mlp').split(',');
/** The per-trial product forms to time (trial-products.ts); default: the device's. */
const PRODUCTS: (TrialProducts | undefined)[] = process.env.JAX_BATCH_PRODUCTS
	? (process.env.JAX_BATCH_PRODUCTS.split(',') as TrialProducts[])
	: [undefined];

type HostX = Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
interface StepWorkload {
	name: string;
	model: ModelSpec;
	/** One trial's x shape and its labels per batch. */
	xShape: number[];
	labelsPerBatch: number;
	batch(seed: number): { x: HostX; y: Int32Array<ArrayBuffer> };
}
/** The digits study's MLP, and issue 19's default CNN and d64 transformer shapes. */
const WORKLOADS: Record<string, StepWorkload> = {
	mlp: {
		name: 'digits MLP',
		model: { kind: 'mlp', inputSize: 64, hiddenWidth: 128, depth: 1, classes: 10 },
		xShape: [64, 64],
		labelsPerBatch: 64,
		batch: (seed) => ({ x: normals(64 * 64, seed), y: labels(64, 10, seed + 50) })
	},
	cnn: {
		name: 'CNN 16-32 filters, 28x28, batch 64',
		model: { kind: 'cnn', height: 28, width: 28, classes: 10, filters: 16, blocks: 2 },
		xShape: [64, 784],
		labelsPerBatch: 64,
		batch: (seed) => ({ x: normals(64 * 784, seed), y: labels(64, 10, seed + 50) })
	},
	transformer: {
		name: 'char transformer d64, 2 layers, ctx 64, batch 16',
		model: { kind: 'transformer', vocab: 83, contextLength: 64, dModel: 64, nHead: 4, nLayer: 2 },
		xShape: [16, 64],
		labelsPerBatch: 16 * 64,
		batch: (seed) => ({ x: labels(16 * 64, 83, seed), y: labels(16 * 64, 83, seed + 50) })
	}
};

const options = (w: StepWorkload, k: number): TrainerOptions => ({
	model: w.model,
	optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-3 * (k + 1) },
	dropoutSeed: k
});

const toDevice = (x: HostX, shape: number[]) =>
	(x instanceof Int32Array ? np.array(x, { dtype: np.int32 }) : np.array(x)).reshape(shape);

/** Host batches, one list per trial. */
const hostBatches = (w: StepWorkload, K: number) =>
	Array.from({ length: K }, (_, k) => Array.from({ length: 4 }, (_, i) => w.batch(100 * k + i)));

async function solo(w: StepWorkload, K: number, batches: ReturnType<typeof hostBatches>): Promise<number> {
	const trainers = Array.from({ length: K }, (_, k) => new JaxTrainer(options(w, k), { seed: k }));
	const step = (t: JaxTrainer, b: { x: HostX; y: Int32Array<ArrayBuffer> }, rate: number) =>
		t.trainStep(toDevice(b.x, w.xShape), np.array(b.y, { dtype: np.int32 }), rate);
	// Compile outside the timing (each solo trial compiles once too).
	for (const t of trainers) await JaxTrainer.readStats([step(t, batches[0]![0]!, 1e-3)]);
	const start = performance.now();
	for (const [k, t] of trainers.entries()) {
		for (let s = 0; s < STEPS; s++) step(t, batches[k]![s % 4]!, 1e-3 * (k + 1)).dataSync();
	}
	const seconds = (performance.now() - start) / 1000;
	for (const t of trainers) t.dispose();
	return (K * STEPS) / seconds;
}

/** The batch's x [K, …one trial's shape] and y [K, labels] for step s, gathered on the host as the loop does. */
function batchedInputs(w: StepWorkload, batches: ReturnType<typeof hostBatches>, s: number) {
	const K = batches.length;
	const size = w.xShape.reduce((a, b) => a * b, 1);
	const first = batches[0]![0]!.x;
	const x = first instanceof Int32Array ? new Int32Array(K * size) : new Float32Array(K * size);
	const y = new Int32Array(K * w.labelsPerBatch);
	batches.forEach((list, k) => {
		x.set(list[s % 4]!.x, k * size);
		y.set(list[s % 4]!.y, k * w.labelsPerBatch);
	});
	return {
		x: toDevice(x, [K, ...w.xShape]),
		y: np.array(y, { dtype: np.int32 }).reshape([K, w.labelsPerBatch])
	};
}

async function batched(
	w: StepWorkload,
	K: number,
	batches: ReturnType<typeof hostBatches>,
	products?: TrialProducts
): Promise<number> {
	const trainer = new BatchedJaxTrainer(
		Array.from({ length: K }, (_, k) => ({ options: options(w, k), initial: { seed: k } })),
		products
	);
	const rates = Array.from({ length: K }, (_, k) => 1e-3 * (k + 1));
	{
		const { x, y } = batchedInputs(w, batches, 0);
		await BatchedJaxTrainer.readStats([trainer.trainStep(x, y, rates)]);
	}
	const start = performance.now();
	for (let s = 0; s < STEPS; s++) {
		const { x, y } = batchedInputs(w, batches, s);
		trainer.trainStep(x, y, rates).dataSync();
	}
	const seconds = (performance.now() - start) / 1000;
	trainer.dispose();
	return (K * STEPS) / seconds;
}

await initJax();
const rows: BenchRow[] = [];
for (const model of STEP_LEVEL ? MODELS : []) {
	const w = WORKLOADS[model];
	if (!w) throw new Error(`JAX_BATCH_MODELS: no workload ${model} (mlp, cnn, transformer)`);
	for (const K of KS) {
		const batches = hostBatches(w, K);
		const soloRuns: number[] = [];
		const batchRuns: number[][] = PRODUCTS.map(() => []);
		for (let r = 0; r < RUNS; r++) {
			soloRuns.push(await solo(w, K, batches));
			for (const [i, form] of PRODUCTS.entries()) batchRuns[i]!.push(await batched(w, K, batches, form));
		}
		const modes: [string, number[]][] = [
			['solo trials one after another', soloRuns],
			...PRODUCTS.map((form, i): [string, number[]] => [
				form ? `one batched step, ${form} products` : 'one batched step',
				batchRuns[i]!
			])
		];
		for (const [mode, runs] of modes) {
			const row = stats(
				`jax-js wasm ${w.name}, K=${K}, ${mode}`,
				'trial-steps/s',
				runs,
				`${STEPS} steps per trial per run, Adam + weight decay`
			);
			rows.push(row);
			console.log(JSON.stringify(row));
		}
	}
}
if (!MODELS.includes('mlp')) process.exit(0);

// The same comparison through the trial loop on the bundled digits data, shaped as the default digits
// study (MLP 64-128-10, batch 64, Adam, cosine, weight decay, 300 steps, an evaluation every 25 steps
// and a checkpoint every 50): K whole trials one after another against the same K as one batch. This
// is the study-level figure: evaluations, checkpoints and each trial's own host work are included.
const LOOP_STEPS = Number(process.env.JAX_BATCH_LOOP_STEPS ?? 300);
const digits = await loadDataset('digits', async (path) => new Uint8Array(readFileSync(`static/${path}`)));
const engine = createJaxEngine();
await engine.selectBackend('wasm');
const studyTrial = (k: number): TrialConfig => ({
	...DEFAULT_TRIAL_CONFIG,
	backend: 'wasm',
	dataset: 'digits',
	hiddenWidth: 128,
	depth: 1,
	batchSize: 64,
	optimizer: 'adam',
	schedule: 'cosine',
	learningRate: 1e-3 * (k + 1),
	weightDecay: 1e-3 * (k + 1),
	maxTrainSteps: LOOP_STEPS,
	evalEvery: 25,
	seed: k + 1
});
const hooks: TrialLoopHooks = { onMetrics: () => {}, shouldStop: () => false, onCheckpoint: () => {} };
async function loops(K: number, batchedMode: boolean): Promise<number> {
	const configs = Array.from({ length: K }, (_, k) => studyTrial(k));
	const start = performance.now();
	if (batchedMode) {
		const trainers = createBatchedJaxTrainers(
			configs.map((config) => ({ config })),
			digits
		);
		await Promise.all(
			trainers.map((t, k) =>
				runTrialLoop({ createTrainer: () => t }, configs[k]!, digits, hooks, { every: 50 })
			)
		);
	} else {
		for (const c of configs) await runTrialLoop(engine, c, digits, hooks, { every: 50 });
	}
	return (K * LOOP_STEPS) / ((performance.now() - start) / 1000);
}
for (const K of KS.filter((k) => k > 1)) {
	const soloRuns: number[] = [];
	const batchRuns: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		soloRuns.push(await loops(K, false));
		batchRuns.push(await loops(K, true));
	}
	// Paired run by run, so the ratio sees both modes under the same load.
	const ratio = stats(
		`jax-js wasm digits study trials, K=${K}: batched ÷ one after another`,
		'×',
		batchRuns.map((b, r) => b / soloRuns[r]!),
		'paired runs of the two rows above',
		'≥ 2 (issue 19: batched study throughput on the digits MLP study)'
	);
	rows.push(ratio);
	console.log(JSON.stringify(ratio));
	for (const [mode, runs] of [
		['whole trials one after another', soloRuns],
		['whole trials as one batch', batchRuns]
	] as const) {
		const row = stats(
			`jax-js wasm digits study trials (runTrialLoop), K=${K}, ${mode}`,
			'trial-steps/s',
			runs,
			`${LOOP_STEPS} steps per trial, eval every 25, checkpoint every 50`
		);
		rows.push(row);
		console.log(JSON.stringify(row));
	}
}

// Why batching gains what it gains (the profile behind the rows above): the hidden layer's product of
// 8 trials, [64, 64] · [64, 128] each, as 8 solo products, as one batched product [8, 64, 64] ·
// [8, 64, 128], and the same arithmetic as one plain product [512, 64] · [64, 128] (which batching
// cannot use: each trial has its own weights). Billions of multiply-adds per second, each product read
// back as it is computed (dataSync), as in the steps above.
const product = jit((a: np.Array, b: np.Array) => np.matmul(a, b));
// vmap of the solo product over the trial axis: what vectorising the solo step with vmap would run.
const vmapped = jit(vmap((a: np.Array, b: np.Array) => np.matmul(a, b), [0, 0]));
const PRODUCT_K = 8;
const productCases: [string, number[], number[], number, typeof product][] = [
	['8 solo products [64,64]·[64,128]', [64, 64], [64, 128], PRODUCT_K, product],
	['one batched product [8,64,64]·[8,64,128]', [PRODUCT_K, 64, 64], [PRODUCT_K, 64, 128], 1, product],
	['vmap of the solo product over 8 trials', [PRODUCT_K, 64, 64], [PRODUCT_K, 64, 128], 1, vmapped],
	['one plain product [512,64]·[64,128]', [PRODUCT_K * 64, 64], [64, 128], 1, product]
];
for (const [name, aShape, bShape, reps, f] of productCases) {
	const a = np
		.array(
			normals(
				aShape.reduce((p, q) => p * q, 1),
				1
			)
		)
		.reshape(aShape);
	const b = np
		.array(
			normals(
				bShape.reduce((p, q) => p * q, 1),
				2
			)
		)
		.reshape(bShape);
	const once = () => {
		for (let r = 0; r < reps; r++) f(a.ref, b.ref).dataSync();
	};
	once();
	const speeds: number[] = [];
	for (let run = 0; run < 5; run++) {
		const start = performance.now();
		for (let i = 0; i < 40; i++) once();
		const seconds = (performance.now() - start) / 1000 / 40;
		speeds.push((PRODUCT_K * 64 * 64 * 128) / seconds / 1e9);
	}
	a.dispose();
	b.dispose();
	const row = stats(`jax-js wasm product: ${name}`, 'GMAC/s', speeds, '40 repetitions per run');
	rows.push(row);
	console.log(JSON.stringify(row));
}
