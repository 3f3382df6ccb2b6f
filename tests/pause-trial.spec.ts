import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

test('a paused trial returns to the queue and later resumes from its checkpoint', async ({ page }) => {
	const study = twoTrialStudy('Pause one trial', {
		maxTrainSteps: 1200,
		evalEvery: 100,
		checkpointEvery: 200,
		keepBestCheckpoints: 1
	});
	await openLab(page);
	await importStudy(page, study);
	await runStudyOnWasm(page);
	const first = page.locator('[data-testid="study-trial-row"][data-index="0"]');
	await expect(first.getByTestId('best-checkpoint')).toContainText('step', { timeout: 60_000 });
	await first.getByTestId('pause-trial').click();
	await expect(first).toHaveAttribute('data-status', 'queued');
	await expect(first.locator('.status')).toHaveAttribute('title', /paused by the user at step \d+/);
	// The other trial still runs; the study ends paused because trial 0 waits in the queue.
	await expect(page.getByTestId('study-status')).toHaveText('paused', { timeout: 120_000 });
	await expect(page.locator('[data-testid="study-trial-row"][data-index="1"]')).toHaveAttribute(
		'data-status',
		'completed'
	);
	await page.getByTestId('run-study').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	await expect(first).toHaveAttribute('data-status', 'completed');
	await expect(first).toContainText('1200/1200');
});
