// A trial worker that dies with an error nothing caught (here thrown from a timer inside it, as a broken
// backend or a failed import would) must not leave its trial "running" forever: the trial fails with the
// reason and the next trial trains in a fresh worker.
import { expect, test } from '@playwright/test';
import { configureShortTrial, newestTrialId, openLab, runTrialAndWait } from './helpers';

test('an uncaught error in the trial worker fails the running trial and the next one trains', async ({
	page
}) => {
	await openLab(page);
	await configureShortTrial(page, 'wasm', 100_000, 1000);
	await page.getByTestId('run').click();
	await expect(page.getByTestId('trial-row').first()).toHaveAttribute('data-status', 'running');
	const id = await newestTrialId(page);
	const row = page.locator(`[data-testid="trial-row"][data-trial-id="${id}"]`);
	await expect(page.getByTestId('progress')).toContainText('step', { timeout: 30_000 });

	const worker = page.workers().find((w) => w.url().includes('trial-worker'));
	expect(worker, 'the trial worker is running').toBeDefined();
	await worker!.evaluate(() => {
		setTimeout(() => {
			throw new Error('simulated crash');
		});
	});
	await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 10_000 });
	await expect(row.locator('.status')).toHaveAttribute(
		'title',
		'the trial worker crashed: Uncaught Error: simulated crash'
	);

	await configureShortTrial(page, 'wasm', 60, 30);
	await runTrialAndWait(page, 60_000);
});
