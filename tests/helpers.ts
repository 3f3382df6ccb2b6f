import { readFileSync } from 'node:fs';
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

/**
 * Presses Run on the trial form and waits until that run's own trial completes; returns its id. The
 * row on top before the new one appears may be an earlier, finished trial, so the new row is waited
 * for by count and then followed by id.
 */
export async function runTrialAndWait(page: Page, timeout: number): Promise<string> {
	const rows = page.getByTestId('trial-row');
	const before = await rows.count();
	await page.getByTestId('run').click();
	await expect(rows).toHaveCount(before + 1);
	const id = await newestTrialId(page);
	await expect(page.locator(`[data-testid="trial-row"][data-trial-id="${id}"]`)).toHaveAttribute(
		'data-status',
		'completed',
		{ timeout }
	);
	return id;
}

export async function newestTrialId(page: Page): Promise<string> {
	const id = await page.getByTestId('trial-row').first().getAttribute('data-trial-id');
	if (!id) throw new Error('no trial row');
	return id;
}

/**
 * A short digits study built from the CLI fixture: SGD at a fixed learning rate, hidden width 64 or
 * 128 (one trial each), with the given name and budget.
 */
export function twoTrialStudy(
	name: string,
	budget: { maxTrainSteps: number; evalEvery: number; checkpointEvery: number; keepBestCheckpoints: number },
	learningRate = 0.01
): Record<string, unknown> & { fixed: Record<string, unknown> } {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = name;
	study.budget = budget;
	study.search.trials = 2;
	study.fixed.learningRate = learningRate;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [64, 128] }];
	return study;
}

/** Opens a study file through the studies panel (the page then shows the study). */
export async function importStudy(page: Page, study: unknown, name = 'study.json'): Promise<void> {
	await page.getByTestId('study-file-input').setInputFiles({
		name,
		mimeType: 'application/json',
		buffer: Buffer.from(typeof study === 'string' ? study : JSON.stringify(study))
	});
}

/** Starts the open study on the wasm backend (deterministic, and the fastest here). */
export async function runStudyOnWasm(page: Page): Promise<void> {
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await page.getByTestId('run-study').click();
}

export interface StoredTrial {
	id: string;
	index: number;
	status: string;
	lastStep: number;
	checkpoints: { step: number }[];
	branch?: { fromStep: number; length: number };
	trainSteps: number[];
	trainLoss: number[];
	lr: number[];
	evals: { step: number; valLoss: number }[];
}

/** Every trial in this browser profile with its metrics, read straight from IndexedDB, by index. */
export function storedTrials(page: Page): Promise<StoredTrial[]> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const all = <T>(store: string, query?: IDBKeyRange) =>
			new Promise<T[]>((resolve) => {
				const r = db.transaction(store).objectStore(store).getAll(query);
				r.onsuccess = () => resolve(r.result as T[]);
			});
		type Trial = Omit<StoredTrial, 'trainSteps' | 'trainLoss' | 'lr' | 'evals' | 'checkpoints'> & {
			checkpoints?: { step: number }[];
		};
		type Chunk = {
			train: { step: number[]; loss: number[]; lr: number[] };
			evals: { step: number; valLoss: number }[];
		};
		const out: StoredTrial[] = [];
		for (const t of (await all<Trial>('trials')).sort((a, b) => a.index - b.index)) {
			const chunks = await all<Chunk>('metrics', IDBKeyRange.bound([t.id, -Infinity], [t.id, Infinity]));
			out.push({
				...t,
				checkpoints: t.checkpoints ?? [],
				trainSteps: chunks.flatMap((c) => c.train.step),
				trainLoss: chunks.flatMap((c) => c.train.loss),
				lr: chunks.flatMap((c) => c.train.lr),
				evals: chunks.flatMap((c) => c.evals)
			});
		}
		db.close();
		return out;
	});
}
