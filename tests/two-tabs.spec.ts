import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers';

/** Study indices of the trials this tab itself trained (the automation API tracks them per tab). */
async function ranHere(page: Page): Promise<number[]> {
	const ids = await page.evaluate(() => window.tuningLab!.trainedHere());
	return ids.map((id) => Number(id.split('-t').at(-1))).sort();
}

test('two tabs running the same study never train the same trial', async ({ context }) => {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.budget.maxTrainSteps = 240;
	study.budget.evalEvery = 120;
	study.params[1].values = [0.003, 0.01, 0.03]; // all trials train to the end

	const first = await context.newPage();
	await openLab(first);
	await first.getByTestId('study-file-input').setInputFiles({
		name: 'study.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(study))
	});
	await expect(first.getByTestId('study-trial-row')).toHaveCount(6);
	const url = first.url();

	// The second tab is open before the first starts: everything it shows next arrives live.
	const second = await context.newPage();
	await second.goto(url);
	await expect(second.getByTestId('study-trial-row')).toHaveCount(6);
	await second.getByTestId('study-trial-row').first().click();

	await first.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	// One trial at a time in the first tab (the wasm default is one per core), so both tabs have work.
	await first.getByTestId('concurrency').fill('1');
	await first.getByTestId('run-study').click();
	await expect(first.locator('[data-testid="study-trial-row"][data-status="running"]')).toHaveCount(1);

	// Without a reload, the second tab sees the first's trial start, its progress and its curves.
	const watched = second.locator('[data-testid="study-trial-row"][data-index="0"]');
	await expect(watched).toHaveAttribute('data-status', /running|completed/);
	// The progress cell alone: the row's text runs its cells together (engine · backend, buttons).
	await expect(watched.getByTestId('trial-progress')).toHaveText(/^\s*[1-9]\d*\/240\s*$/);
	await expect(second.getByTestId('study-status')).toHaveText(/running|finished/);
	// The selected trial's loss curve fills in from the metrics the first tab stores.
	const lossPath = second
		.getByRole('img', { name: /^Loss:/ })
		.locator('path[data-series]')
		.first();
	await expect
		.poll(async () => ((await lossPath.getAttribute('d')) ?? '').split('L').length)
		.toBeGreaterThan(10);

	await second.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await second.getByTestId('run-study').click();

	// Each tab's runner is idle again when its Run/Resume button comes back.
	await expect(first.getByTestId('run-study')).toBeVisible({ timeout: 180_000 });
	await expect(second.getByTestId('run-study')).toBeVisible({ timeout: 180_000 });

	const a = await ranHere(first);
	const b = await ranHere(second);
	expect(
		a.filter((i) => b.includes(i)),
		`first ran ${a}, second ran ${b}`
	).toEqual([]);
	expect([...a, ...b].sort()).toEqual([0, 1, 2, 3, 4, 5]);
	expect(b.length).toBeGreaterThan(0); // the second tab really took part

	// Whichever tab finished last marked the study finished, and every trial completed once.
	await first.reload();
	await expect(first.getByTestId('study-status')).toHaveText('finished');
	await expect(first.locator('[data-testid="study-trial-row"][data-status="completed"]')).toHaveCount(6);
});
