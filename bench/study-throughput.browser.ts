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
	// Compiled engine batched (issue 19, item 4): the same study on jax-wasm, one worker per core, with
	// the K the probe measured for the workload (batched) against one trial per worker (unbatched).
	const jaxRows: Record<string, number> = {};
	for (const mode of [
		{ name: 'compiled engine unbatched', batch: 1 as number | undefined },
		{ name: 'compiled engine batched', batch: undefined }
	]) {
		const perHour: number[] = [];
		for (let r = 0; r < RUNS; r++) {
			const context = await browser.newContext({ baseURL });
			const page = await context.newPage();
			await page.goto('/');
			await page.waitForFunction(() => window.tuningLab !== undefined, null, { timeout: 60_000 });
			const started = Date.now();
			const exported = await page.evaluate(
				({ text, concurrency, batch }) =>
					window.tuningLab!.runStudy(text, { engine: 'jax', backend: 'wasm', concurrency, batch }),
				{ text: studyText, concurrency: cores, batch: mode.batch }
			);
			const seconds = (Date.now() - started) / 1000;
			await context.close();
			const trials = (JSON.parse(exported) as { trials: { status?: string }[] }).trials;
			perHour.push((trials.filter((t) => t.status === 'completed').length / seconds) * 3600);
		}
		jaxRows[mode.name] = median(perHour);
		const ratio =
			mode.batch === undefined
				? `; ${(median(perHour) / jaxRows['compiled engine unbatched']!).toFixed(2)}× unbatched`
				: '';
		results.push(
			stats(
				`study throughput: ${TRIALS} trials, ${mode.name}`,
				'trials/h',
				perHour,
				`jax on wasm, digits MLP 200 steps, ${cores} workers (the probe's K when batched, includes its measurement)${ratio}`
			)
		);
	}
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/study-throughput.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
