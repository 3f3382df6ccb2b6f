import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { farApart } from './batched-curves';
import { openLab } from './helpers';

// Issue 19, item 4: trials of one study whose shapes are identical train together as one vectorised
// step in one worker. A digits MLP study on the compiled engine (wasm), four learning rates of plain
// SGD, one of which (50) diverges: run once with four trials per worker and once with one, each trial's
// stored curve must be the same within rounding, the diverged trial must end infeasible in both
// without stopping the others, and the study page must say which trials shared a batch.
//
// "The same curve" means within 1e-5 relative (RELATIVE_TOLERANCE of tests/batched-curves.ts, which says why).

function study(name: string) {
	const base = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	return {
		...base,
		name,
		budget: { maxTrainSteps: 60, evalEvery: 20, checkpointEvery: 20, keepBestCheckpoints: 1 },
		fixed: { ...base.fixed, hiddenWidth: 32, engine: 'jax', backend: 'wasm' },
		search: { algorithm: 'grid', trials: 4, seed: 1 },
		params: [{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [0.003, 0.01, 0.1, 50] }]
	};
}

interface ExportedTrial {
	index: number;
	status: string;
	reason?: string;
	batch?: string;
	params: { learningRate: number };
	metrics: { train: Record<string, number[]>; evals: Record<string, number>[] };
}

async function run(page: Page, name: string, batch: number): Promise<ExportedTrial[]> {
	const text = await page.evaluate(
		({ file, batch }) =>
			(
				window as unknown as {
					tuningLab: { runStudy(text: string, options: object): Promise<string> };
				}
			).tuningLab.runStudy(file, { concurrency: 1, batch }),
		{ file: JSON.stringify(study(name)), batch }
	);
	return (JSON.parse(text) as { trials: ExportedTrial[] }).trials.sort((a, b) => a.index - b.index);
}

async function studyId(page: Page, name: string): Promise<string> {
	return page.evaluate(async (name) => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const all = await new Promise<{ id: string; definition: { name: string } }[]>((resolve) => {
			const r = db.transaction('studies').objectStore('studies').getAll();
			r.onsuccess = () => resolve(r.result);
		});
		return all.find((s) => s.definition.name === name)!.id;
	}, name);
}

test('trials trained in a batch have the curves they have alone, a diverged one leaves, and the study page shows the batch', async ({
	page
}) => {
	test.setTimeout(300_000);
	await openLab(page);
	await page.waitForFunction(() => 'tuningLab' in window);

	const batched = await run(page, 'Batched digits', 4);
	const alone = await run(page, 'Alone digits', 1);

	expect(batched.map((t) => t.params.learningRate)).toEqual([0.003, 0.01, 0.1, 50]);
	expect(alone.map((t) => t.params.learningRate)).toEqual([0.003, 0.01, 0.1, 50]);
	// Learning rate 50 diverges (loss past 10× its first value): infeasible, the others complete.
	expect(
		batched.map((t) => t.status),
		batched.map((t) => t.reason ?? '').join('; ')
	).toEqual(['completed', 'completed', 'completed', 'infeasible']);
	expect(alone.map((t) => t.status)).toEqual(batched.map((t) => t.status));
	// All four trained in one batch; trained alone, none has a batch.
	const ids = new Set(batched.map((t) => t.batch));
	expect(ids.size).toBe(1);
	expect([...ids][0]).toMatch(/^batch-/);
	expect(alone.every((t) => t.batch === undefined)).toBe(true);
	for (const [i, t] of batched.entries()) {
		expect(t.metrics.train.step!.length, `trial ${i}'s steps`).toBeGreaterThan(0);
		expect(farApart(t.metrics, alone[i]!.metrics), `trial ${i}'s metrics batched against alone`).toEqual([]);
	}
	expect(batched[0]!.metrics.train.step).toHaveLength(60);
	// The diverged trial left early, the others went on to the end.
	expect(batched[3]!.metrics.train.step!.length).toBeLessThan(60);

	// The study page's trial table says which trials shared a batch, as text a screen reader reads.
	await page.goto(`/study?id=${await studyId(page, 'Batched digits')}`);
	const cells = page.getByTestId('trial-batch');
	await expect(cells).toHaveText(Array(4).fill('batch 1 (4 trials)'));
	await expect(page.getByRole('columnheader', { name: 'batch' })).toBeVisible();
	await page.goto(`/study?id=${await studyId(page, 'Alone digits')}`);
	await expect(page.getByTestId('trial-batch')).toHaveText(Array(4).fill('alone'));
});
