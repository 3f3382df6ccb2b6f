import { expect, test } from '@playwright/test';
import { configureShortTrial, openLab, runTrialAndWait } from './helpers';

// Issues 11 and 19: `auto` measures each engine × backend pair on the trial's own workload and trains on
// the fastest. The test reads the measured speeds from the panel and checks the pair the worker really
// trained on.
test('auto runs on the engine and backend its probe measured fastest, and says so', async ({ page }) => {
	await openLab(page);
	await configureShortTrial(page, 'auto', 40, 20);
	await page.getByRole('button', { name: 'Check' }).click();
	const probe = page.getByTestId('backend-probe');
	await expect(probe).toBeVisible({ timeout: 180_000 });
	const rows = await probe.getByTestId('pair-row').evaluateAll((all) =>
		all.map((row) => ({
			engine: row.getAttribute('data-engine')!,
			backend: row.getAttribute('data-backend')!,
			stepsPerSecond: Number(row.querySelector('[data-testid="pair-speed"]')?.textContent ?? NaN),
			error: row.querySelector('[data-testid="pair-error"]')?.textContent ?? null
		}))
	);
	// Both engines were measured on wasm and WebGPU, TF.js also on WebGL and cpu, each with a
	// speed or the reason it failed (six pairs).
	expect(rows.map((r) => `${r.engine}/${r.backend}`).sort()).toEqual(
		['jax/wasm', 'jax/webgpu', 'tfjs/cpu', 'tfjs/wasm', 'tfjs/webgl', 'tfjs/webgpu'].sort()
	);
	for (const r of rows) expect(Number.isFinite(r.stepsPerSecond) || (r.error ?? '').length > 8).toBe(true);
	const measured = rows.filter((r) => Number.isFinite(r.stepsPerSecond) && r.stepsPerSecond > 0);
	expect(measured.length).toBeGreaterThan(0);
	const fastest = measured.reduce((a, b) => (b.stepsPerSecond > a.stepsPerSecond ? b : a));
	await expect(probe.locator('tr.fastest')).toHaveAttribute('data-engine', fastest.engine);
	await expect(probe.locator('tr.fastest')).toHaveAttribute('data-backend', fastest.backend);
	await expect(page.getByTestId('backend-name')).toHaveText(fastest.backend);
	await expect(page.getByTestId('engine-name')).toHaveText(fastest.engine);

	const id = await runTrialAndWait(page, 180_000);
	// The trial's own report: the engine and backend it ran on, from the worker.
	await expect(page.locator(`[data-testid="trial-row"][data-trial-id="${id}"]`)).toContainText(
		`${fastest.engine} · ${fastest.backend}`
	);
	await expect(page.getByTestId('backend-name')).toHaveText(fastest.backend);
	await expect(page.getByTestId('backend-probe')).toBeVisible();
});
