import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openLab } from './helpers';

test('a paused trial returns to the queue and later resumes from its checkpoint', async ({ page }) => {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = 'Pause one trial';
	study.budget = { maxTrainSteps: 1200, evalEvery: 100, checkpointEvery: 200, keepBestCheckpoints: 1 };
	study.search.trials = 2;
	study.fixed.learningRate = 0.01;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [64, 128] }];
	await openLab(page);
	await page.getByTestId('study-file-input').setInputFiles({
		name: 'pause.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(study))
	});
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await page.getByTestId('run-study').click();
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
