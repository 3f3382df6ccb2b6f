import { expect, test } from '@playwright/test';
import { configureShortTrial, newestTrialId, openLab, readStoredMetrics } from './helpers';

test('a wasm trial on digits trains without freezing the page, and survives a reload', async ({ page }) => {
	await openLab(page);
	await configureShortTrial(page, 'wasm', 200, 25);
	await expect(page.getByTestId('backend-name')).toHaveText('wasm');

	// The first visit also installs the service worker, which downloads and caches every dataset and
	// wasm binary on the same two cores; let that finish so the count below measures training alone.
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
	// Count main-thread long tasks (> 50 ms) from the moment training starts.
	await page.evaluate(() => {
		const w = window as unknown as { longTasks: number[] };
		w.longTasks = [];
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
		}).observe({ type: 'longtask' });
	});
	await page.getByTestId('run').click();
	await expect(page.getByTestId('progress')).toBeVisible();
	const row = page.getByTestId('trial-row').first();
	await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
	const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
	expect(longTasks, `long tasks (ms): ${longTasks.join(', ')}`).toEqual([]);

	const id = await newestTrialId(page);
	const stored = await readStoredMetrics(page, id);
	expect(stored.trainLoss).toHaveLength(200);
	expect(stored.evals.map((e) => e.step)).toEqual([0, 25, 50, 75, 100, 125, 150, 175, 200]);
	expect(stored.evals.at(-1)!.valLoss).toBeLessThan(stored.evals[0]!.valLoss * 0.5);

	const trainPath = page.locator('path[data-series="train"]');
	const pathBefore = await trainPath.getAttribute('d');
	expect(pathBefore?.length).toBeGreaterThan(200);

	// Hover read-out names the step under the pointer.
	const lossChart = page.locator('[data-chart="Loss"]');
	const overlay = lossChart.locator('.overlay');
	const box = await overlay.boundingBox();
	await overlay.hover({ position: { x: box!.width / 2, y: box!.height / 2 } });
	await expect(lossChart.getByTestId('chart-readout')).toContainText(/train loss @ step 1\d\d/);

	// The log-scale toggle redraws the same data on another axis.
	await lossChart.getByLabel('log scale').check();
	await expect(trainPath).not.toHaveAttribute('d', pathBefore!);

	await page.reload();
	await expect(page.getByTestId('trial-row').first()).toHaveAttribute('data-trial-id', id);
	await expect(page.getByTestId('trial-row').first()).toHaveAttribute('data-status', 'completed');
	await expect(page.locator('path[data-series="train"]')).toHaveAttribute('d', /.{200,}/);
	await expect(page.locator('path[data-series="val"]')).toHaveAttribute('d', /M.+L/);
});

test('the same trial trains on WebGPU inside the worker and its loss falls', async ({ page }) => {
	await openLab(page);
	await configureShortTrial(page, 'webgpu', 60, 30);
	// The worker reports tf.getBackend() after initialising the backend it was asked for.
	await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
	await page.getByTestId('run').click();
	const row = page.getByTestId('trial-row').first();
	await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
	await expect(row).toContainText('webgpu');
	const stored = await readStoredMetrics(page, await newestTrialId(page));
	expect(stored.trainLoss).toHaveLength(60);
	expect(stored.evals.at(-1)!.valLoss).toBeLessThan(stored.evals[0]!.valLoss);
	const firstLosses = stored.trainLoss.slice(0, 10).reduce((a, b) => a + b) / 10;
	const lastLosses = stored.trainLoss.slice(-10).reduce((a, b) => a + b) / 10;
	expect(lastLosses).toBeLessThan(firstLosses);
});

test('the backend picker says plainly that the WebGPU adapter is a software fallback', async ({ page }) => {
	await openLab(page);
	await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
	await expect(page.getByTestId('fallback-notice')).toContainText('software fallback');
	await expect(page.getByTestId('adapter-info')).toContainText(/swiftshader/i);
});
