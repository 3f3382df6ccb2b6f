import { expect, type Page } from '@playwright/test';

export interface StoredMetrics {
	trainLoss: number[];
	evals: { step: number; valLoss: number; valAccuracy: number }[];
}

/** Reads a trial's metric chunks straight from IndexedDB, bypassing the app's own code. */
export async function readStoredMetrics(page: Page, trialId: string): Promise<StoredMetrics> {
	return page.evaluate(async (id) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('tuning-lab');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const chunks = await new Promise<{ train: { loss: number[] }; evals: StoredMetrics['evals'] }[]>(
			(resolve, reject) => {
				const request = db
					.transaction('metrics')
					.objectStore('metrics')
					.getAll(IDBKeyRange.bound([id, -Infinity], [id, Infinity]));
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			}
		);
		db.close();
		return { trainLoss: chunks.flatMap((c) => c.train.loss), evals: chunks.flatMap((c) => c.evals) };
	}, trialId);
}

export async function openLab(page: Page): Promise<void> {
	await page.goto('/');
	await expect(page.getByTestId('run')).toBeVisible();
}

/** Fills the trial form for a short digits run on the chosen backend. */
export async function configureShortTrial(page: Page, backend: string, steps: number, evalEvery: number) {
	await page.getByTestId('dataset-picker').selectOption('digits');
	await page.getByTestId('backend-picker').selectOption(backend);
	await page.getByTestId('steps').fill(String(steps));
	await page.getByTestId('eval-every').fill(String(evalEvery));
}

export async function newestTrialId(page: Page): Promise<string> {
	const id = await page.getByTestId('trial-row').first().getAttribute('data-trial-id');
	if (!id) throw new Error('no trial row');
	return id;
}
