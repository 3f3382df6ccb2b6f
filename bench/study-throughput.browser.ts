// Issue 11, item 4, in headless Chromium against the built app: a 16-trial study (digits MLP, 200 steps
// each, evaluations every 50, checkpoints every 100) run by the lab's own runner (window.tuningLab) on
// wasm at concurrency 1, 2, … up to navigator.hardwareConcurrency, each in a fresh context. Reports
// trials completed per hour and the scaling against concurrency 1; src/lib/runner/concurrency.ts takes
// its default from these numbers. Writes bench/results/study-throughput.json; asserts nothing about time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from '@playwright/test';
import { median, stats, type BenchRow } from './bench-stats';

const RUNS = Number(process.env.STUDY_BENCH_RUNS ?? 2);
const TRIALS = 16;

const studyText = JSON.stringify({
	format: 'tuning-lab.study',
	version: 1,
	name: 'study throughput benchmark',
	goal: 'Trials per hour against concurrency',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 200, evalEvery: 50, checkpointEvery: 100, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'adam', schedule: 'constant', batchSize: 64, depth: 1, hiddenWidth: 64 },
	search: { algorithm: 'quasi-random', trials: TRIALS, seed: 1 },
	params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0003, max: 0.03, scale: 'log' }],
	trials: []
});

test('study throughput: 16 trials at concurrency 1 … hardware', async ({ browser }, testInfo) => {
	test.setTimeout(900_000);
	const baseURL = testInfo.project.use.baseURL;
	const probe = await browser.newPage();
	const cores = await probe.evaluate(() => navigator.hardwareConcurrency);
	await probe.close();
	const results: BenchRow[] = [];
	let serial = 0;
	for (let concurrency = 1; concurrency <= Math.max(2, cores); concurrency++) {
		const perHour: number[] = [];
		for (let r = 0; r < RUNS; r++) {
			const context = await browser.newContext({ baseURL });
			const page = await context.newPage();
			await page.goto('/');
			await page.waitForFunction(() => window.tuningLab !== undefined, null, { timeout: 60_000 });
			const started = Date.now();
			const exported = await page.evaluate(
				({ text, concurrency }) => window.tuningLab!.runStudy(text, { backend: 'wasm', concurrency }),
				{ text: studyText, concurrency }
			);
			const seconds = (Date.now() - started) / 1000;
			await context.close();
			const completed = (JSON.parse(exported) as { trials: { status?: string }[] }).trials.filter(
				(t) => t.status === 'completed'
			).length;
			perHour.push((completed / seconds) * 3600);
		}
		if (concurrency === 1) serial = median(perHour);
		results.push(
			stats(
				`study throughput: ${TRIALS} trials at concurrency ${concurrency}`,
				'trials/h',
				perHour,
				`wasm, digits MLP 200 steps; ${(median(perHour) / serial).toFixed(2)}× concurrency 1; navigator.hardwareConcurrency ${cores}`
			)
		);
	}
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/study-throughput.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
