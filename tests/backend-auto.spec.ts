import { expect, test } from '@playwright/test';
import { configureShortTrial, openLab, runTrialAndWait } from './helpers';

// Issue 11: `auto` measures each backend on the trial's own workload and trains on the fastest. The
// test reads the measured speeds from the panel and checks the backend the worker really trained on.
test('auto runs on the backend its probe measured fastest, and says so', async ({ page }) => {
	await openLab(page);
	await configureShortTrial(page, 'auto', 40, 20);
	await page.getByRole('button', { name: 'Check' }).click();
	const probe = page.getByTestId('backend-probe');
	await expect(probe).toBeVisible({ timeout: 120_000 });
	const speeds = await probe.locator('tr[data-backend]').evaluateAll((rows) =>
		rows.map((row) => ({
			backend: row.getAttribute('data-backend')!,
			stepsPerSecond: Number(row.querySelectorAll('td')[1]!.textContent)
		}))
	);
	const measured = speeds.filter((s) => Number.isFinite(s.stepsPerSecond) && s.stepsPerSecond > 0);
	expect(measured.length).toBeGreaterThan(0);
	const fastest = measured.reduce((a, b) => (b.stepsPerSecond > a.stepsPerSecond ? b : a)).backend;
	await expect(probe.locator('tr.fastest')).toHaveAttribute('data-backend', fastest);
	await expect(page.getByTestId('backend-name')).toHaveText(fastest);

	const id = await runTrialAndWait(page, 180_000);
	// The trial's own report: the backend tfjs ran it on, from the worker.
	await expect(page.locator(`[data-testid="trial-row"][data-trial-id="${id}"]`)).toContainText(fastest);
	await expect(page.getByTestId('backend-name')).toHaveText(fastest);
	await expect(page.getByTestId('backend-probe')).toBeVisible();
});
