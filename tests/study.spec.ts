import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers';

const FIXTURE = 'tests/fixtures/cli-run-digits.study.json';

async function importFile(page: Page, name: string, text: string) {
	await page
		.getByTestId('study-file-input')
		.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

async function rowStatuses(page: Page) {
	return page.getByTestId('study-trial-row').evaluateAll((rows) =>
		rows.map((r) => ({
			index: Number(r.getAttribute('data-index')),
			status: r.getAttribute('data-status'),
			cells: Array.from(r.querySelectorAll('td')).map((td) => td.textContent?.trim())
		}))
	);
}

test('a 6-trial study runs through the UI; the divergent trials end infeasible; export and import round-trip', async ({
	page,
	browser
}) => {
	await openLab(page);
	await importFile(page, 'study.json', readFileSync(FIXTURE, 'utf8'));
	await expect(page.getByTestId('study-name')).toHaveText('CLI run: digits, SGD learning rates');
	await expect(page.getByTestId('study-goal')).toContainText('headless command line');
	await expect(page.getByTestId('study-trial-row')).toHaveCount(6);
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	const runStarted = Date.now();
	await page.getByTestId('run-study').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 180_000 });
	const studySeconds = (Date.now() - runStarted) / 1000;

	// Each completed trial shows its speed and its training time, which fits inside the study's own time.
	const completedRows = page.locator('[data-testid="study-trial-row"][data-status="completed"]');
	for (const row of await completedRows.all()) {
		const speed = Number((await row.getByTestId('trial-speed').textContent())!.replace(/,/g, ''));
		expect(speed).toBeGreaterThan(0);
		const duration = (await row.getByTestId('trial-duration').textContent())!.trim();
		const match = /^(\d+) (ms|s)$/.exec(duration);
		expect(match, `training time "${duration}"`).not.toBeNull();
		const seconds = Number(match![1]) / (match![2] === 'ms' ? 1000 : 1);
		expect(seconds).toBeGreaterThan(0);
		expect(seconds).toBeLessThanOrEqual(studySeconds + 0.5);
	}

	const rows = await rowStatuses(page);
	// Columns: #, hiddenWidth, learningRate, status, …
	for (const row of rows) expect(row.status).toBe(row.cells[2] === '50' ? 'infeasible' : 'completed');
	expect(rows.filter((r) => r.status === 'infeasible')).toHaveLength(2);

	// Sorting by the objective puts the infeasible trials (no value) last.
	await page.getByRole('button', { name: /best validation loss/ }).click();
	const sorted = await rowStatuses(page);
	expect(sorted.slice(-2).map((r) => r.status)).toEqual(['infeasible', 'infeasible']);
	await page.getByTestId('status-filter').selectOption('infeasible');
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await page.getByTestId('study-trial-row').first().click();
	await expect(page.getByTestId('selected-reason')).toContainText(/diverged|non-finite/);
	await page.getByTestId('status-filter').selectOption('all');
	await page.getByTestId('study-trial-row').first().click();
	await expect(page.locator('path[data-series="train"]')).toHaveAttribute('d', /M.+L/);

	const downloadPromise = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const download = await downloadPromise;
	const exported = readFileSync(await download.path(), 'utf8');
	const parsed = JSON.parse(exported);
	expect(parsed.format).toBe('tuning-lab.study');
	expect(parsed.trials).toHaveLength(6);
	const completed = parsed.trials.find((t: { status: string }) => t.status === 'completed');
	expect(completed.metrics.train.loss).toHaveLength(60);
	expect(completed.best.step).toBeGreaterThan(0);
	expect(completed.backend).toBe('wasm');

	// A fresh browser profile imports the export and shows the same table and curves.
	const fresh = await browser.newContext();
	const other = await fresh.newPage();
	await openLab(other);
	await importFile(other, 'exported.json', exported);
	await expect(other.getByTestId('study-trial-row')).toHaveCount(6);
	const importedRows = await rowStatuses(other);
	expect(importedRows.map((r) => [r.index, r.status, r.cells.slice(0, 5)])).toEqual(
		rows.map((r) => [r.index, r.status, r.cells.slice(0, 5)])
	);
	await expect(other.getByText('Imported history: read-only.')).toBeVisible();
	await other.getByTestId('study-trial-row').first().click();
	await expect(other.locator('path[data-series="train"]')).toHaveAttribute('d', /M.+L/);

	// Importing the same file again opens the first copy instead of duplicating it.
	await other.goto('/');
	await importFile(other, 'exported.json', exported);
	await expect(other.getByTestId('study-trial-row')).toHaveCount(6);
	await other.goto('/');
	await expect(other.getByTestId('study-list-row')).toHaveCount(1);
	await fresh.close();
});

test('a broken study file is refused with its problems named, and nothing is saved', async ({ page }) => {
	await openLab(page);
	const broken = JSON.parse(readFileSync(FIXTURE, 'utf8'));
	broken.params[1].scale = 'cubic';
	broken.budget.maxTrainSteps = -5;
	await importFile(page, 'broken.json', JSON.stringify(broken));
	await expect(page.getByTestId('import-problems')).toContainText(
		'broken.json was not imported; nothing was saved.'
	);
	await expect(page.getByTestId('import-problems')).toContainText('$.budget.maxTrainSteps');
	await importFile(page, 'truncated.json', readFileSync(FIXTURE, 'utf8').slice(0, 200));
	await expect(page.getByTestId('import-problems')).toContainText(/invalid JSON at line \d+, column \d+/);
	await expect(page.getByTestId('study-list')).toHaveCount(0);
	const stored = await page.evaluate(
		() =>
			new Promise<number>((resolve) => {
				const r = indexedDB.open('tuning-lab');
				r.onsuccess = () => {
					const count = r.result.transaction('studies').objectStore('studies').count();
					count.onsuccess = () => resolve(count.result);
				};
			})
	);
	expect(stored).toBe(0);
});

test('the default study is one click away and plans its trials', async ({ page }) => {
	await openLab(page);
	await page.getByTestId('new-default-study').click();
	await expect(page.getByTestId('study-name')).toHaveText('Digits MLP: hidden width');
	await expect(page.getByTestId('study-trial-row')).toHaveCount(6);
	await expect(page.getByTestId('run-study')).toBeEnabled();
});
