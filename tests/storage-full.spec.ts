import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

test('a full storage quota pauses the study cleanly; after space is freed it resumes from its checkpoint', async ({
	page
}) => {
	const study = twoTrialStudy('Storage full', {
		maxTrainSteps: 1200,
		evalEvery: 100,
		checkpointEvery: 200,
		keepBestCheckpoints: 1
	});
	await openLab(page);
	await importStudy(page, study);
	await runStudyOnWasm(page);
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
