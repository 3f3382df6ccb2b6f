import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab, storedTrials } from './helpers';

// Issue 19, item 3: a study's trials train on the engine their configuration asks for, in the browser's
// trial worker, and record it; with `auto`, one measurement per workload chooses one pair for all of
// that workload's trials, and the study page lists every pair measured and why any failed.

/** A short digits MLP study (one workload: only the learning rate varies) with the given fixed keys. */
function study(name: string, fixed: Record<string, unknown>, trials: number) {
	const base = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	return {
		...base,
		name,
		budget: { maxTrainSteps: 80, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 1 },
		fixed: { ...base.fixed, hiddenWidth: 64, ...fixed },
		search: { ...base.search, trials },
		params: [{ name: 'learningRate', role: 'nuisance', type: 'discrete', values: [0.05, 0.1, 0.2] }]
	};
}

async function tableEngines(page: Page) {
	return page.getByTestId('trial-engine').evaluateAll((cells) =>
		cells.map((c) => ({
			engine: c.getAttribute('data-engine'),
			backend: c.getAttribute('data-backend'),
			text: c.textContent?.trim()
		}))
	);
}

test('a study with engine "jax" trains in the browser worker on wasm, its loss falls, and the table says jax · wasm', async ({
	page
}) => {
	await openLab(page);
	await importStudy(page, study('jax on wasm', { engine: 'jax', backend: 'wasm' }, 2));
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await page.getByTestId('run-study').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 180_000 });

	const trials = await storedTrials(page);
	expect(trials.map((t) => t.status)).toEqual(['completed', 'completed']);
	for (const t of trials) {
		expect(t.trainLoss).toHaveLength(80);
		// Plain SGD on digits from ln 10 ≈ 2.30 nats: the mean of the last 10 batches' losses must be well
		// below the first 10's, and the validation loss must fall from the first evaluation to the last.
		const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
		expect(mean(t.trainLoss.slice(-10))).toBeLessThan(0.8 * mean(t.trainLoss.slice(0, 10)));
		expect(t.evals.at(-1)!.valLoss).toBeLessThan(t.evals[0]!.valLoss);
	}
	const cells = await tableEngines(page);
	expect(cells).toEqual([
		{ engine: 'jax', backend: 'wasm', text: 'jax · wasm' },
		{ engine: 'jax', backend: 'wasm', text: 'jax · wasm' }
	]);

	// The export records the engine and backend of every trial.
	const downloadPromise = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const exported = JSON.parse(readFileSync(await (await downloadPromise).path(), 'utf8'));
	expect(exported.trials.map((t: { engine: string; backend: string }) => [t.engine, t.backend])).toEqual([
		['jax', 'wasm'],
		['jax', 'wasm']
	]);
	// So does the table's CSV export.
	const csvDownload = page.waitForEvent('download');
	await page.getByTestId('export-trials-csv').click();
	const csv = readFileSync(await (await csvDownload).path(), 'utf8')
		.trim()
		.split('\r\n');
	const header = csv[0]!.split(',');
	const [engineAt, backendAt] = [header.indexOf('engine'), header.indexOf('backend')];
	expect(engineAt).toBeGreaterThan(-1);
	expect(csv.slice(1).map((line) => [line.split(',')[engineAt], line.split(',')[backendAt]])).toEqual([
		['jax', 'wasm'],
		['jax', 'wasm']
	]);
});

test('an auto study measures every engine × backend pair once and trains all its trials on the chosen one', async ({
	page
}) => {
	await openLab(page);
	await importStudy(page, study('auto', { engine: 'auto', backend: 'auto' }, 3));
	await expect(page.getByTestId('study-trial-row')).toHaveCount(3);
	await page.getByTestId('run-study').click();
	// The page says what it is doing while it measures (no trial has started yet).
	await expect(page.getByTestId('study-measuring')).toContainText('mlp/digits/w64d1/batch64');
	await expect(page.locator('[data-testid="study-trial-row"][data-status="running"]')).toHaveCount(0);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 300_000 });

	const pairs = page.getByTestId('study-pairs');
	await expect(pairs.getByTestId('study-pick')).toHaveCount(1);
	const rows = await pairs.getByTestId('pair-row').evaluateAll((all) =>
		all.map((row) => ({
			pair: `${row.getAttribute('data-engine')}/${row.getAttribute('data-backend')}`,
			speed: Number(row.querySelector('[data-testid="pair-speed"]')?.textContent ?? NaN),
			error: row.querySelector('[data-testid="pair-error"]')?.textContent ?? ''
		}))
	);
	// Every pair `auto` allows is listed, each with a speed or the reason it failed.
	expect(rows.map((r) => r.pair).sort()).toEqual(
		['jax/wasm', 'jax/webgpu', 'tfjs/cpu', 'tfjs/wasm', 'tfjs/webgl', 'tfjs/webgpu'].sort()
	);
	for (const r of rows) {
		if (!(r.speed > 0)) expect(r.error).toMatch(/^failed: .{8,}/);
	}
	const measured = rows.filter((r) => r.speed > 0);
	expect(measured.length).toBeGreaterThan(1);
	const fastest = measured.reduce((a, b) => (b.speed > a.speed ? b : a)).pair;
	const pick = pairs.getByTestId('study-pick');
	const chosen = `${await pick.getAttribute('data-engine')}/${await pick.getAttribute('data-backend')}`;
	expect(chosen).toBe(fastest);

	// All three trials trained on that one pair, as their reports (from the worker) say.
	const cells = await tableEngines(page);
	expect(cells.map((c) => `${c.engine}/${c.backend}`)).toEqual([chosen, chosen, chosen]);
	const trials = await storedTrials(page);
	expect(trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
});

test('auto that chooses wasm runs one trial per core without a given concurrency, like a forced wasm study (issue 20, item 6)', async ({
	page
}) => {
	await openLab(page);
	// Long enough (3,000 steps each) that trials on different slots overlap while the page polls.
	const text = JSON.stringify({
		...study('auto, no concurrency', { engine: 'auto', backend: 'auto' }, 4),
		budget: { maxTrainSteps: 3000, evalEvery: 1000, checkpointEvery: 3000, keepBestCheckpoints: 1 }
	});
	const seen = await page.evaluate(async (fileText) => {
		const lab = window.tuningLab!;
		let most = 0;
		const done = lab.runStudy(fileText, {}).then((exported) => JSON.parse(exported));
		let finished = false;
		void done.then(() => (finished = true));
		while (!finished) {
			most = Math.max(most, lab.progress()?.running.length ?? 0);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		const exported = (await done) as {
			trials: { status: string; engine: string; backend: string; batch?: string }[];
		};
		return { most, cores: navigator.hardwareConcurrency, trials: exported.trials };
	}, text);
	expect(seen.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
	const pairs = new Set(seen.trials.map((t) => `${t.engine}/${t.backend}`));
	expect(pairs.size).toBe(1);
	// Headless Chromium here has no GPU: auto chooses wasm (either engine), a CPU backend.
	expect([...pairs][0]).toMatch(/^(tfjs|jax)\/wasm$/);
	// One worker per core, at most 8 (concurrency.ts), as a forced wasm study runs. When auto batches
	// trials on the compiled engine, each worker trains a batch: the 4 trials then spread over one batch
	// per worker (all running at once), not over one worker's batch.
	const workers = Math.min(8, seen.cores);
	const batches = new Set(seen.trials.map((t) => t.batch).filter((b) => b !== undefined));
	if (batches.size === 0) expect(seen.most).toBe(workers);
	else {
		expect(batches.size).toBe(workers);
		expect(seen.most).toBe(4);
	}
});
