import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, storedTrials, twoTrialStudy } from './helpers';

test('the tuning log shows the baseline, the experiment table and conclusions, and keeps them', async ({
	page
}) => {
	const study = twoTrialStudy(
		'Width check',
		{ maxTrainSteps: 60, evalEvery: 30, checkpointEvery: 30, keepBestCheckpoints: 1 },
		0.05
	);
	await openLab(page);
	await importStudy(page, study);
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });

	// Trial 1 becomes the baseline, with a note on it.
	await page.locator('[data-testid="study-trial-row"][data-index="1"]').click();
	await page.getByTestId('trial-notes').fill('wider trains faster here');
	await page.getByTestId('trial-notes').blur();
	await page.getByTestId('set-baseline').click();
	await expect(page.getByRole('status').filter({ hasText: 'now the baseline' })).toBeVisible();

	const trials = await storedTrials(page);
	const best = Math.min(...trials.flatMap((t) => t.evals.map((e) => e.valLoss)));
	const bestText = String(Number(best.toPrecision(4)));
	const width = (trials.find((t) => t.index === 1) as unknown as { config: { hiddenWidth: number } }).config
		.hiddenWidth;

	// When the study finished: the end of its last trial's run, as the page formats dates.
	const finishedAt = await page.evaluate(async () => {
		const open = indexedDB.open('tuning-lab');
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const request = db.transaction('trials').objectStore('trials').getAll();
		const all = await new Promise<{ runs?: { endedAt?: number }[] }[]>((resolve, reject) => {
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		db.close();
		const ends = all.flatMap((t) => (t.runs ?? []).map((r) => r.endedAt ?? 0));
		return new Date(Math.max(...ends)).toLocaleString();
	});

	await page.getByTestId('nav-log').click();
	await expect(page.getByTestId('tuning-log')).toBeVisible();
	await expect(page.getByTestId('study-when')).toHaveText(`(finished ${finishedAt})`);
	const row = page.getByTestId('experiment-row');
	await expect(row).toHaveCount(1);
	await expect(row.getByTestId('experiment-name')).toHaveText('Width check');
	await expect(row.getByTestId('experiment-trials')).toHaveText('2 / 2');
	await expect(row.getByTestId('experiment-best')).toContainText(`valLoss ${bestText}`);
	await expect(page.getByTestId('baseline')).toContainText('Width check, trial 1');
	await expect(page.getByTestId('baseline')).toContainText('hiddenWidth');
	await expect(page.getByTestId('baseline-key').filter({ hasText: 'hiddenWidth' })).toContainText(
		String(width)
	);

	await page.getByTestId('study-conclusion').fill('The wider net is better at this budget.');
	await page.getByTestId('changed-baseline').check();
	await page.getByTestId('save-conclusion').click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
	await expect(row.getByTestId('experiment-changed')).toHaveText('yes');

	// How to reproduce: the row offers the study file.
	const download = page.waitForEvent('download');
	await row.getByTestId('download-study').click();
	expect((await download).suggestedFilename()).toBe('Width-check.study.json');

	await page.reload();
	await expect(page.getByTestId('study-conclusion')).toHaveValue('The wider net is better at this budget.');
	await expect(page.getByTestId('changed-baseline')).toBeChecked();
	await expect(page.getByTestId('experiment-row').getByTestId('experiment-changed')).toHaveText('yes');
	await expect(page.getByTestId('experiment-row').getByTestId('experiment-best')).toContainText(bestText);
	await expect(page.getByTestId('baseline')).toContainText('Width check, trial 1');

	// The trial note was stored too.
	const stored = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		return new Promise<{ index: number; notes?: string }[]>((resolve) => {
			const r = db.transaction('trials').objectStore('trials').getAll();
			r.onsuccess = () => resolve(r.result);
		});
	});
	expect(stored.find((t) => t.index === 1)?.notes).toBe('wider trains faster here');
});
