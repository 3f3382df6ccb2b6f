import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm } from './helpers';
import { analyzeStudy } from '../src/lib/analysis/checklist';
import { openFindings } from '../src/lib/analysis/exploitation';
import { syntheticStudy } from '../src/lib/testing/synthetic-study';
import { serializeStudy } from '../src/lib/study/study-file';
import { planTrials } from '../src/lib/study/study-trials';
import type { Study } from '../src/lib/study/study';

// A small bayesian study: 2 quasi-random trials, then 3 suggested by the Gaussian process in its worker.
const study = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Bayesian: digits learning rate',
	goal: 'Does the lab run a bayesian study, suggestion by suggestion?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 30, evalEvery: 10, checkpointEvery: 30, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'adam', schedule: 'constant', batchSize: 64, depth: 1, hiddenWidth: 32 },
	search: { algorithm: 'bayesian', trials: 5, seed: 4, initialTrials: 2 },
	params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.001, max: 0.3, scale: 'log' }],
	trials: []
};

interface StoredParams {
	index: number;
	status: string;
	params: Record<string, number>;
}

function storedParams(page: Page): Promise<StoredParams[]> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const trials = await new Promise<StoredParams[]>((resolve) => {
			const r = db.transaction('trials').objectStore('trials').getAll();
			r.onsuccess = () => resolve(r.result as StoredParams[]);
		});
		db.close();
		return trials
			.map(({ index, status, params }) => ({ index, status, params }))
			.sort((a, b) => a.index - b.index);
	});
}

test('a bayesian study gets its later trials from the worker and runs them to the end', async ({ page }) => {
	const workers: string[] = [];
	page.on('worker', (worker) => workers.push(worker.url()));
	await openLab(page);
	await importStudy(page, study);
	await expect(page.getByTestId('study-name')).toHaveText(study.name);
	// Only the quasi-random initial design exists before the study runs.
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	await expect(page.getByTestId('study-trial-row')).toHaveCount(5);

	const trials = await storedParams(page);
	expect(trials.map((t) => [t.index, t.status])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 'completed']));
	expect(workers.some((url) => url.includes('bayes-worker'))).toBe(true);

	// Trials 0–1 are the quasi-random sequence; 2–4 are not (they came from the GP), and stay in bounds.
	const quasi = planTrials({
		...(study as unknown as Study),
		search: { algorithm: 'quasi-random', trials: 5, seed: 4 }
	});
	// (Node and Chromium may round the log-scale mapping to neighbouring doubles.)
	for (const t of trials.slice(0, 2)) {
		expect(t.params.learningRate! / (quasi[t.index]!.params.learningRate as number)).toBeCloseTo(1, 12);
	}
	for (const t of trials.slice(2)) {
		expect(t.params.learningRate).not.toBe(quasi[t.index]!.params.learningRate);
		expect(t.params.learningRate).toBeGreaterThanOrEqual(0.001);
		expect(t.params.learningRate).toBeLessThanOrEqual(0.3);
	}
	expect(new Set(trials.map((t) => t.params.learningRate)).size).toBe(5);

	// The analysis page: the suggestion sequence, and the adaptive-sampling caveat on the axis and isolation plots.
	await page.getByTestId('open-analysis').click();
	const sequence = page.getByTestId('bayes-suggestions');
	await expect(sequence.locator('circle[data-phase="initial"]')).toHaveCount(2);
	await expect(sequence.locator('circle[data-phase="suggested"]')).toHaveCount(3);
	await expect(sequence.getByTestId('best-so-far')).toHaveAttribute('d', /^M.+H/);
	await expect(page.getByTestId('adaptive-caveat')).toHaveCount(2);
	// One axis plot (learningRate) and the isolation plot carry the mark inside their SVG, so exports keep it.
	await expect(page.locator('svg [data-testid="adaptive-mark"]')).toHaveCount(2);
	await expect(page.getByTestId('start-exploitation')).toHaveCount(0);
});

test('"Start exploitation" drafts a bayesian study over the same space, warning about open findings', async ({
	page
}) => {
	// Twelve crafted trials whose best learning rates sit at the top edge of the range: the checklist flags it.
	const exploration: Study = {
		...syntheticStudy(
			Array.from({ length: 12 }, (_, i) => {
				const learningRate = 10 ** (-4 + (3 * (i + 0.5)) / 12);
				const penalty = 1 + 0.1 * (Math.log10(learningRate) + 1) ** 2;
				return {
					params: { learningRate, weightDecay: 10 ** (-4 + (4 * (((i * 5) % 12) + 0.5)) / 12) },
					trainLoss: (t: number) => penalty * (0.2 + 2.1 * Math.exp(-t / 100)),
					valLoss: (t: number) => penalty * (0.5 + 1.8 * Math.exp(-t / 30))
				};
			}),
			{ maxTrainSteps: 200, evalEvery: 25 }
		),
		name: 'Exploration to exploit'
	};
	const open = openFindings(analyzeStudy(exploration));
	expect(open.length).toBeGreaterThan(0);

	await openLab(page);
	await importStudy(page, serializeStudy(exploration), 'exploration.study.json');
	await expect(page.getByTestId('study-name')).toHaveText('Exploration to exploit');
	await page.getByTestId('open-analysis').click();
	const panel = page.getByTestId('start-exploitation');
	const warning = panel.getByTestId('exploitation-open-findings');
	await expect(warning).toBeVisible();
	for (const f of open) await expect(warning).toContainText(f.title);
	await panel.getByRole('button', { name: 'Start exploitation anyway' }).click();

	await expect(page.getByTestId('study-name')).toHaveText('Exploration to exploit · exploitation');
	await expect(page.getByTestId('study-goal')).toContainText('Bayesian optimisation');
	await expect(page.getByTestId('study-goal')).toContainText(`It still had ${open.length} open finding`);
	await expect(page.getByText(/bayesian search, 20 trials/)).toBeVisible();
});

test('the same bayesian study run twice from scratch (wasm, one slot) makes the same suggestions', async ({
	browser
}) => {
	// wasm training is deterministic, so the second run sees the same history and must suggest the same trials.
	async function runOnce(): Promise<
		{ index: number; params: Record<string, number>; best?: { value: number } }[]
	> {
		const context = await browser.newContext();
		const page = await context.newPage();
		await openLab(page);
		await page.waitForFunction(() => 'tuningLab' in window);
		const text = await page.evaluate(
			(file) =>
				(
					window as unknown as {
						tuningLab: { runStudy(text: string, options: object): Promise<string> };
					}
				).tuningLab.runStudy(file, { backend: 'wasm', concurrency: 1 }),
			JSON.stringify(study)
		);
		await context.close();
		return JSON.parse(text).trials;
	}
	const first = await runOnce();
	const second = await runOnce();
	expect(first.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
	expect(second.map((t) => t.params)).toEqual(first.map((t) => t.params));
	expect(second.map((t) => t.best?.value)).toEqual(first.map((t) => t.best?.value));
});
