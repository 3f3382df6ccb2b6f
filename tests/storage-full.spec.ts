import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openLab } from './helpers';

test('a full storage quota pauses the study cleanly; after space is freed it resumes from its checkpoint', async ({
	page
}) => {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = 'Storage full';
	study.budget = { maxTrainSteps: 1200, evalEvery: 100, checkpointEvery: 200, keepBestCheckpoints: 1 };
	study.search.trials = 2;
	study.fixed.learningRate = 0.01;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [64, 128] }];
	await openLab(page);
	await page.getByTestId('study-file-input').setInputFiles({
		name: 'full.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(study))
	});
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await page.getByTestId('run-study').click();
	await expect(page.locator('[data-index="0"] [data-testid="best-checkpoint"]')).toContainText('step', {
		timeout: 60_000
	});

	// From now on the browser refuses new checkpoints as over quota, as a full disk would.
	await page.evaluate(() => {
		const put = IDBObjectStore.prototype.put;
		(window as unknown as { restorePut: () => void }).restorePut = () => (IDBObjectStore.prototype.put = put);
		IDBObjectStore.prototype.put = function (
			this: IDBObjectStore,
			...args: Parameters<IDBObjectStore['put']>
		) {
			if (this.name === 'checkpoints')
				throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			return put.apply(this, args);
		};
	});
	await expect(page.getByTestId('study-status')).toHaveText('paused', { timeout: 60_000 });
	await expect(page.getByTestId('storage-problem')).toContainText(/storage quota is full \(.*\)/);
	const row = page.locator('[data-testid="study-trial-row"][data-index="0"]');
	await expect(row).toHaveAttribute('data-status', 'queued');
	await expect(page.locator('[data-testid="study-trial-row"][data-index="1"]')).toHaveAttribute(
		'data-status',
		'queued'
	);

	await page.evaluate(() => (window as unknown as { restorePut: () => void }).restorePut());
	await page.getByTestId('run-study').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	// Every step logged exactly once across the stop and the resume.
	const steps = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const trials = await new Promise<{ id: string; index: number }[]>((resolve) => {
			const r = db.transaction('trials').objectStore('trials').getAll();
			r.onsuccess = () => resolve(r.result);
		});
		const first = trials.find((t) => t.index === 0)!;
		return new Promise<number[]>((resolve) => {
			const r = db
				.transaction('metrics')
				.objectStore('metrics')
				.getAll(IDBKeyRange.bound([first.id, -Infinity], [first.id, Infinity]));
			r.onsuccess = () => resolve(r.result.flatMap((c: { train: { step: number[] } }) => c.train.step));
		});
	});
	expect(steps).toEqual(Array.from({ length: 1200 }, (_, i) => i));
});
