import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { importStudy, openLab } from './helpers';

// Compare studies, isolation plots side by side (issue 20, item 10): the crafted analysis study
// (tests/fixtures/analysis-params.study.json, hiddenWidth scientific with values 32, 64, 128) against a
// second round whose every validation loss is halved. Each width's point in the second panel must
// then be exactly half the first panel's, and sit lower on the one shared axis.
interface FixtureTrial {
	index: number;
	status: string;
	best?: unknown;
	params: Record<string, number>;
	metrics: { evals: { step: number; valLoss: number }[] };
}
const study = JSON.parse(readFileSync('tests/fixtures/analysis-params.study.json', 'utf8')) as {
	name: string;
	trials: FixtureTrial[];
};
const round2 = structuredClone(study);
round2.name = 'Round 2 (losses halved)';
for (const trial of round2.trials) {
	delete trial.best;
	trial.metrics.evals = trial.metrics.evals.map((row) => ({ ...row, valLoss: row.valLoss / 2 }));
}
/** The best valLoss of the completed trials of each hidden width, computed here from the file. */
const bestByWidth = [32, 64, 128].map((width) =>
	Math.min(
		...study.trials
			.filter((t) => t.status === 'completed' && t.params.hiddenWidth === width)
			.flatMap((t) => t.metrics.evals.map((row) => row.valLoss))
	)
);

async function tabTo(page: Page, target: Locator, max = 400): Promise<void> {
	for (let k = 0; k < max; k++) {
		if (await target.evaluate((el) => el === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${target.toString()}`);
}

test('compare studies: isolation plots side by side on shared axes, keyboard and export', async ({
	page
}) => {
	await openLab(page);
	await importStudy(page, round2, 'round-2.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Round 2/);
	await openLab(page);
	await importStudy(page, study, 'analysis-isolation.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Analysis fixture/);
	await page.getByTestId('open-analysis').click();

	const panel = page.getByTestId('compare-panel');
	const pick = panel.getByTestId('compare-pick');
	await page.getByRole('link', { name: '← Back to the study' }).focus();
	await tabTo(page, pick);
	await page.keyboard.press('Space');
	await expect(pick).toBeChecked();

	const isolation = panel.getByTestId('compare-isolation');
	const panels = isolation.getByTestId('compare-isolation-panel');
	await expect(panels).toHaveCount(2);
	await expect(isolation.locator('figure')).toHaveAttribute('data-param', 'hiddenWidth');
	const read = (k: number) =>
		panels
			.nth(k)
			.locator('circle.best')
			.evaluateAll((cs) =>
				cs.map((c) => ({ value: Number(c.getAttribute('data-value')), cy: Number(c.getAttribute('cy')) }))
			);
	const first = await read(0);
	const second = await read(1);
	expect(first.map((p) => p.value)).toEqual(bestByWidth);
	second.forEach((p, k) => expect(p.value).toBeCloseTo(bestByWidth[k]! / 2, 12));
	// One shared axis: every halved point sits lower on the plot (a larger y in pixels) than its twin.
	second.forEach((p, k) => expect(p.cy).toBeGreaterThan(first[k]!.cy));
	// The same groups in both panels, at the same places.
	const ticks = (k: number) =>
		panels
			.nth(k)
			.locator('.axis-bottom .tick text:first-of-type')
			.evaluateAll((ts) => ts.map((t) => t.textContent));
	expect(await ticks(0)).toEqual(['32', '64', '128']);
	expect(await ticks(1)).toEqual(['32', '64', '128']);

	// The parameter is chosen with the keyboard.
	const param = isolation.getByTestId('compare-isolation-param');
	await tabTo(page, param);
	await page.keyboard.press('ArrowDown');
	await expect(isolation.locator('figure')).toHaveAttribute('data-param', 'learningRate');
	await expect(panels.first().locator('.axis-bottom .tick')).toHaveCount(6);

	// Export as SVG (names both studies) and PNG, from the keyboard-reachable buttons.
	const svg = page.waitForEvent('download');
	await isolation.getByTestId('export-svg').click();
	const svgFile = await svg;
	expect(svgFile.suggestedFilename()).toBe('compare-isolation-learningrate.svg');
	const text = readFileSync(await svgFile.path(), 'utf8');
	expect(text).toContain('Round 2 (losses halved)');
	expect(text).toContain(study.name.slice(0, 30));
	// Its title and point titles in words (issue 24, item 3), not the study file's code names.
	expect(text).toMatch(/<title[^>]*>Isolation plots of learning rate, best validation loss per bucket: /);
	expect(text).not.toMatch(/valLoss|learningRate|hiddenWidth/);
	const png = page.waitForEvent('download');
	await isolation.getByTestId('export-png').click();
	const pngFile = await png;
	expect(pngFile.suggestedFilename()).toBe('compare-isolation-learningrate.png');
	expect([...readFileSync(await pngFile.path()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});
