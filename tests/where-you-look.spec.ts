import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab } from './helpers';

// Issue 24, item 2: what a click asks for comes into view with focus; the read-out sits at the cursor;
// the home page lists studies with status, trials, best value and date, sortable and searchable.
const FIXTURE = readFileSync('tests/fixtures/analysis-params.study.json', 'utf8');

async function openFixture(page: Page): Promise<string> {
	await openLab(page);
	await importStudy(page, FIXTURE, 'analysis-params.study.json');
	await expect(page.getByTestId('study-name')).toBeVisible();
	return new URL(page.url()).searchParams.get('id')!;
}

test('a trial row brings its curves into view and focus; the hover tooltip lists every run at that step', async ({
	page
}) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await openFixture(page);
	const row = page.locator('[data-testid="study-trial-row"][data-index="13"]');
	await row.click();
	const panel = page.getByTestId('selected-trial');
	await expect(panel).toBeFocused();
	await expect(panel).toHaveAccessibleName('Selected trial 13');
	const loss = panel.locator('figure[data-chart="Loss"]');
	await expect(loss).toBeInViewport();
	// The keyboard does the same: Enter on another row.
	await page.locator('[data-testid="study-trial-row"][data-index="2"]').focus();
	await page.keyboard.press('Enter');
	await expect(panel).toBeFocused();
	await expect(panel).toHaveAccessibleName('Selected trial 2');

	// Hover the middle of the loss plot: a tooltip beside the pointer, one line per visible run.
	const overlay = loss.locator('.overlay');
	const box = (await overlay.boundingBox())!;
	const at = { x: box.x + box.width * 0.4, y: box.y + box.height * 0.5 };
	await page.mouse.move(at.x, at.y);
	const tip = loss.getByTestId('chart-tooltip');
	await expect(tip).toBeVisible();
	const tipBox = (await tip.boundingBox())!;
	// Its corner sits within 20 px of the pointer (12 px right, 8 px down), not below the chart.
	expect(Math.abs(tipBox.x - at.x)).toBeLessThan(20);
	expect(Math.abs(tipBox.y - at.y)).toBeLessThan(20);
	const legend = await loss.locator('.legend span').allTextContents();
	const lines = await tip.locator('div:not(.tip-step)').allTextContents();
	expect(lines.map((l) => l.split(':')[0])).toEqual(legend);
	await expect(tip.locator('.tip-step')).toHaveText(/^step \d+$/);
	await page.mouse.move(0, 0);
	await expect(tip).toHaveCount(0);
});

test('"Show trial N" on a finding scrolls to the stability chart of trial N and focuses it', async ({
	page
}) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	const id = await openFixture(page);
	await page.goto(`/analysis?id=${encodeURIComponent(id)}`);
	const show = page.getByTestId('finding-trial').first();
	await expect(show).toBeVisible();
	const trial = (await show.textContent())!.trim();
	await show.click();
	const stability = page.getByTestId('stability-panel');
	await expect(stability).toBeFocused();
	await expect(stability).toBeInViewport();
	await expect(stability.getByTestId('stability-trial')).toHaveValue(trial);
});

test('the home page lists studies with status, trials, best value and date; sortable and searchable', async ({
	page
}) => {
	await openFixture(page);
	const draft = JSON.parse(FIXTURE);
	draft.name = 'A fresh draft on digits';
	draft.trials = [];
	await page.goto('/');
	await importStudy(page, draft, 'draft.study.json');
	await expect(page.getByTestId('study-name')).toHaveText('A fresh draft on digits');
	await page.goto('/');
	const list = page.getByTestId('study-list');
	const rows = list.getByTestId('study-list-row');
	await expect(rows).toHaveCount(2);
	const fixture = rows.filter({ hasText: 'Analysis fixture' });
	await expect(fixture.getByTestId('study-list-status')).toHaveText('imported, read-only');
	await expect(fixture.getByTestId('study-list-trials')).toHaveText(/^\d+ \/ 24$/);
	await expect(fixture.getByTestId('study-list-best')).toContainText('validation loss');
	await expect(fixture.getByTestId('study-list-date')).toContainText(/finished|created/);
	const fresh = rows.filter({ hasText: 'A fresh draft' });
	await expect(fresh.getByTestId('study-list-best')).toHaveText('—');

	// Sorting by best value puts the study with one first either way (no value sorts last).
	await page.getByTestId('study-sort-best').click();
	await expect(page.getByTestId('study-sort-best').locator('..')).toHaveAttribute('aria-sort', 'ascending');
	await expect(rows.first()).toContainText('Analysis fixture');
	await page.getByTestId('study-sort-name').click();
	await expect(rows.first()).toContainText('A fresh draft');
	await page.getByTestId('study-sort-name').click();
	await expect(rows.first()).toContainText('Analysis fixture');
	await expect(page.getByTestId('study-sort-name').locator('..')).toHaveAttribute('aria-sort', 'descending');

	await page.getByTestId('study-search').fill('fresh DIGITS');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText('A fresh draft');
	await page.getByTestId('study-search').fill('no such study');
	await expect(rows).toHaveCount(0);
	await expect(list).toContainText('No study matches');
});

test('a trial’s metrics and every trial’s metrics download as CSV', async ({ page }) => {
	await openFixture(page);
	await page.locator('[data-testid="study-trial-row"][data-index="2"]').click();
	const [one] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('download-trial-metrics').click()
	]);
	expect(one.suggestedFilename()).toMatch(/\.trial-2\.metrics\.csv$/);
	const lines = readFileSync((await one.path())!, 'utf8')
		.trimEnd()
		.split('\r\n');
	expect(lines[0]).toMatch(/^trial,step,loss,lr,gradNorm,clipped,valLoss/);
	expect(lines.length).toBeGreaterThan(2);
	expect(lines.slice(1).every((l) => l.startsWith('2,'))).toBe(true);
	const [all] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('download-study-metrics').click()
	]);
	const rows = readFileSync((await all.path())!, 'utf8')
		.trimEnd()
		.split('\r\n')
		.slice(1);
	// Every trial of the fixture that logged steps appears, in index order.
	const trials = [...new Set(rows.map((l) => Number(l.split(',')[0])))];
	expect(trials).toEqual([...trials].sort((a, b) => a - b));
	expect(trials.length).toBeGreaterThan(10);
});

test('the trial-variance picker marks the best trial, picks it first and formats its parameters', async ({
	page
}) => {
	const id = await openFixture(page);
	// The fixture's best validation loss, computed here from the file: lowest valLoss of a completed trial.
	const fixture = JSON.parse(FIXTURE) as {
		trials: { index: number; status: string; metrics: { evals: { valLoss: number }[] } }[];
	};
	let best = { index: -1, value: Infinity };
	for (const t of fixture.trials) {
		if (t.status !== 'completed') continue;
		for (const e of t.metrics.evals) if (e.valLoss < best.value) best = { index: t.index, value: e.valLoss };
	}
	await page.goto(`/procedures?study=${encodeURIComponent(id)}`);
	const picker = page.getByTestId('trial-variance').getByTestId('variance-trial');
	await expect(picker).toHaveValue(String(best.index));
	const labels = await picker.locator('option').allTextContents();
	expect(labels.filter((l) => l.includes('★ best'))).toEqual([
		labels.find((l) => l.startsWith(`#${best.index} `))
	]);
	// No parameter value carries more than four significant digits (0.0003984, not 0.00039839865193247974).
	for (const label of labels) {
		for (const [, value] of label.matchAll(/=([-\d.e+]+)/g)) {
			expect(
				value!
					.replace(/e.*$/, '')
					.replace(/^[-0.]+/, '')
					.replace('.', '').length
			).toBeLessThanOrEqual(4);
		}
	}
});
