// Run with: npx tsx bench/peer.bench.ts   (issue 11, item 5; issue 19, item 5)
// One table, one run: the lab's four workloads (issue 19's table: MLP 784-128-10 batch 128, CNN 16-32
// filters 28x28 batch 64, char transformer d64 2 layers ctx 64 batch 16, char transformer d128 4 layers
// ctx 128 batch 32, all Adam) trained by each of the lab's engines on wasm (one thread, the same wasm
// binaries the browser worker loads) against PyTorch on the same CPU, one thread, interleaved run by run
// (TF.js, compiled engine, PyTorch, then again) so a burst of load hits every engine of a run alike and
// the ratios are of paired runs. Then where the time goes (kernels for TF.js, phases of the compiled step)
// for the workloads whose targets are missed. Prints JSON result lines (scripts/bench.mjs).
//
// - "TF.js lab loop" and "compiled engine": the engine's Trainer (src/lib/training/engine.ts) driven as
//   runTrialLoop drives it: the lab's model, optimizer and grad-norm diagnostics, the batch order,
//   the dataset resident on the device, scalars read back every READBACK_EVERY steps (the compiled
//   engine reads each step's three scalars as it runs on wasm, as in the trial worker); evaluations
//   are left out, as the lab's steps/s leaves them out.
// - "plain tfjs loop": the textbook loop (tf.train.adam, tf.matMul, tf.losses), as most tfjs code is
//   written; its backward pass multiplies with transposed operands, tfjs-wasm's slow path.
// The PyTorch numbers come from bench/peer/torch_steps.py run with Debian's /usr/bin/python3.
// PEER_BENCH_ONLY=mlp,cnn,tf64,tf128 measures a subset of the workloads; PEER_BENCH_RUNS the runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { defaultDevice, jit, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import type { TrainingData } from '../src/lib/datasets/classification-data';
import { BatchOrder } from '../src/lib/math/batch-order';
import { streamSeed } from '../src/lib/math/random';
import type { Engine } from '../src/lib/training/engine';
import { READBACK_EVERY } from '../src/lib/training/trial-loop';
import { createTfjsEngine } from '../src/lib/training/tfjs/engine';
import { createJaxEngine, trainerOptionsOf } from '../src/lib/training/jax/engine';
import { jaxModel } from '../src/lib/training/jax/models';
import { meanCrossEntropy } from '../src/lib/training/jax/losses';
import { initialValues, toArrays } from '../src/lib/training/jax/params';
import { toJaxDevice } from '../src/lib/training/jax/device-data';
import { initJax } from '../src/lib/testing/jax-fixtures';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../src/lib/study/trial-config';
import { median, stats, type BenchRow } from './bench-stats';

const tfjs = createTfjsEngine();
const jax = createJaxEngine();
const RUNS = Number(process.env.PEER_BENCH_RUNS ?? 5);
const ONLY = (process.env.PEER_BENCH_ONLY ?? 'mlp,cnn,tf64,tf128').split(',');
const ROWS = 4096;
const VOCAB = 83;
const PYTHON = '/usr/bin/python3';

function syntheticImages(rows: number, seed: number): { inputs: Float32Array; labels: Int32Array } {
	let s = seed;
	const next = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
	const inputs = new Float32Array(rows * 784).map(() => next());
	const labels = Int32Array.from({ length: rows }, () => Math.floor(next() * 10));
	return { inputs, labels };
}

function syntheticText(tokens: number, seed: number): Int32Array {
	let s = seed;
	return Int32Array.from({ length: tokens }, () => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 8) % VOCAB);
}

const train = syntheticImages(ROWS, 1);
const val = syntheticImages(8, 2);
const IMAGES: TrainingData = {
	kind: 'classification',
	image: { height: 28, width: 28 },
	features: 784,
	classes: 10,
	train: { ...train, count: ROWS },
	val: { ...val, count: 8 }
};
/** 20,000 training tokens over an 83-character vocabulary (Moby-Dick's size); 300 validation tokens. */
const TEXT: TrainingData = {
	kind: 'text',
	vocab: Array.from({ length: VOCAB }, (_, i) => String.fromCodePoint(32 + i)),
	train: syntheticText(20_000, 3),
	val: syntheticText(300, 4)
};

const BASE: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, learningRate: 1e-3, backend: 'wasm' };

interface Workload {
	key: string;
	/** As the issue's table names it. */
	label: string;
	config: TrialConfig;
	data: TrainingData;
	/** Untimed steps first (the compiled engine traces and compiles in its first). */
	warmup: number;
	/** Timed steps per run, per engine (a slow engine runs fewer, so a run stays within a minute). */
	steps: { tfjs: number; jax: number; torch: number };
	runs: number;
	/** The targets of issue 19: compiled ÷ TF.js, compiled ÷ PyTorch. */
	targetOverTfjs?: number;
	targetOverTorch: number;
}

const transformer = (d: number, layers: number, T: number, batch: number): TrialConfig => ({
	...BASE,
	dataset: 'moby-dick',
	model: 'transformer',
	dModel: d,
	nLayer: layers,
	nHead: 4,
	contextLength: T,
	batchSize: batch
});

const ALL_WORKLOADS: Workload[] = [
	{
		key: 'mlp',
		label: 'MLP 784-128-10, batch 128',
		config: { ...BASE, dataset: 'fashion-mnist', model: 'mlp', hiddenWidth: 128, depth: 1, batchSize: 128 },
		data: IMAGES,
		warmup: 20,
		steps: { tfjs: 200, jax: 200, torch: 200 },
		runs: RUNS,
		targetOverTorch: 0.3
	},
	{
		key: 'cnn',
		label: 'CNN 16-32 filters, 28x28, batch 64',
		config: { ...BASE, dataset: 'fashion-mnist', model: 'cnn', batchSize: 64, cnnWidth: 16, cnnDepth: 2 },
		data: IMAGES,
		warmup: 3,
		steps: { tfjs: 20, jax: 60, torch: 100 },
		runs: Math.min(RUNS, 3),
		targetOverTfjs: 4,
		targetOverTorch: 0.3
	},
	{
		key: 'tf64',
		label: 'char transformer d64, 2 layers, ctx 64, batch 16',
		config: transformer(64, 2, 64, 16),
		data: TEXT,
		warmup: 3,
		steps: { tfjs: 20, jax: 60, torch: 100 },
		runs: Math.min(RUNS, 3),
		targetOverTfjs: 4,
		targetOverTorch: 0.3
	},
	{
		key: 'tf128',
		label: 'char transformer d128, 4 layers, ctx 128, batch 32',
		config: transformer(128, 4, 128, 32),
		data: TEXT,
		warmup: 1,
		steps: { tfjs: 3, jax: 6, torch: 10 },
		runs: Math.min(RUNS, 3),
		targetOverTfjs: 4,
		targetOverTorch: 0.3
	}
];
const WORKLOADS = ALL_WORKLOADS.filter((w) => ONLY.includes(w.key));

/**
 * Steps/s of `engine`'s trainer for `w` over `steps` steps after `w.warmup` untimed ones, driven as
 * runTrialLoop drives it (a step per batch of the seeded order, a readback every READBACK_EVERY steps
 * and at the end), timed from the readback after the warm-up to the last readback.
 */
async function engineStepsPerSecond(engine: Engine, w: Workload, steps: number): Promise<number> {
	const trainer = engine.createTrainer(w.config, w.data);
	try {
		const order = new BatchOrder(trainer.trainCount, streamSeed(w.config.seed, 'data-order'));
		let step = 0;
		const run = async (count: number) => {
			for (let i = 0; i < count; i++) {
				trainer.step(step++, 1e-3, order.nextBatch(w.config.batchSize));
				if (i % READBACK_EVERY === READBACK_EVERY - 1 || i === count - 1) await trainer.readback();
			}
		};
		await run(w.warmup);
		const started = performance.now();
		await run(steps);
		return steps / ((performance.now() - started) / 1000);
	} finally {
		trainer.dispose();
	}
}

/** The textbook tfjs loop for the same MLP: tf.train.adam, tf.matMul (transposed products backward). */
async function plainStepsPerSecond(steps: number): Promise<number> {
	const x = tf.tensor2d(train.inputs, [ROWS, 784]);
	const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
	const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05));
	const b1 = tf.variable(tf.zeros([128]));
	const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.09));
	const b2 = tf.variable(tf.zeros([10]));
	const optimizer = tf.train.adam(1e-3);
	const step = (i: number) =>
		tf.tidy(() => {
			const index = tf.tensor1d(
				Int32Array.from({ length: 128 }, (_, k) => (i * 128 + k) % ROWS),
				'int32'
			);
			const xb = tf.gather(x, index) as tf.Tensor2D;
			const yb = tf.gather(y, index);
			return optimizer.minimize(
				() => {
					const h = tf.relu(tf.add(tf.matMul(xb, w1), b1)) as tf.Tensor2D;
					return tf.losses.softmaxCrossEntropy(yb, tf.add(tf.matMul(h, w2), b2)) as tf.Scalar;
				},
				true,
				[w1, b1, w2, b2]
			)!;
		});
	for (let i = 0; i < 20; i++) step(i).dispose();
	const started = performance.now();
	for (let i = 0; i < steps; i++) {
		const loss = step(i);
		if (i % 20 === 19) await loss.data();
		loss.dispose();
	}
	const seconds = (performance.now() - started) / 1000;
	optimizer.dispose();
	tf.dispose([x, y, w1, b1, w2, b2]);
	return steps / seconds;
}

interface KernelRow {
	kernel: string;
	msPerStep: number;
	callsPerStep: number;
}

/**

interface KernelRow {
	kernel: string;
	msPerStep: number;
	callsPerStep: number;
}

/**
 * Kernel time per step of the TF.js trainer over `steps` steps (after the warm-up), from tf.profile,
 * and the wall time per step of that same profiled run (so the two are measured under the same load).
 */
async function kernelProfile(w: Workload, steps: number): Promise<{ kernels: KernelRow[]; wallMs: number }> {
	const started = performance.now();
	const info = await tf.profile(() => engineStepsPerSecond(tfjs, w, steps).then(() => tf.scalar(0)));
	// The profile spans the warm-up steps too: per step means over all of them.
	const all = steps + w.warmup;
	const wallMs = (performance.now() - started) / all;
	const totals = new Map<string, { ms: number; calls: number }>();
	for (const k of info.kernels) {
		// Wrappers (a customGrad's "forward", composite ops like logSoftmax) time the kernels inside
		// them again; only kernels the backend registers are real work.
		if (tf.getKernel(k.name, tf.getBackend()) === undefined) continue;
		const entry = totals.get(k.name) ?? { ms: 0, calls: 0 };
		entry.ms += Number(await k.kernelTimeMs);
		entry.calls += 1;
		totals.set(k.name, entry);
	}
	const kernels = [...totals.entries()]
		.map(([kernel, { ms, calls }]) => ({ kernel, msPerStep: ms / all, callsPerStep: calls / all }))
		.sort((a, b) => b.msPerStep - a.msPerStep);
	return { kernels, wallMs };
}

/**
 * Where the compiled step's time goes, by phase: the same model's forward pass and loss alone, and
 * forward + gradients (valueAndGrad), each compiled on its own with jit and timed per call on a fixed
 * batch, median of `calls`; what the full step adds beyond them is the optimizer update (Adam over
 * every parameter) and the step's own bookkeeping.
 */
async function jaxPhases(
	w: Workload,
	calls: number
): Promise<{ forward: number; grad: number; step: number }> {
	const options = trainerOptionsOf(w.config, w.data);
	const model = jaxModel(options.model);
	const params = toArrays(model.params, initialValues(model.params, 1));
	const device = toJaxDevice(w.data, w.config.contextLength ?? 64);
	const order = new BatchOrder(device.trainCount, 1);
	const batch = device.batch(order.nextBatch(w.config.batchSize));
	const loss = (p: np.Array[], x: np.Array, y: np.Array) =>
		meanCrossEntropy(model.forward(p, x, null), y.reshape([-1]), model.classes, null);
	const forward = jit(loss);
	const grad = jit((p: np.Array[], x: np.Array, y: np.Array) => {
		const [value, grads] = valueAndGrad(loss)(p, x, y);
		return [value, ...grads];
	});
	const time = async (f: () => np.Array[]) => {
		const times: number[] = [];
		for (let i = 0; i < calls + 1; i++) {
			const started = performance.now();
			const out = f();
			for (const a of out) await a.blockUntilReady();
			times.push(performance.now() - started);
			for (const a of out) a.dispose();
		}
		return median(times.slice(1)); // the first call traces and compiles
	};
	try {
		return {
			forward: await time(() => [forward(tree.ref(params), batch.x.ref, batch.y.ref)]),
			grad: await time(() => grad(tree.ref(params), batch.x.ref, batch.y.ref)),
			// The whole step as the trainer runs it, timed now too, so the three share the machine's load.
			step: 1000 / (await engineStepsPerSecond(jax, w, calls))
		};
	} finally {
		forward.dispose();
		grad.dispose();
		batch.x.dispose();
		batch.y.dispose();
		for (const p of params) p.dispose();
		device.dispose();
	}
}

/** One PyTorch measurement (steps/s), or null with the reason printed when PyTorch is unavailable. */
function torchStepsPerSecond(w: Workload): number | null {
	const script = new URL('./peer/torch_steps.py', import.meta.url).pathname;
	if (!existsSync(PYTHON)) {
		console.error(`peer: ${PYTHON} not found; skipping the PyTorch peer`);
		return null;
	}
	const run = spawnSync(PYTHON, [script, '1', String(w.steps.torch), w.key, String(w.warmup)], {
		encoding: 'utf8'
	});
	if (run.status !== 0) {
		console.error(`peer: PyTorch peer skipped (${run.stderr.trim().split('\n').pop()})`);
		return null;
	}
	const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
	torchNote = line ? ((JSON.parse(line) as BenchRow).note ?? '') : '';
	return line ? (JSON.parse(line) as BenchRow).median : null;
}
let torchNote = '';

/** Ratios of paired runs (a[i] ÷ b[i]), so a burst of load on the machine hits both sides of a pair. */
function pairedRatio(name: string, a: number[], b: number[], target?: number): BenchRow {
	const row = stats(
		name,
		'×',
		a.map((x, i) => x / b[i]!),
		'median of paired runs',
		target === undefined ? undefined : `≥ ${target}×`
	);
	if (target !== undefined) row.note += row.median >= target ? '; target met' : '; target MISSED';
	return row;
}

const oneRow = (name: string, unit: string, value: number, note: string): BenchRow => ({
	name,
	unit,
	median: value,
	min: value,
	max: value,
	runs: 1,
	note
});

function kernelRows(
	label: string,
	{ kernels, wallMs }: { kernels: KernelRow[]; wallMs: number }
): BenchRow[] {
	const kernelMs = kernels.reduce((t, k) => t + k.msPerStep, 0);
	const calls = kernels.reduce((t, k) => t + k.callsPerStep, 0);
	return [
		...kernels
			.slice(0, 8)
			.map((k) =>
				oneRow(
					`profile ${label}: kernel ${k.kernel}`,
					'ms/step',
					k.msPerStep,
					`${k.callsPerStep.toFixed(0)} calls per step; ${((100 * k.msPerStep) / wallMs).toFixed(0)}% of a step`
				)
			),
		oneRow(
			`profile ${label}: all kernels`,
			'ms/step',
			kernelMs,
			`${calls.toFixed(0)} kernel calls per step; wall time per step ${wallMs.toFixed(2)} ms in the profiled run, so ${(wallMs - kernelMs).toFixed(2)} ms is JavaScript overhead outside kernels`
		)
	];
}

async function main() {
	await tf.setBackend('wasm');
	await tf.ready();
	await initJax();
	defaultDevice('wasm');
	const wasm = 'wasm (SIMD, 1 thread) in Node';
	const rows: BenchRow[] = [];
	const missed: Workload[] = [];
	for (const w of WORKLOADS) {
		const speeds = { tfjs: [] as number[], jax: [] as number[], torch: [] as number[] };
		const plain: number[] = [];
		for (let r = 0; r < w.runs; r++) {
			// Interleaved: TF.js, compiled, PyTorch (and, for the MLP, the plain tfjs loop), then again.
			if (w.key === 'mlp') plain.push(await plainStepsPerSecond(w.steps.tfjs));
			speeds.tfjs.push(await engineStepsPerSecond(tfjs, w, w.steps.tfjs));
			speeds.jax.push(await engineStepsPerSecond(jax, w, w.steps.jax));
			const t = torchStepsPerSecond(w);
			if (t !== null) speeds.torch.push(t);
		}
		const steps = (n: number) => `${n} timed steps per run after ${w.warmup} untimed`;
		if (w.key === 'mlp')
			rows.push(stats(`tfjs: ${w.label}, Adam, plain tfjs loop`, 'steps/s', plain, `tfjs 4.22 ${wasm}`));
		rows.push(
			stats(
				`tfjs: ${w.label}, Adam, TF.js lab loop`,
				'steps/s',
				speeds.tfjs,
				`tfjs 4.22 ${wasm}; ${steps(w.steps.tfjs)}`
			),
			stats(
				`jax: ${w.label}, Adam, compiled engine`,
				'steps/s',
				speeds.jax,
				`@jax-js/jax 0.1.25 ${wasm}, whole step under jit; ${steps(w.steps.jax)}`
			),
			pairedRatio(`ratio: compiled ÷ TF.js, ${w.label}`, speeds.jax, speeds.tfjs, w.targetOverTfjs)
		);
		if (speeds.torch.length === w.runs) {
			rows.push(
				stats(`torch: ${w.label}, Adam`, 'steps/s', speeds.torch, `${torchNote}; ${steps(w.steps.torch)}`),
				pairedRatio(`ratio: TF.js lab loop ÷ PyTorch, ${w.label}`, speeds.tfjs, speeds.torch),
				pairedRatio(`ratio: compiled ÷ PyTorch, ${w.label}`, speeds.jax, speeds.torch, w.targetOverTorch)
			);
			if (w.key === 'mlp')
				rows.push(pairedRatio(`ratio: plain tfjs loop ÷ PyTorch, ${w.label}`, plain, speeds.torch));
		}
		const overTfjs = median(speeds.jax.map((x, i) => x / speeds.tfjs[i]!));
		const overTorch =
			speeds.torch.length === w.runs ? median(speeds.jax.map((x, i) => x / speeds.torch[i]!)) : Infinity;
		if ((w.targetOverTfjs !== undefined && overTfjs < w.targetOverTfjs) || overTorch < w.targetOverTorch) {
			missed.push(w);
		}
		for (const row of rows.splice(0)) console.log(JSON.stringify(row));
	}
	// Where the time goes: TF.js kernels for the MLP (the row set earlier benchmarks kept), and for
	// every workload whose target is missed, TF.js kernels and the compiled step's phases.
	for (const w of WORKLOADS) {
		const miss = missed.includes(w);
		if (w.key !== 'mlp' && !miss) continue;
		const short = w.key === 'mlp' ? 'MLP' : w.key === 'cnn' ? 'CNN' : `transformer ${w.key.slice(2)}`;
		rows.push(
			...kernelRows(`${short} TF.js`, await kernelProfile(w, Math.max(2, Math.round(w.steps.tfjs / 2))))
		);
		if (!miss) continue;
		const phases = await jaxPhases(w, w.key === 'tf128' ? 3 : 10);
		const stepMs = phases.step;
		const share = (ms: number) =>
			`${((100 * ms) / stepMs).toFixed(0)}% of a full step (${stepMs.toFixed(1)} ms, timed beside them)`;
		rows.push(
			oneRow(`profile ${short} compiled: forward + loss`, 'ms/step', phases.forward, share(phases.forward)),
			oneRow(`profile ${short} compiled: forward + gradients`, 'ms/step', phases.grad, share(phases.grad)),
			oneRow(
				`profile ${short} compiled: optimizer and the rest of the step`,
				'ms/step',
				Math.max(0, stepMs - phases.grad),
				`full step minus forward + gradients; ${share(Math.max(0, stepMs - phases.grad))}`
			)
		);
	}
	for (const row of rows) console.log(JSON.stringify(row));
}

await main();
