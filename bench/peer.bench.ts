// Run with: npx tsx bench/peer.bench.ts   (issue 11, item 5)
// The lab's MLP and CNN training steps on tfjs-wasm (the fastest backend on this CPU-only machine, the
// same wasm binary the browser worker loads) against PyTorch on the same CPU, one thread each; then
// where a tfjs step's time goes, per kernel. Prints JSON result lines (scripts/bench.mjs).
//
// Measured side by side in one process so machine load affects every variant alike:
// - "plain tfjs loop": the textbook loop (tf.train.adam, tf.matMul, tf.losses), as most tfjs code is
//   written; its backward pass multiplies with transposed operands, tfjs-wasm's slow path.
// - "lab trial loop": runTrialLoop itself (src/lib/training/trial-loop.ts) on the tfjs engine with the lab's model,
//   optimizer and grad-norm diagnostics, readbacks every 20 steps, dataset resident on the device.
// The PyTorch numbers come from bench/peer/torch_steps.py run with Debian's /usr/bin/python3.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { TrainingData } from '../src/lib/datasets/classification-data';
import { runTrialLoop } from '../src/lib/training/trial-loop';
import { createTfjsEngine } from '../src/lib/training/tfjs/engine';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../src/lib/study/trial-config';
import { median, stats, type BenchRow } from './bench-stats';

const tfjs = createTfjsEngine();
const RUNS = Number(process.env.PEER_BENCH_RUNS ?? 5);
const STEPS = Number(process.env.PEER_BENCH_STEPS ?? 200);
const ROWS = 4096;
const PYTHON = '/usr/bin/python3';

function syntheticImages(rows: number, seed: number): { inputs: Float32Array; labels: Int32Array } {
	let s = seed;
	const next = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
	const inputs = new Float32Array(rows * 784).map(() => next());
	const labels = Int32Array.from({ length: rows }, () => Math.floor(next() * 10));
	return { inputs, labels };
}

const train = syntheticImages(ROWS, 1);
const val = syntheticImages(256, 2);
const val8 = { inputs: val.inputs.slice(0, 8 * 784), labels: val.labels.slice(0, 8) };
const DATA: Extract<TrainingData, { kind: 'classification' }> = {
	kind: 'classification',
	image: { height: 28, width: 28 },
	features: 784,
	classes: 10,
	train: { ...train, count: ROWS },
	val: { ...val, count: 256 }
};

const MLP: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'fashion-mnist',
	model: 'mlp',
	hiddenWidth: 128,
	depth: 1,
	batchSize: 128,
	learningRate: 1e-3,
	backend: 'wasm'
};
const CNN: TrialConfig = { ...MLP, model: 'cnn', batchSize: 64, cnnWidth: 16, cnnDepth: 2 };

/**
 * Steps/s of runTrialLoop over `steps` steps after a 20-step warm-up, timed between the readbacks at
 * step 20 and at the end. Validation is 8 rows, so the final evaluation adds well under a step.
 */
async function labStepsPerSecond(config: TrialConfig, steps: number): Promise<number> {
	const marks = new Map<number, number>();
	const total = steps + 20;
	const data: TrainingData = { ...DATA, val: { ...val8, count: 8 } };
	await runTrialLoop(tfjs, { ...config, maxTrainSteps: total, evalEvery: total }, data, {
		onMetrics: (_batch, progress) => void marks.set(progress.step, performance.now()),
		shouldStop: () => false
	});
	return steps / ((marks.get(total)! - marks.get(20)!) / 1000);
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
 * Kernel time per step of the lab loop, from tf.profile over one run of `steps` steps. The profiled run
 * validates on 8 rows only, so its two evaluations add well under one kernel call per step.
 */
async function kernelProfile(config: TrialConfig, steps: number): Promise<KernelRow[]> {
	const data: TrainingData = { ...DATA, val: { ...val8, count: 8 } };
	const info = await tf.profile(() =>
		runTrialLoop(tfjs, { ...config, maxTrainSteps: steps, evalEvery: steps }, data, {
			onMetrics: () => {},
			shouldStop: () => false
		}).then(() => tf.scalar(0))
	);
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
	return [...totals.entries()]
		.map(([kernel, { ms, calls }]) => ({ kernel, msPerStep: ms / steps, callsPerStep: calls / steps }))
		.sort((a, b) => b.msPerStep - a.msPerStep);
}

/** One PyTorch measurement (steps/s), or null with the reason printed when PyTorch is unavailable. */
function torchStepsPerSecond(model: 'mlp' | 'cnn', steps: number): number | null {
	const script = new URL('./peer/torch_steps.py', import.meta.url).pathname;
	if (!existsSync(PYTHON)) {
		console.error(`peer: ${PYTHON} not found; skipping the PyTorch peer`);
		return null;
	}
	const run = spawnSync(PYTHON, [script, '1', String(steps), model], { encoding: 'utf8' });
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
function pairedRatio(name: string, a: number[], b: number[], target?: string, note?: string): BenchRow {
	return stats(
		name,
		'×',
		a.map((x, i) => x / b[i]!),
		note,
		target
	);
}

async function main() {
	await tf.setBackend('wasm');
	await tf.ready();
	// Interleaved: plain tfjs, lab loop, PyTorch, then again, so load bursts hit all three alike.
	const plain: number[] = [];
	const labMlp: number[] = [];
	const torchMlp: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		plain.push(await plainStepsPerSecond(STEPS));
		labMlp.push(await labStepsPerSecond(MLP, STEPS));
		const t = torchStepsPerSecond('mlp', STEPS);
		if (t !== null) torchMlp.push(t);
	}
	const labCnn: number[] = [];
	const torchCnn: number[] = [];
	for (let r = 0; r < 3; r++) {
		labCnn.push(await labStepsPerSecond(CNN, 20));
		const t = torchStepsPerSecond('cnn', 40);
		if (t !== null) torchCnn.push(t);
	}
	const profile = await kernelProfile(MLP, 60);
	const cnnProfile = await kernelProfile(CNN, 10);

	const wasm = 'tfjs 4.22 wasm (SIMD, 1 thread) in Node';
	const rows: BenchRow[] = [
		stats('tfjs: MLP 784-128-10, batch 128, Adam, plain tfjs loop', 'steps/s', plain, wasm),
		stats('tfjs: MLP 784-128-10, batch 128, Adam, lab trial loop', 'steps/s', labMlp, wasm),
		stats('tfjs: CNN 16-32 filters, 28x28, batch 64, Adam, lab trial loop', 'steps/s', labCnn, wasm)
	];
	if (torchMlp.length === RUNS) {
		rows.push(
			stats('torch: MLP 784-128-10, batch 128, Adam', 'steps/s', torchMlp, torchNote),
			pairedRatio(
				'ratio: lab trial loop ÷ PyTorch, MLP batch 128',
				labMlp,
				torchMlp,
				'≥ 0.5×',
				'median of paired runs'
			),
			pairedRatio(
				'ratio: plain tfjs loop ÷ PyTorch, MLP batch 128',
				plain,
				torchMlp,
				'',
				'median of paired runs'
			)
		);
	}
	if (torchCnn.length === labCnn.length) {
		rows.push(
			stats('torch: CNN 16-32 filters, 28x28, batch 64, Adam', 'steps/s', torchCnn, torchNote),
			pairedRatio(
				'ratio: lab trial loop ÷ PyTorch, CNN batch 64',
				labCnn,
				torchCnn,
				'',
				'median of paired runs'
			)
		);
	}
	const profileRows = (label: string, kernels: KernelRow[], stepsPerSecond: number): BenchRow[] => {
		const wallMs = 1000 / stepsPerSecond;
		const kernelMs = kernels.reduce((t, k) => t + k.msPerStep, 0);
		const calls = kernels.reduce((t, k) => t + k.callsPerStep, 0);
		return [
			...kernels.slice(0, 8).map((k) => ({
				name: `profile ${label}: kernel ${k.kernel}`,
				unit: 'ms/step',
				median: k.msPerStep,
				min: k.msPerStep,
				max: k.msPerStep,
				runs: 1,
				note: `${k.callsPerStep.toFixed(0)} calls per step; ${((100 * k.msPerStep) / wallMs).toFixed(0)}% of a step`
			})),
			{
				name: `profile ${label}: all kernels`,
				unit: 'ms/step',
				median: kernelMs,
				min: kernelMs,
				max: kernelMs,
				runs: 1,
				note: `${calls.toFixed(0)} kernel calls per step; wall time per step ${wallMs.toFixed(2)} ms (median run), so ${(wallMs - kernelMs).toFixed(2)} ms is JavaScript overhead outside kernels`
			}
		];
	};
	rows.push(
		...profileRows('MLP', profile, median(labMlp)),
		...profileRows('CNN', cnnProfile, median(labCnn))
	);
	for (const row of rows) console.log(JSON.stringify(row));
}

await main();
