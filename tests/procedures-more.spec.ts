// The second set of procedures end to end on wasm with tiny budgets: the maxTrainSteps sweep, the
// early-instability check, the warmup procedure and Round 1 → Round 2, each leaving ordinary studies.
import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

test('maxTrainSteps sweep: four learning rates on wasm, a reading and a table', async ({ page }) => {
	await page.goto('/procedures');
	const section = page.getByTestId('train-steps');
	await section.getByTestId('ts-backend').selectOption('wasm');
	await section.getByTestId('ts-lr-min').fill('0.001');
	await section.getByTestId('ts-lr-max').fill('0.1');
	await section.getByTestId('ts-trials').fill('4');
	await section.getByTestId('ts-steps').fill('60');
	await section.getByTestId('ts-target').fill('50');
	await section.getByTestId('run-train-steps').click();
	await expect(section.getByTestId('ts-reading')).toBeVisible({ timeout: 90_000 });
	await expect(section.getByTestId('ts-row')).toHaveCount(4);
	console.log('sweep reading:', await section.getByTestId('ts-reading').textContent());
});

test('early instability, warmup and round 2 from a finished study', async ({ page }) => {
	await openLab(page);
	const budget = { maxTrainSteps: 40, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 1 };
	await importStudy(page, twoTrialStudy('Round one source', budget, 0.05));
	await expect(page.getByTestId('study-name')).toHaveText('Round one source');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 60_000 });

	await page.goto('/procedures');
	const early = page.getByTestId('early-instability');
	await early.getByTestId('early-study').selectOption({ label: 'Round one source' });
	await early.getByTestId('early-steps').fill('20');
	await early.getByTestId('early-backend').selectOption('wasm');
	await early.getByTestId('run-early').click();
	await expect(early.getByTestId('early-reading')).toHaveAttribute('data-kind', /stable|recovered|diverged/, {
		timeout: 60_000
	});
	await expect(early.getByTestId('early-plot')).toBeVisible();

	const warmup = page.getByTestId('warmup');
	await warmup.getByTestId('warmup-unstable-lr').fill('0.05');
	await warmup.getByTestId('warmup-intended').fill('100');
	await warmup.getByTestId('warmup-lengths').fill('2, 5, 20');
	await expect(warmup.getByTestId('warmup-warning')).toContainText('20 steps');
	await warmup.getByTestId('warmup-backend').selectOption('wasm');
	await expect(warmup.getByTestId('run-warmup')).toHaveText('Run 2 warmups');
	await warmup.getByTestId('run-warmup').click();
	await expect(warmup.getByTestId('warmup-reading')).toBeVisible({ timeout: 60_000 });
	const reading = await warmup.getByTestId('warmup-reading').textContent();
	console.log('warmup reading:', reading);
	// After a reload the run is offered again from the studies it left, and reads the same.
	await page.reload();
	const picker = page.getByTestId('warmup').getByTestId('warmup-earlier');
	await picker.selectOption({ index: 1 });
	await expect(page.getByTestId('warmup').getByTestId('warmup-reading')).toHaveText(reading!);

	const round = page.getByTestId('round-two');
	await round.getByTestId('round-two-study').selectOption({ label: 'Round one source' });
	await round.getByTestId('round-two-factors').fill('2');
	await round.getByTestId('run-round-two').click();
	const created = round.getByTestId('round-two-created').locator('li');
	await expect(created).toHaveCount(2);
	await expect(created.first()).toContainText('Round 2 (2×, 80 steps)');
	await expect(created.nth(1)).toContainText('Round 2 branches (80 steps constant)');
});
