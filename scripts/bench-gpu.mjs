// `npm run bench:gpu [OUT.json]`: the lab's training steps on this machine's GPU, through WebGPU in
// headless Chromium, next to PyTorch on CUDA when it is installed. For a GPU node: it needs only a copy
// of this repository (node_modules included) and the browser TUNING_LAB_CHROMIUM points at (default
// /usr/bin/chromium); nothing is fetched (the app is built locally when build/ is stale).
//
// Each workload is a one-trial study run by `tuning-lab run` itself (so the steps are the lab's own:
// worker, engine, readbacks), forced onto webgpu for each engine, with Chromium launched with the
// Linux GPU node flags of scripts/chromium-args.mjs (Vulkan). The speed is the trial's stored
// throughput: steady steps/s with the first readback group (shader compilation) left out. PyTorch runs
// bench/peer/torch_steps.py on cuda with the same shapes, batch sizes and optimizer. Written to OUT
// (default bench/results/gpu.json): the adapter, steps/s per workload and engine, and the ratio lab ÷
// PyTorch. On a software adapter (no GPU) it still runs, says so, and runs the MLP only (the CNN takes
// minutes there; BENCH_GPU_ALL=1 runs it anyway).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, GPU_NODE_ARGS } from './chromium-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'bench/results/gpu.json');
/** Steps per trial: 3 readback groups of 20, the first one not timed (BENCH_GPU_STEPS to change). */
const STEPS = Number(process.env.BENCH_GPU_STEPS ?? 100);
const PYTHON = process.env.BENCH_GPU_PYTHON ?? 'python3';

/** The workloads of bench/peer/torch_steps.py, as lab studies. */
const WORKLOADS = [
	{
		id: 'mlp',
		label: 'MLP 784-128-10, batch 128, Adam (Fashion-MNIST)',
		torchName: 'torch: MLP 784-128-10, batch 128, Adam',
		workload: { dataset: 'fashion-mnist', model: 'mlp' },
		fixed: { hiddenWidth: 128, depth: 1, batchSize: 128 }
	},
	{
		id: 'cnn',
		label: 'CNN 16-32 filters, 28x28, batch 64, Adam (Fashion-MNIST)',
		torchName: 'torch: CNN 16-32 filters, 28x28, batch 64, Adam',
		workload: { dataset: 'fashion-mnist', model: 'cnn' },
		fixed: { batchSize: 64 }
	}
];
const ENGINES = ['tfjs', 'jax'];

const folder = mkdtempSync(join(tmpdir(), 'tuning-lab-bench-gpu-'));
const env = {
	...process.env,
	TUNING_LAB_CHROMIUM_ARGS: [process.env.TUNING_LAB_CHROMIUM_ARGS ?? '', ...GPU_NODE_ARGS].join(' ').trim()
};

/** @param {string} text */
const say = (text) => console.log(`bench:gpu: ${text}`);

/** @param {typeof WORKLOADS[number]} w @param {string} engine */
function studyFile(w, engine) {
	const path = join(folder, `${w.id}-${engine}.study.json`);
	const study = {
		format: 'tuning-lab.study',
		version: 1,
		name: `bench:gpu ${w.id} on ${engine}`,
		goal: 'How fast does this GPU train the lab’s step?',
		workload: w.workload,
		budget: { maxTrainSteps: STEPS, evalEvery: STEPS, checkpointEvery: STEPS, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', learningRate: 0.001, schedule: 'constant', engine, ...w.fixed },
		search: { algorithm: 'quasi-random', trials: 1, seed: 1 },
		params: [],
		trials: []
	};
	writeFileSync(path, JSON.stringify(study, null, '\t'));
	return path;
}

/** One lab run on webgpu: steps/s and the adapter, or why not. @param {typeof WORKLOADS[number]} w @param {string} engine */
function labRun(w, engine) {
	const result = join(folder, `${w.id}-${engine}.json`);
	const args = ['cli/tuning-lab.mjs', 'run', studyFile(w, engine), '--out', result];
	args.push('--backend', 'webgpu', '--concurrency', '1', '--allow-software-gpu');
	const run = spawnSync('node', args, { cwd: root, env, encoding: 'utf8' });
	const adapterLine = run.stdout.match(/^\[run\] WebGPU adapter: (.*)$/m)?.[1];
	if (run.status !== 0) {
		return {
			error: `tuning-lab run exited ${run.status}: ${(run.stderr || run.stdout).trim().slice(-600)}`,
			adapterLine
		};
	}
	const trial = JSON.parse(readFileSync(result, 'utf8')).trials[0];
	if (trial.backend !== 'webgpu')
		return { error: `the trial trained on ${trial.backend}, not webgpu`, adapterLine };
	if (!trial.throughput) return { error: 'the trial stored no throughput (too few steps?)', adapterLine };
	return {
		stepsPerSecond: trial.throughput.stepsPerSecond,
		measuredSteps: trial.throughput.measuredSteps,
		adapter: trial.adapter,
		adapterLine
	};
}

/** PyTorch on CUDA, per torch workload name, or why there is none. */
function torchCuda() {
	const check = spawnSync(
		PYTHON,
		['-c', 'import torch,sys; print(torch.__version__, torch.cuda.is_available())'],
		{
			encoding: 'utf8'
		}
	);
	if (check.status !== 0) {
		return {
			error: `PyTorch is not installed for ${PYTHON} (${(check.stderr || '').trim().split('\n').at(-1)})`
		};
	}
	const [version, cuda] = check.stdout.trim().split(' ');
	if (cuda !== 'True') return { error: `PyTorch ${version} sees no CUDA device` };
	const script = join(root, 'bench/peer/torch_steps.py');
	const run = spawnSync(PYTHON, [script, '3', String(Math.max(STEPS, 200)), 'all', 'cuda'], {
		encoding: 'utf8'
	});
	if (run.status !== 0) return { error: `torch_steps.py failed: ${run.stderr.trim().slice(-400)}` };
	/** @type {Record<string, { median: number, note: string }>} */
	const rows = {};
	for (const line of run.stdout.trim().split('\n')) {
		const row = JSON.parse(line);
		rows[row.name] = { median: row.median, note: row.note };
	}
	return { version, rows };
}

say(`Chromium ${CHROMIUM_PATH}, extra flags: ${env.TUNING_LAB_CHROMIUM_ARGS}`);
const torch = torchCuda();
say(torch.error ? `PyTorch on CUDA: not run: ${torch.error}` : `PyTorch ${torch.version} on CUDA`);

/** @type {Record<string, unknown>[]} */
const rows = [];
let adapter = null;
let software = false;
for (const w of WORKLOADS) {
	if (software && w.id !== 'mlp' && process.env.BENCH_GPU_ALL !== '1') {
		say(`${w.label}: skipped: the adapter is software (set BENCH_GPU_ALL=1 to run it anyway)`);
		rows.push({ workload: w.label, skipped: 'software adapter' });
		continue;
	}
	const torchRow = torch.rows?.[w.torchName];
	for (const engine of ENGINES) {
		say(`${w.label} on ${engine}/webgpu, ${STEPS} steps …`);
		const lab = labRun(w, engine);
		if (lab.adapter) {
			adapter = lab.adapter;
			software = lab.adapter.fallback;
		}
		const row = {
			workload: w.label,
			engine,
			backend: 'webgpu',
			...(lab.error
				? { error: lab.error }
				: { labStepsPerSecond: lab.stepsPerSecond, measuredSteps: lab.measuredSteps }),
			torchCudaStepsPerSecond: torchRow?.median ?? null,
			ratio: torchRow && lab.stepsPerSecond ? lab.stepsPerSecond / torchRow.median : null
		};
		rows.push(row);
		say(
			lab.error
				? `  failed: ${lab.error}`
				: `  ${lab.stepsPerSecond.toFixed(2)} steps/s` +
						(row.ratio === null
							? ''
							: `, ${row.ratio.toFixed(3)} × PyTorch CUDA (${torchRow.median.toFixed(1)} steps/s)`)
		);
	}
}

const adapterText = adapter
	? `${adapter.name}${adapter.fallback ? ' (fallback)' : ''}`
	: 'none (no trial trained on webgpu)';
const verdict =
	adapter === null
		? 'NO WEBGPU ADAPTER: nothing was measured on a GPU'
		: adapter.fallback
			? 'SOFTWARE ADAPTER: no GPU was used; these numbers are the CPU emulating one, not a GPU result'
			: 'hardware adapter';
const result = {
	date: new Date().toISOString(),
	chromium: CHROMIUM_PATH,
	chromiumArgs: env.TUNING_LAB_CHROMIUM_ARGS,
	adapter: adapterText,
	software: adapter === null ? null : adapter.fallback,
	verdict,
	stepsPerTrial: STEPS,
	torchCuda: torch.error ? { notRun: torch.error } : { version: torch.version },
	rows
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, '\t')}\n`);
rmSync(folder, { recursive: true, force: true });
say(`adapter: ${adapterText}: ${verdict}`);
say(`wrote ${out}`);
process.exitCode = rows.some((row) => 'labStepsPerSecond' in row) ? 0 : 1;
