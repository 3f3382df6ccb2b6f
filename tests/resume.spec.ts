import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers';

// One short study, run twice: once straight through, once cut off by a reload and resumed.
function resumableStudy(): string {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = 'Resume after a closed tab';
	study.budget = { maxTrainSteps: 1200, evalEvery: 100, checkpointEvery: 200, keepBestCheckpoints: 2 };
	study.search.trials = 2;
	study.fixed.learningRate = 0.01;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [64, 128] }];
	return JSON.stringify(study);
}

interface StoredTrial {
	index: number;
	status: string;
	lastStep: number;
	checkpoints: { step: number }[];
	trainSteps: number[];
	trainLoss: number[];
	evals: { step: number; valLoss: number }[];
}

/** Trials of the only study in this browser profile, read straight from IndexedDB. */
function storedTrials(page: Page): Promise<StoredTrial[]> {
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
		type Trial = {
			id: string;
			index: number;
			status: string;
			lastStep: number;
			checkpoints?: { step: number }[];
		};
		type Chunk = { train: { step: number[]; loss: number[] }; evals: { step: number; valLoss: number }[] };
		const trials = (await all<Trial>('trials')).sort((a, b) => a.index - b.index);
		const out = [];
		for (const t of trials) {
			const chunks = await all<Chunk>('metrics', IDBKeyRange.bound([t.id, -Infinity], [t.id, Infinity]));
			out.push({
				index: t.index,
				status: t.status,
				lastStep: t.lastStep,
				checkpoints: t.checkpoints ?? [],
				trainSteps: chunks.flatMap((c) => c.train.step),
				trainLoss: chunks.flatMap((c) => c.train.loss),
				evals: chunks.flatMap((c) => c.evals)
			});
		}
		db.close();
		return out;
	});
}

async function importAndRun(page: Page) {
	await openLab(page);
	await page.getByTestId('study-file-input').setInputFiles({
		name: 'resume.json',
		mimeType: 'application/json',
		buffer: Buffer.from(resumableStudy())
	});
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await page.getByTestId('run-study').click();
}

test('a study cut off by a closed tab resumes from its checkpoints and matches an uninterrupted run exactly', async ({
	browser
}) => {
	const straight = await browser.newContext();
	const a = await straight.newPage();
	await importAndRun(a);
	await expect(a.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	const reference = await storedTrials(a);
	await straight.close();
	expect(reference.map((t) => t.status)).toEqual(['completed', 'completed']);
	// Latest (1200) plus the two best by validation loss are kept; the rest were dropped.
	expect(reference[0]!.checkpoints.length).toBeLessThanOrEqual(3);
	expect(reference[0]!.checkpoints.map((c) => c.step)).toContain(1200);

	const cut = await browser.newContext();
	const b = await cut.newPage();
	await importAndRun(b);
	// Wait for at least one checkpoint of trial 0, then close the page mid-trial.
	await expect
		.poll(async () => (await storedTrials(b))[0]!.checkpoints.length, { timeout: 60_000, intervals: [100] })
		.toBeGreaterThan(0);
	const before = (await storedTrials(b))[0]!;
	expect(before.status).toBe('running');
	expect(before.lastStep).toBeLessThan(1200);
	const studyUrl = b.url();
	await b.close();

	const c = await cut.newPage();
	await c.goto(studyUrl);
	await expect(c.getByTestId('study-status')).toHaveText('paused');
	await expect(c.locator('[data-testid="study-trial-row"][data-index="0"]')).toHaveAttribute(
		'data-status',
		'queued'
	);
	await c.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await c.getByTestId('run-study').click();
	await expect(c.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	const resumed = await storedTrials(c);
	await cut.close();

	for (const [i, trial] of resumed.entries()) {
		// Every step exactly once, and the same numbers as the run that was never interrupted.
		expect(trial.trainSteps).toEqual(Array.from({ length: 1200 }, (_, s) => s));
		expect(trial.trainLoss).toEqual(reference[i]!.trainLoss);
		expect(trial.evals).toEqual(reference[i]!.evals);
	}
});
