// Issue 11, items 2 and 3, in headless Chromium against the built app (/bench/index.html?page=training and /).
// - Backend choice: per workload, the `auto` probe's steps/s on webgpu (SwiftShader here), webgl, wasm
//   and cpu; then trials in the lab's trial worker with `auto` and with the probe's fastest (and its
//   runner-up when that is within 1.5×), timed from their readbacks as the lab stores throughput. Target:
//   auto ≥ 0.9 × the best measured backend on every workload.
// - Lab overhead: a one-trial study run by the lab page itself (window.tuningLab: scheduler, metrics in
//   IndexedDB, checkpoints, live charts) against the same step in a bare loop in a worker, same backend
//   and browser, alternated run by run. Target ≥ 0.95.
// Writes bench/results/training.json; asserts nothing about time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, type Browser } from '@playwright/test';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../src/lib/study/trial-config';
import type { BackendProbe } from '../src/lib/training/backend-choice';
import { stats, type BenchRow } from './bench-stats';

const RUNS = Number(process.env.TRAINING_BENCH_RUNS ?? 5);
const AUTO_RUNS = Number(process.env.TRAINING_BENCH_AUTO_RUNS ?? 3);
/** Forced trials run for the probe's fastest and for any backend within this factor of it. */
const CONTENDER_FACTOR = 1.5;

interface TrainingBench {
	ready: boolean;
	probe(config: TrialConfig): Promise<BackendProbe | undefined>;
	trial(config: TrialConfig): Promise<{ stepsPerSecond: number; backend: string; status: string }>;
	bare(config: TrialConfig): Promise<{ stepsPerSecond: number; backend: string }>;
}
type BenchWindow = Window & { __trainingBench?: TrainingBench };

// TF.js backends against each other (the engines are compared in their own benchmarks).
const base: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	backend: 'auto',
	engine: 'tfjs',
	evalEvery: 1000,
	seed: 1
};
// The CNN and the transformer train at 1–2 steps/s on this CPU: one paired run each, not AUTO_RUNS,
// to keep `npm run bench` near 12 minutes.
const WORKLOADS: { label: string; config: TrialConfig; slow?: boolean }[] = [
	{ label: 'MLP digits 64-wide, batch 64', config: { ...base, maxTrainSteps: 200, evalEvery: 200 } },
	{
		label: 'MLP breast-cancer (tabular) 64-wide, batch 64',
		config: { ...base, dataset: 'breast-cancer', maxTrainSteps: 200, evalEvery: 200 }
	},
	{
		label: 'MLP Fashion-MNIST 784-128-10, batch 128',
		config: {
			...base,
			dataset: 'fashion-mnist',
			hiddenWidth: 128,
			batchSize: 128,
			maxTrainSteps: 200,
			evalEvery: 200
		}
	},
	{
		label: 'CNN Fashion-MNIST 16-32 filters, batch 64',
		config: { ...base, dataset: 'fashion-mnist', model: 'cnn', maxTrainSteps: 60, evalEvery: 60 },
		slow: true
	},
	{
		label: 'transformer Moby-Dick d64 2 layers ctx 64, batch 16',
		config: {
			...base,
			dataset: 'moby-dick',
			model: 'transformer',
			batchSize: 16,
			maxTrainSteps: 60,
			evalEvery: 60
		},
		slow: true
	}
];

async function benchPage(browser: Browser, baseURL: string | undefined) {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	await page.goto('/bench/index.html?page=training');
	await page.waitForFunction(() => (window as BenchWindow).__trainingBench?.ready, null, { timeout: 60_000 });
	return { context, page };
}

test('backend choice per workload, and the lab overhead', async ({ browser }, testInfo) => {
	test.setTimeout(900_000);
	const baseURL = testInfo.project.use.baseURL;
	const results: BenchRow[] = [];
	const { context, page } = await benchPage(browser, baseURL);
	const call = <T>(name: keyof TrainingBench, config: TrialConfig) =>
		page.evaluate(
			({ name, config }) =>
				(window as BenchWindow).__trainingBench![name as 'trial'](config) as Promise<unknown>,
			{ name, config }
		) as Promise<T>;

	for (const { label, config, slow } of WORKLOADS) {
		const probe = await call<BackendProbe | undefined>('probe', config);
		if (!probe) throw new Error(`no probe for ${label}`);
		for (const s of probe.speeds) {
			const v = s.stepsPerSecond ?? Number.NaN;
			results.push({
				name: `backend ${s.backend}: ${label}`,
				unit: 'steps/s',
				median: v,
				min: v,
				max: v,
				runs: 1,
				note: s.error
					? `did not train: ${s.error.slice(0, 120)}`
					: `auto probe (${s.backend === probe.fastest.backend ? 'fastest' : 'not chosen'})`
			});
		}
		const ranked = probe.speeds
			.filter((s) => s.stepsPerSecond !== undefined)
			.sort((a, b) => b.stepsPerSecond! - a.stepsPerSecond!);
		const contenders = ranked.filter(
			(s, i) => i === 0 || s.stepsPerSecond! >= ranked[0]!.stepsPerSecond! / CONTENDER_FACTOR
		);
		const auto: number[] = [];
		const chosen = new Set<string>();
		const forced = new Map<string, number[]>(contenders.map((c) => [c.backend, []]));
		for (let r = 0; r < (slow ? 1 : AUTO_RUNS); r++) {
			const a = await call<{ stepsPerSecond: number; backend: string }>('trial', config);
			auto.push(a.stepsPerSecond);
			chosen.add(a.backend);
			for (const c of contenders) {
				const f = await call<{ stepsPerSecond: number }>('trial', { ...config, backend: c.backend });
				forced.get(c.backend)!.push(f.stepsPerSecond);
			}
		}
		results.push(
			stats(`trial with auto: ${label}`, 'steps/s', auto, `auto ran on ${[...chosen].join(', ')}`)
		);
		let best = { backend: '', median: 0 };
		for (const [backend, values] of forced) {
			const row = stats(`trial forced to ${backend}: ${label}`, 'steps/s', values);
			results.push(row);
			if (row.median > best.median) best = { backend, median: row.median };
		}
		const ratios = auto.map((a) => a / best.median);
		results.push(
			stats(
				`auto ÷ best backend (${best.backend}): ${label}`,
				'×',
				ratios,
				'each auto run ÷ the best forced median',
				'≥ 0.9×'
			)
		);
	}
	await context.close();

	// Lab overhead: the lab page runs a one-trial study; the bench page runs the bare loop. Alternated.
	// Both on TF.js: a study left to `auto` may train on the compiled engine, which is not this comparison.
	const overheadConfig: TrialConfig = { ...WORKLOADS[2]!.config, backend: 'wasm', maxTrainSteps: 400 };
	const study = {
		format: 'tuning-lab.study',
		version: 1,
		name: 'lab overhead benchmark',
		goal: 'Time one trial run by the lab',
		workload: { dataset: 'fashion-mnist', model: 'mlp' },
		budget: { maxTrainSteps: 400, evalEvery: 100, checkpointEvery: 100, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: {
			optimizer: 'adam',
			learningRate: 0.003,
			schedule: 'constant',
			batchSize: 128,
			depth: 1,
			hiddenWidth: 128
		},
		search: { algorithm: 'quasi-random', trials: 1, seed: 1 },
		params: [],
		trials: []
	};
	const lab: number[] = [];
	const bare: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		const labContext = await browser.newContext({ baseURL });
		const labPage = await labContext.newPage();
		await labPage.goto('/');
		await labPage.waitForFunction(() => window.tuningLab !== undefined, null, { timeout: 60_000 });
		const exported = await labPage.evaluate(
			(text) => window.tuningLab!.runStudy(text, { engine: 'tfjs', backend: 'wasm', concurrency: 1 }),
			JSON.stringify(study)
		);
		await labContext.close();
		const trial = (JSON.parse(exported) as { trials: { throughput?: { stepsPerSecond: number } }[] })
			.trials[0];
		lab.push(trial?.throughput?.stepsPerSecond ?? Number.NaN);
		const b = await benchPage(browser, baseURL);
		bare.push(
			(
				await b.page.evaluate(
					(config) => (window as BenchWindow).__trainingBench!.bare(config),
					overheadConfig
				)
			).stepsPerSecond
		);
		await b.context.close();
	}
	const workload = 'MLP Fashion-MNIST 784-128-10, batch 128, Adam, wasm, 400 steps';
	results.push(
		stats(
			`lab trial (page, runner, storage, checkpoints, charts): ${workload}`,
			'steps/s',
			lab,
			'evaluations every 100 steps are left out of the timing, as the lab does'
		),
		stats(`bare loop of the same step in a worker: ${workload}`, 'steps/s', bare),
		stats(
			'lab overhead: lab ÷ bare loop',
			'×',
			lab.map((l, i) => l / bare[i]!),
			'paired runs, alternated',
			'≥ 0.95'
		)
	);
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/training.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
