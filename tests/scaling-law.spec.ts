// The scaling-law procedure end to end on wasm with a tiny budget: three MLP widths on digits, each one
// constant-rate run with four cooldown branches, fitted in the page's analysis worker; the study export
// carries the points and the fit, and `tuning-lab scaling-law` prints the same fit from that file.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { start } from './cli-process';

test('scaling law: digits MLP widths 4/16/64 on wasm, fitted, exported, and the same from the CLI', async ({
	page
}) => {
	test.setTimeout(300_000);
	await page.goto('/procedures');
	const section = page.getByTestId('scaling-law');
	await section.getByTestId('sl-backend').selectOption('wasm');
	await expect(section.getByTestId('sl-size-key')).toHaveValue('hiddenWidth');
	await section.getByTestId('sl-sizes').fill('4, 16, 64');
	await section.getByTestId('sl-lr').fill('0.01');
	await section.getByTestId('sl-warmup').fill('5');
	await section.getByTestId('sl-steps').fill('160');
	// Four branch points spanning 8×: steps 20, 40, 80 and 160, each cooling down over a quarter of it.
	await section.getByTestId('sl-points').fill('4');
	await section.getByTestId('sl-span').fill('8');
	await section.getByTestId('run-scaling-law').click();
	await expect(section.getByTestId('sl-fit')).toBeVisible({ timeout: 240_000 });
	await expect(section.getByTestId('sl-points-count')).toContainText('12 points from 3 model sizes');
	await expect(section.getByTestId('sl-param')).toHaveCount(5);
	await expect(section.getByTestId('scaling-curves-D').getByTestId('scaling-point')).toHaveCount(12);
	await expect(section.getByTestId('scaling-curves-N').getByTestId('scaling-series')).toHaveCount(4);
	expect(await section.getByTestId('iso-loss-contour').count()).toBeGreaterThan(0);

	// A budget the user types gives the compute-optimal split and its predicted loss.
	await section.getByTestId('sl-budget').fill('1e9');
	await expect(section.getByTestId('sl-prediction')).toContainText('For C = 1.00e+9');
	await expect(section.getByTestId('budget-optimum')).toBeVisible();
	await section.getByTestId('sl-budget').fill('lots');
	await expect(section.getByRole('alert')).toContainText('"lots" is not a positive number');

	// After a reload the study is offered again and shows the fit stored with it.
	const alpha = await section.locator('[data-testid="sl-param"][data-key="alpha"]').textContent();
	await page.reload();
	const again = page.getByTestId('scaling-law');
	await again.getByTestId('sl-earlier').selectOption({ index: 1 });
	await expect(again.locator('[data-testid="sl-param"][data-key="alpha"]')).toHaveText(alpha!);

	// The export carries the points and the fit.
	await again.getByTestId('sl-study-link').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const text = readFileSync(await (await download).path(), 'utf8');
	const file = JSON.parse(text);
	expect(file.scalingLaw.size).toBe('hiddenWidth');
	const points = file.scalingLaw.points as { N: number; D: number; loss: number; fromStep: number }[];
	expect(points).toHaveLength(12);
	// N by hand: 64·w + w + 10·w + 10 for width w (64 inputs, 10 classes): 310, 1210 and 4810.
	expect([...new Set(points.map((p) => p.N))]).toEqual([310, 1210, 4810]);
	// D: (branch point + cooldown) × batch 64, e.g. (20 + 5) × 64 = 1600 and (160 + 40) × 64 = 12800.
	expect([...new Set(points.map((p) => p.D))]).toEqual([1600, 3200, 6400, 12800]);
	const fit = file.scalingLaw.fit;
	console.log('scaling fit from the page:', JSON.stringify(fit));

	const path = join(tmpdir(), `scaling-law-e2e-${process.pid}.json`);
	writeFileSync(path, text);
	const cli = await start('scaling-law', path).exited;
	expect(cli.stderr).toBe('');
	expect(cli.status).toBe(0);
	const printed = JSON.parse(cli.stdout);
	expect(printed.points).toEqual(file.scalingLaw.points);
	console.log('scaling fit from the CLI:', JSON.stringify({ ...printed, points: undefined }));
	// The page (Chromium's V8) and the command (Node's) run the same code, but their Math.exp and
	// Math.pow may differ in the last bits, and L-BFGS stops where the objective stops improving, so the
	// estimates agree to a relative 1e-6 rather than bit for bit. The bootstrap intervals are order
	// statistics of 200 refits; a tiny run leaves some refits on a flat ridge, so they are only required
	// to overlap.
	expect(printed.bootstrap).toBe(fit.bootstrap);
	for (const key of ['E', 'A', 'alpha', 'B', 'beta'] as const) {
		expect(Math.abs(printed[key] / fit[key] - 1), key).toBeLessThan(1e-6);
		const [lo, hi] = printed.intervals[key] as [number, number];
		expect(lo).toBeLessThanOrEqual(hi);
		expect(lo <= fit.intervals[key][1] && hi >= fit.intervals[key][0], `${key} intervals overlap`).toBe(true);
	}
});
