// Issue 11, item 4, in headless Chromium against the built app: a 16-trial study (digits MLP, 200 steps
// each, evaluations every 50, checkpoints every 100) run by the lab's own runner (window.tuningLab) on
// wasm at concurrency 1, 2, … up to navigator.hardwareConcurrency, each in a fresh context. Reports
// trials completed per hour and the scaling against concurrency 1; src/lib/runner/concurrency.ts takes
// its default from these numbers. Writes bench/results/study-throughput.json; asserts nothing about time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// Issue 19, item 5: study throughput per engine, and the default CNN study's wall time.
// Every run is one fresh browser context (empty IndexedDB and Cache Storage, so `auto` probes the
// workload as a new user's first study does) running the study through the lab's own runner at the
// lab's default concurrency (one trial per core on wasm). The compiled engine runs twice: unbatched
// (`batch: 1`, each trial alone in its worker) and batched (no `batch` option: the K its probe measured
// for the workload, which is 1 where batching does not pay). A forced engine is still probed for K, so
// leaving `batch` out is not "unbatched".

interface ExportedTrial {
	status?: string;
	engine?: string;
	backend?: string;
	throughput?: { stepsPerSecond: number };
	/** The batch the trial trained in (absent when it trained alone). */
	batch?: string;
	runs?: { startedAt: number; endedAt?: number }[];
}

interface StudyRun {
	seconds: number;
	completed: number;
	/** Seconds from the call to the first trial's start (the `auto` probe, datasets, workers). */
	beforeFirstTrial: number;
	/** Median steps/s of the trials' own runs. */
	trialSpeed: number;
	/** The engine · backend pairs the trials trained on, with counts. */
	pairs: string;
	/** Trials that trained in a batch, and how many batches there were. */
	batched: number;
	batches: number;
}

async function runStudyOnce(
	browser: import('@playwright/test').Browser,
	baseURL: string | undefined,
	text: string,
	options: { engine?: string; backend?: string; batch?: number }
): Promise<StudyRun> {
	const context = await browser.newContext({ baseURL });
	try {
		const page = await context.newPage();
		await page.goto('/');
		await page.waitForFunction(() => window.tuningLab !== undefined, null, { timeout: 60_000 });
		const started = Date.now();
		const exported = await page.evaluate(
			({ text, options }) => window.tuningLab!.runStudy(text, options as never),
			{ text, options }
		);
		const seconds = (Date.now() - started) / 1000;
		const trials = (JSON.parse(exported) as { trials: ExportedTrial[] }).trials;
		const firstStart = Math.min(...trials.flatMap((t) => (t.runs ?? []).map((r) => r.startedAt)));
		const batches = new Set(trials.flatMap((t) => (t.batch === undefined ? [] : [t.batch])));
		const counts = new Map<string, number>();
		for (const t of trials) {
			const pair = `${t.engine ?? '?'} · ${t.backend ?? '?'}`;
			counts.set(pair, (counts.get(pair) ?? 0) + 1);
		}
		return {
			seconds,
			completed: trials.filter((t) => t.status === 'completed').length,
			beforeFirstTrial: (firstStart - started) / 1000,
			trialSpeed: median(trials.flatMap((t) => (t.throughput ? [t.throughput.stepsPerSecond] : []))),
			pairs: [...counts].map(([pair, n]) => `${n} on ${pair}`).join(', '),
			batched: trials.filter((t) => t.batch !== undefined).length,
			batches: batches.size
		};
	} finally {
		await context.close();
	}
}

const ENGINE_RUNS = Number(process.env.STUDY_ENGINE_BENCH_RUNS ?? 2);

/** A 16-trial study of a workload: a learning-rate sweep, Adam, constant schedule. */
function sixteenTrials(dataset: string, model: string, steps: number, fixed: Record<string, unknown>) {
	return JSON.stringify({
		format: 'tuning-lab.study',
		version: 1,
		name: `${dataset} ${model} engine throughput`,
		goal: 'Trials per hour per engine',
		workload: { dataset, model },
		budget: { maxTrainSteps: steps, evalEvery: 50, checkpointEvery: 100, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', schedule: 'constant', ...fixed },
		search: { algorithm: 'quasi-random', trials: TRIALS, seed: 1 },
		params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0003, max: 0.03, scale: 'log' }],
		trials: []
	});
}

const ENGINE_STUDIES = [
	{
		label: 'digits MLP',
		detail: '16 trials × 200 steps, batch 64, hidden 64',
		text: sixteenTrials('digits', 'mlp', 200, { batchSize: 64, depth: 1, hiddenWidth: 64 })
	},
	{
		label: 'Fashion-MNIST CNN',
		detail: '16 trials × 100 steps, batch 32, 16-32 filters',
		text: sixteenTrials('fashion-mnist', 'cnn', 100, { batchSize: 32, cnnWidth: 16, cnnDepth: 2 })
	}
];

for (const study of ENGINE_STUDIES) {
	test(`study throughput per engine: 16-trial ${study.label} study, tfjs, jax and jax batched`, async ({
		browser
	}, testInfo) => {
		test.setTimeout(3_600_000);
		const baseURL = testInfo.project.use.baseURL;
		const modes = [
			{ id: 'tfjs', label: 'engine tfjs', options: { engine: 'tfjs', backend: 'wasm' } },
			{ id: 'jax', label: 'engine jax (unbatched)', options: { engine: 'jax', backend: 'wasm', batch: 1 } },
			{
				id: 'jaxBatched',
				label: "engine jax (batched, the probe's K)",
				options: { engine: 'jax', backend: 'wasm' }
			}
		] as const;
		const runs: Record<(typeof modes)[number]['id'], StudyRun[]> = { tfjs: [], jax: [], jaxBatched: [] };
		for (let r = 0; r < ENGINE_RUNS; r++) {
			// Interleaved run by run, so every mode sees the same machine load.
			for (const mode of modes)
				runs[mode.id].push(await runStudyOnce(browser, baseURL, study.text, mode.options));
		}
		const perHour = (r: StudyRun) => (r.completed / r.seconds) * 3600;
		const results: BenchRow[] = modes.map((mode) => {
			const last = runs[mode.id].at(-1)!;
			return stats(
				`study throughput: 16-trial ${study.label} study, ${mode.label}`,
				'trials/h',
				runs[mode.id].map(perHour),
				`${study.detail}; wasm, default concurrency; trials' median ${median(runs[mode.id].map((r) => r.trialSpeed)).toFixed(1)} steps/s; ${last.pairs}; ${last.batched} trials in ${last.batches} batches`
			);
		});
		const ratio = (a: StudyRun[], b: StudyRun[]) => a.map((r, i) => perHour(r) / perHour(b[i]!));
		results.push(
			stats(
				`study throughput: 16-trial ${study.label} study, jax (unbatched) ÷ tfjs`,
				'×',
				ratio(runs.jax, runs.tfjs),
				'median of paired runs'
			),
			stats(
				`study throughput: 16-trial ${study.label} study, jax batched ÷ jax unbatched`,
				'×',
				ratio(runs.jaxBatched, runs.jax),
				'median of paired runs; the target (issue 19) is ≥ 2 on the digits MLP study'
			)
		);
		mkdirSync('bench/results', { recursive: true });
		const name = study.label.toLowerCase().replace(/[^a-z]+/g, '-');
		writeFileSync(`bench/results/study-engines-${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
		console.log(JSON.stringify(results, null, 2));
	});
}

test('default Fashion-MNIST CNN study: wall time with engine tfjs and with auto', async ({
	browser
}, testInfo) => {
	test.setTimeout(3_600_000);
	const baseURL = testInfo.project.use.baseURL;
	// The study the studies panel creates for Fashion-MNIST · CNN, as the app ships it; it names no
	// engine, so its trials use the default, `auto`.
	const text = readFileSync('static/studies/default-fashion-mnist-cnn.study.json', 'utf8');
	const definition = JSON.parse(text) as { search: { trials: number }; budget: { maxTrainSteps: number } };
	const runs: Record<'tfjs' | 'auto', StudyRun[]> = { tfjs: [], auto: [] };
	const defaultRuns = Number(process.env.DEFAULT_STUDY_BENCH_RUNS ?? 1);
	for (let r = 0; r < defaultRuns; r++) {
		runs.tfjs.push(await runStudyOnce(browser, baseURL, text, { engine: 'tfjs' }));
		runs.auto.push(await runStudyOnce(browser, baseURL, text, {}));
	}
	const size = `${definition.search.trials} trials × ${definition.budget.maxTrainSteps} steps (static/studies/default-fashion-mnist-cnn.study.json), backend auto, default concurrency, fresh profile`;
	const results: BenchRow[] = [];
	for (const engine of ['tfjs', 'auto'] as const) {
		const list = runs[engine];
		results.push(
			stats(
				`default CNN study: wall time, engine ${engine}`,
				's',
				list.map((r) => r.seconds),
				`${size}; ${list.at(-1)!.completed} completed; ${list.at(-1)!.pairs}`
			),
			stats(
				`default CNN study (${engine}): before the first trial starts`,
				's',
				list.map((r) => r.beforeFirstTrial),
				'the auto probe of every engine × backend pair, dataset and workers'
			),
			stats(
				`default CNN study (${engine}): trials' training speed`,
				'steps/s',
				list.map((r) => r.trialSpeed),
				"median over the study's trials of each one's measured steps/s (evaluations left out)"
			)
		);
	}
	const ratio = stats(
		'default CNN study: wall time auto ÷ tfjs',
		'×',
		runs.auto.map((r, i) => r.seconds / runs.tfjs[i]!.seconds),
		'median of paired runs',
		'< 0.333× (under a third)'
	);
	ratio.note += ratio.median < 1 / 3 ? '; target met' : '; target MISSED';
	results.push(ratio);
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/default-cnn-study.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
