// Steps per second of the compiled engine (@jax-js/jax on wasm, one thread, the whole step under jit)
// on the four workloads of issue 19's table, Adam, the batches already on the device (the step alone;
// PyTorch's peer gathers from a resident tensor too). The CNN is measured in both formulations of its
// convolution (im2col with slices + matmul, and jax-js's lax.convGeneralDilated), so the faster one
// can be kept. Two ways of driving the step are compared on the MLP: awaiting every step, or letting
// steps run ahead to a readback every 20. Prints one JSON result line per measurement.
// Run: npx tsx bench/jax-steps.bench.ts   (JAX_BENCH_RUNS, default 3)
import { performance } from 'node:perf_hooks';
import { numpy as np } from '@jax-js/jax';
import { stats, type BenchRow } from './bench-stats';
import type { ModelSpec } from '../src/lib/training/jax/models';
import { deviceBatch, initJax, labels, normals } from '../src/lib/testing/jax-fixtures';
import { JaxTrainer } from '../src/lib/training/jax/trainer';

const RUNS = Number(process.env.JAX_BENCH_RUNS ?? 3);
const READBACK_EVERY = 20;
const BATCHES = 4;

interface Workload {
	name: string;
	model: ModelSpec;
	batch: number;
	steps: number;
	/** Host inputs of one batch: [rows, ...] floats or int32 tokens. */
	input: (seed: number) => {
		x: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
		shape: number[];
		y: Int32Array<ArrayBuffer>;
	};
}

const image = (batch: number, features: number, classes: number) => (seed: number) => ({
	x: normals(batch * features, seed),
	shape: [batch, features],
	y: labels(batch, classes, seed + 1)
});
const text = (batch: number, T: number, vocab: number) => (seed: number) => ({
	x: labels(batch * T, vocab, seed),
	shape: [batch, T],
	y: labels(batch * T, vocab, seed + 1)
});
const transformer = (d: number, L: number, T: number) =>
	({ kind: 'transformer', vocab: 83, contextLength: T, dModel: d, nHead: 4, nLayer: L }) as const;
const cnn = (conv: 'im2col' | 'lax') =>
	({ kind: 'cnn', conv, height: 28, width: 28, classes: 10, filters: 16, blocks: 2 }) as const;

const WORKLOADS: Workload[] = [
	{
		name: 'MLP 784-128-10 b128',
		model: { kind: 'mlp', inputSize: 784, hiddenWidth: 128, depth: 1, classes: 10 },
		batch: 128,
		steps: 200,
		input: image(128, 784, 10)
	},
	{
		name: 'CNN 16-32 28x28 b64 (im2col)',
		model: cnn('im2col'),
		batch: 64,
		steps: 20,
		input: image(64, 784, 10)
	},
	{
		name: 'CNN 16-32 28x28 b64 (lax.convGeneralDilated)',
		model: cnn('lax'),
		batch: 64,
		steps: 4,
		input: image(64, 784, 10)
	},
	{
		name: 'transformer d64 L2 ctx64 b16',
		model: transformer(64, 2, 64),
		batch: 16,
		steps: 20,
		input: text(16, 64, 83)
	},
	{
		name: 'transformer d128 L4 ctx128 b32',
		model: transformer(128, 4, 128),
		batch: 32,
		steps: 4,
		input: text(32, 128, 83)
	}
];

const ADAM = { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 } as const;

/** Times `steps` steps; `awaitEach` waits for each step's stats before the next, else only at readbacks. */
async function timeSteps(
	trainer: JaxTrainer,
	batches: { x: np.Array; y: np.Array }[],
	steps: number,
	awaitEach: boolean
) {
	const pending: np.Array[] = [];
	const start = performance.now();
	for (let s = 0; s < steps; s++) {
		const { x, y } = batches[s % batches.length]!;
		const out = trainer.trainStep(x.ref, y.ref, 1e-3);
		if (awaitEach) await out.blockUntilReady();
		pending.push(out);
		if (pending.length === READBACK_EVERY || s === steps - 1) await JaxTrainer.readStats(pending.splice(0));
	}
	return steps / ((performance.now() - start) / 1000);
}

await initJax();
const rows: BenchRow[] = [];
for (const w of WORKLOADS) {
	try {
		await measure(w);
	} catch (error) {
		console.error(`jax-steps: ${w.name} failed: ${String(error)}`);
	}
}

async function measure(w: Workload): Promise<void> {
	const trainer = new JaxTrainer({ model: w.model, optimizer: ADAM, dropoutSeed: 0 }, { seed: 1 });
	const batches = Array.from({ length: BATCHES }, (_, i) => {
		const { x, shape, y } = w.input(10 * i + 1);
		return deviceBatch(x, shape, y);
	});
	const compileStart = performance.now();
	await JaxTrainer.readStats([trainer.trainStep(batches[0]!.x.ref, batches[0]!.y.ref, 1e-3)]);
	const compileMs = performance.now() - compileStart;
	const modes = w.name.startsWith('MLP') ? [true, false] : [true];
	const speeds = new Map<boolean, number[]>(modes.map((m) => [m, []]));
	for (let r = 0; r < RUNS; r++) {
		// Interleaved run by run, so both modes see the same machine load.
		for (const mode of modes) speeds.get(mode)!.push(await timeSteps(trainer, batches, w.steps, mode));
	}
	for (const mode of modes) {
		const how = modes.length > 1 ? (mode ? ', await every step' : ', run ahead to readbacks') : '';
		const row = stats(
			`jax-js wasm ${w.name}${how}`,
			'steps/s',
			speeds.get(mode)!,
			`${w.steps} steps per run, Adam, jit`
		);
		rows.push(row);
		console.log(JSON.stringify(row));
	}
	const compile = stats(`jax-js wasm ${w.name}: first step (trace + compile)`, 'ms', [compileMs]);
	rows.push(compile);
	console.log(JSON.stringify(compile));
	for (const b of batches) {
		b.x.dispose();
		b.y.dispose();
	}
	trainer.dispose();
}
