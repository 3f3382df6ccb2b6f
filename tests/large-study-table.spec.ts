// The trial table of a study with many trials renders only the rows in view (issue 20, item 12): a
// 1,000-trial study opens with a window of rows, scrolling the table brings the last trial into view
// and drops the first, and sorting still orders all 1,000.
import { expect, test } from '@playwright/test';
import { serializeStudy } from '../src/lib/study/study-file';
import { syntheticStudy } from '../src/lib/testing/synthetic-study';
import { importStudy, openLab } from './helpers';

const TRIALS = 1000;

test('a 1,000-trial study: the table renders a window of rows and scrolls through all of them', async ({
	page
}) => {
	test.setTimeout(180_000);
	const study = syntheticStudy(
		Array.from({ length: TRIALS }, (_, i) => ({
			params: { learningRate: 1e-4 * 10 ** ((i * 0.37) % 3), weightDecay: 1e-3 * 10 ** ((i * 0.73) % 2) },
			trainLoss: (t: number) => 1 + i / TRIALS + Math.exp(-t / 10),
			valLoss: (t: number) => 1.1 + i / TRIALS + Math.exp(-t / 10)
		})),
		{ maxTrainSteps: 20, evalEvery: 10 }
	);
	study.name = 'A thousand trials';
	await openLab(page);
	await importStudy(page, serializeStudy(study));
	const table = page.getByTestId('study-trial-table');
	await expect(table).toBeVisible({ timeout: 60_000 });
	// Every trial is counted (the header row is row 1), only some are rendered.
	await expect(table).toHaveAttribute('aria-rowcount', String(TRIALS + 1));
	const rows = table.getByTestId('study-trial-row');
	await expect(rows.first()).toHaveAttribute('data-index', '0');
	const rendered = await rows.count();
	expect(rendered).toBeGreaterThan(10);
	expect(rendered).toBeLessThan(200);
	await expect(table.locator('[data-index="999"]')).toHaveCount(0);

	// Scrolled to the bottom, the last trial is rendered, in view, at its row index, and the first is gone.
	await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
	const last = table.locator('[data-index="999"]');
	await expect(last).toHaveAttribute('aria-rowindex', String(TRIALS + 1));
	// Inside the table's scroll box, not only in the document: its bottom edge is within the box's.
	const inBox = await last.evaluate((row) => {
		const box = row.closest('table')!.getBoundingClientRect();
		const r = row.getBoundingClientRect();
		return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.height > 0;
	});
	expect(inBox).toBe(true);
	await expect(table.locator('[data-index="0"]')).toHaveCount(0);

	// Sorting orders all trials, not only the rendered ones: descending by #, the top row is 999.
	await table.evaluate((el) => (el.scrollTop = 0));
	// The table starts sorted by # ascending; one click on # turns it descending.
	await table.getByRole('button', { name: /^#/ }).click();
	await expect(rows.first()).toHaveAttribute('data-index', '999');
	// Keyboard: the table's rows stay focusable, and Enter selects a trial.
	await rows.first().focus();
	await page.keyboard.press('Enter');
	await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
});
