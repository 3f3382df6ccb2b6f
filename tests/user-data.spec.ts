import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab, readStoredMetrics, runTrialAndWait } from './helpers';

/** 30 rows: the class first, then two numeric features; the label is not the last column. */
function speciesCsv(badCell?: { row: number; value: string }): string {
	const rows = Array.from({ length: 30 }, (_, i) => {
		const width = badCell?.row === i ? badCell.value : String((i % 3) + i / 100);
		return `${['setosa', 'versicolor', 'virginica'][i % 3]},${width},${i * 0.5}`;
	});
	return ['species,petal width,petal length', ...rows].join('\r\n') + '\r\n';
}

async function pickCsv(page: Page, name: string, text: string) {
	await page.getByTestId('user-data-kind').selectOption('csv');
	await page
		.getByTestId('user-data-file')
		.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

/** Datasets in this browser's IndexedDB, read without the app's code. */
function storedDatasetCount(page: Page): Promise<{ datasets: number; files: number }> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const count = (store: string) =>
			new Promise<number>((resolve) => {
				const r = db.transaction(store).objectStore(store).count();
				r.onsuccess = () => resolve(r.result);
			});
		const result = { datasets: await count('datasets'), files: await count('dataset-files') };
		db.close();
		return result;
	});
}

test('a CSV imports with the chosen label column, is listed with its counts, and deletes with undo', async ({
	page
}) => {
	await openLab(page);
	await pickCsv(page, 'flowers.csv', speciesCsv());
	// The preview guesses the last column; this table has its class first.
	const label = page.getByTestId('label-column');
	await expect(label).toHaveValue('petal length');
	await expect(page.getByTestId('csv-preview').locator('tbody tr')).toHaveCount(5);
	await label.selectOption('species');
	await page.getByTestId('import-data').click();

	const row = page.getByTestId('user-dataset-row');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('flowers.csv');
	await expect(row).toContainText('label “species”');
	await expect(row.getByTestId('user-dataset-summary')).toHaveText(
		'30 rows · 2 features · 3 classes · 24 train / 6 validation'
	);
	await expect(row).toHaveAttribute('data-dataset-id', /^csv:[0-9a-f]{64}$/);
	await expect(page.getByTestId('user-data-error')).toHaveCount(0);
	expect(await storedDatasetCount(page)).toEqual({ datasets: 1, files: 1 });

	// Delete, then undo within the window: the dataset is back, files and all.
	await row.getByRole('button', { name: 'Delete dataset flowers.csv' }).click();
	await expect(row).toHaveCount(0);
	expect(await storedDatasetCount(page)).toEqual({ datasets: 0, files: 0 });
	await page.getByTestId('undo-dataset-delete').click();
	await expect(row).toHaveCount(1);
	expect(await storedDatasetCount(page)).toEqual({ datasets: 1, files: 1 });

	// Still there after a reload.
	await page.reload();
	await expect(page.getByTestId('user-dataset-row')).toHaveCount(1);
});

test('a CSV with a non-numeric cell is refused with its line and column named, and nothing is stored', async ({
	page
}) => {
	await openLab(page);
	// Data row 3 is line 5 of the file (the header is line 1).
	await pickCsv(page, 'typo.csv', speciesCsv({ row: 3, value: '1.2cm' }));
	await page.getByTestId('label-column').selectOption('species');
	await page.getByTestId('import-data').click();
	await expect(page.getByTestId('user-data-error')).toContainText(
		'typo.csv: line 5, column 2 ("petal width"): "1.2cm" is not a number'
	);
	await expect(page.getByTestId('user-data-error')).toContainText('Nothing was stored');
	await expect(page.getByTestId('user-dataset-row')).toHaveCount(0);
	expect(await storedDatasetCount(page)).toEqual({ datasets: 0, files: 0 });
});

test('importing a study warns when its dataset is not in this browser, and opens it when it is', async ({
	page
}) => {
	const csv = speciesCsv();
	// The id a CSV gets: SHA-256 of the file, then "\n#label=" and the label column.
	const hash = createHash('sha256').update(csv).update('\n#label=species').digest('hex');
	const study = (dataset: string, name: string) => {
		const s = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
		return { ...s, name, workload: { dataset, model: 'mlp' } };
	};

	await openLab(page);
	await importStudy(page, study(`csv:${'0'.repeat(64)}`, 'Somebody else’s data'));
	await expect(page.getByTestId('import-warning')).toContainText('which is not stored in this browser');
	await expect(page.getByTestId('import-warning')).toContainText('csv:000000000000…');
	await expect(page.getByTestId('study-list')).toContainText('Somebody else’s data');

	await pickCsv(page, 'flowers.csv', csv);
	await page.getByTestId('label-column').selectOption('species');
	await page.getByTestId('import-data').click();
	await expect(page.getByTestId('user-dataset-row')).toHaveAttribute('data-dataset-id', `csv:${hash}`);
	await importStudy(page, study(`csv:${hash}`, 'My flowers'));
	await expect(page.getByTestId('study-name')).toHaveText('My flowers');

	// Deleting data a study trains on asks first, naming the study.
	await openLab(page);
	await page.getByRole('button', { name: 'Delete dataset flowers.csv' }).click();
	await expect(page.getByTestId('confirm-dataset-delete')).toContainText('“My flowers”');
	await page.getByRole('button', { name: 'Keep it' }).click();
	await expect(page.getByTestId('confirm-dataset-delete')).toHaveCount(0);
	await expect(page.getByTestId('user-dataset-row')).toHaveCount(1);
	await page.getByRole('button', { name: 'Delete dataset flowers.csv' }).click();
	await page.getByRole('button', { name: 'Delete anyway' }).click();
	await expect(page.getByTestId('user-dataset-row')).toHaveCount(0);
});

test('trial form trains an MLP on an imported CSV and a transformer on imported text', async ({ page }) => {
	test.setTimeout(180_000);
	await openLab(page);
	await pickCsv(page, 'flowers.csv', speciesCsv());
	await page.getByTestId('label-column').selectOption('species');
	await page.getByTestId('import-data').click();
	const csvId = await page.getByTestId('user-dataset-row').getAttribute('data-dataset-id');

	// A short made-up text of ~6,000 characters, repeated phrases a small model picks up quickly.
	const phrases = ['the sea is calm. ', 'a ship sails on. ', 'the crew sings.\n'];
	const text = Array.from({ length: 360 }, (_, i) => phrases[(i * 7) % 3]).join('');
	await page.getByTestId('user-data-kind').selectOption('text');
	await page
		.getByTestId('user-data-file')
		.setInputFiles({ name: 'sea.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
	await page.getByTestId('import-data').click();
	await expect(page.getByTestId('user-dataset-row')).toHaveCount(2);
	const textId = await page
		.getByTestId('user-dataset-row')
		.filter({ hasText: 'sea.txt' })
		.getAttribute('data-dataset-id');
	expect(textId).toMatch(/^text:[0-9a-f]{64}$/);

	const trainOn = async (dataset: string, fill: Record<string, string>) => {
		await page.getByTestId('dataset-picker').selectOption(dataset);
		await page.getByTestId('backend-picker').selectOption('wasm');
		for (const [testId, value] of Object.entries(fill)) await page.getByTestId(testId).fill(value);
		const id = await runTrialAndWait(page, 120_000);
		const { evals } = await readStoredMetrics(page, id);
		expect(evals[evals.length - 1]!.valLoss).toBeLessThan(evals[0]!.valLoss * 0.8);
	};
	await trainOn(csvId!, { steps: '60', 'eval-every': '30', 'learning-rate': '0.03' });
	await expect(page.getByTestId('model-picker')).toHaveValue('mlp');
	await trainOn(textId!, {
		steps: '40',
		'eval-every': '20',
		'learning-rate': '0.01',
		'n-layer': '1',
		'd-model': '16',
		'n-head': '2',
		'context-length': '16'
	});
	await expect(page.getByTestId('model-picker')).toHaveValue('transformer');
});
