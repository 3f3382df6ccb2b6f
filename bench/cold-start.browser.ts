// Issue 11, item 6, in headless Chromium against the built app, every run in a fresh browser context
// (empty HTTP cache, IndexedDB and Cache Storage, so shaders, wasm and datasets load cold):
// - page open → first training step: navigation to '/', then a one-trial study through window.tuningLab
//   (the lab's own runner), until the worker first reports a step (steps are read back in groups). Measured on wasm, on webgpu (SwiftShader
//   here: shader compilation) and on auto (which, cold, first probes every backend for this workload).
// - opening a stored 200-trial study → plots interactive: the study is imported once; each run opens
//   /analysis?id=… in a new page and stops when the curves chart shows all 200 trials with ink on its
//   canvas. Writes bench/results/cold-start.json; asserts nothing about time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { syntheticStudy } from '../src/lib/testing/synthetic-study';
import { serializeStudy } from '../src/lib/study/study-file';
import { stats, type BenchRow } from './bench-stats';

const RUNS = Number(process.env.COLD_START_BENCH_RUNS ?? 5);

const oneTrial = (backend: string) =>
	JSON.stringify({
		format: 'tuning-lab.study',
		version: 1,
		name: `cold start ${backend}`,
		goal: 'Time the first training step',
		workload: { dataset: 'digits', model: 'mlp' },
		// Long enough that the run is still going when the first group of steps is read back (the
		// compiled engine reports steps in groups of 20; a 20-step run could end between two polls).
		budget: { maxTrainSteps: 200, evalEvery: 50, checkpointEvery: 200, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: {
			optimizer: 'adam',
			learningRate: 0.003,
			schedule: 'constant',
			batchSize: 64,
			depth: 1,
			hiddenWidth: 64,
			backend
		},
		search: { algorithm: 'quasi-random', trials: 1, seed: 1 },
		params: [],
		trials: []
	});

async function firstStepMs(page: Page, backend: string): Promise<number> {
	const started = Date.now();
	await page.goto('/');
	await page.waitForFunction(() => window.tuningLab !== undefined, null, { timeout: 60_000 });
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.evaluate((text) => {
		// A study that fails to start must stop the benchmark with its reason, not time out silently.
		const w = window as unknown as { coldStartError?: string; coldStartDone?: boolean };
		void window
			.tuningLab!.runStudy(text)
			.then(() => (w.coldStartDone = true))
			.catch((e) => (w.coldStartError = String(e)));
	}, oneTrial(backend));
	const handle = await page
		.waitForFunction(
			() => {
				const w = window as unknown as { coldStartError?: string; coldStartDone?: boolean };
				if (w.coldStartError) return w.coldStartError;
				// Done before a poll saw a step: the first step certainly happened (an upper bound).
				if (w.coldStartDone) return true;
				const p = window.tuningLab!.progress();
				return Boolean(p && (p.running.some((r) => r.step >= 1) || p.finished.length > 0));
			},
			null,
			{ timeout: 120_000, polling: 10 }
		)
		.catch((e: Error) => {
			throw new Error(
				`${backend}: no training step within 120 s (page errors: ${errors.join('; ') || 'none'}): ${e.message}`
			);
		});
	const outcome = await handle.jsonValue();
	if (typeof outcome === 'string') throw new Error(`${backend}: the study failed to start: ${outcome}`);
	return Date.now() - started;
}

test('cold start: first training step, and a stored 200-trial study to interactive plots', async ({
	browser
}, testInfo) => {
	test.setTimeout(900_000);
	const baseURL = testInfo.project.use.baseURL;
	const results: BenchRow[] = [];
	for (const backend of ['wasm', 'webgpu', 'auto']) {
		const times: number[] = [];
		for (let r = 0; r < (backend === 'wasm' ? RUNS : 3); r++) {
			const context = await browser.newContext({ baseURL });
			times.push(await firstStepMs(await context.newPage(), backend));
			await context.close();
		}
		results.push(
			stats(
				`cold start: page open → first training step (${backend})`,
				'ms',
				times,
				backend === 'auto'
					? 'includes the first-use probe of every backend on this workload (cached afterwards)'
					: backend === 'webgpu'
						? 'software WebGPU adapter here: includes shader compilation'
						: 'fresh context: wasm binary, dataset decode, worker start'
			)
		);
	}

	const study = syntheticStudy(
		Array.from({ length: 200 }, (_, i) => {
			const level = 0.3 + ((i * 0.618) % 1);
			return {
				params: { learningRate: 1e-4 * 10 ** ((i * 0.37) % 3), weightDecay: 1e-3 * 10 ** ((i * 0.73) % 2) },
				trainLoss: (t: number) => level + Math.exp(-t / 300),
				valLoss: (t: number) => level + 0.1 + Math.exp(-t / 300)
			};
		}),
		{ maxTrainSteps: 2000, evalEvery: 100, trainEvery: 10 }
	);
	study.name = 'Cold start 200 trials';
	const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.goto('/');
	await page.getByTestId('study-file-input').setInputFiles({
		name: 'study.json',
		mimeType: 'application/json',
		buffer: Buffer.from(serializeStudy(study))
	});
	await page.getByTestId('open-analysis').click();
	await page.getByTestId('study-curves').waitFor({ timeout: 120_000 });
	const analysisUrl = page.url();
	await page.close();
	const open: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		const p = await context.newPage();
		const started = Date.now();
		await p.goto(analysisUrl);
		await p.waitForFunction(
			() => {
				const count = document.querySelector('[data-testid="curves-count"]')?.textContent ?? '';
				const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="curves-canvas"]');
				if (!/of 200 trials/.test(count) || !canvas || canvas.width === 0) return false;
				const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
				for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
				return false;
			},
			null,
			{ timeout: 120_000, polling: 20 }
		);
		open.push(Date.now() - started);
		await p.close();
	}
	await context.close();
	results.push(
		stats(
			'cold start: open a stored 200-trial study → curves interactive',
			'ms',
			open,
			'/analysis?id=… from IndexedDB; 200 trials × 200 training rows + 21 evaluations; until all 200 curves are drawn'
		)
	);
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/cold-start.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
