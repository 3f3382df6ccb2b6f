import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { importStudy, openLab } from './helpers';

// The crafted study (scripts/analysis-params-fixture.ts; regenerate with
// `npx tsx scripts/analysis-params-fixture.ts`): 24 trials over learningRate (log 1e-4..1), weightDecay
// and hiddenWidth (scientific); 4 trials with learningRate > 0.25 are infeasible; the loss depends on
// the learning rate only (plus a little on width 32).
const FIXTURE = 'tests/fixtures/analysis-params.study.json';
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
	trials: { status: string; params: Record<string, number> }[];
};
const total = fixture.trials.length;
const infeasible = fixture.trials.filter((t) => t.status === 'infeasible').length;

test('parameter plots: axis plots, objective switch, brushing, importance, isolation and bootstrap', async ({
	page
}) => {
	expect(total).toBe(24);
	expect(infeasible).toBe(4);
	await openLab(page);
	await importStudy(page, readFileSync(FIXTURE, 'utf8'), 'analysis-params.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Analysis fixture/);
	await page.getByTestId('open-analysis').click();
	await expect(page.getByTestId('parameter-plots')).toBeVisible();

	// One axis plot per searched parameter, every finished trial a point, infeasible ones as red ×.
	const plots = page.getByTestId('axis-plot');
	await expect(plots).toHaveCount(3);
	for (const name of ['learningRate', 'weightDecay', 'hiddenWidth']) {
		const plot = page.locator(`[data-testid="axis-plot"][data-param="${name}"]`);
		await expect(plot.locator('circle.point')).toHaveCount(total - infeasible);
		await expect(plot.locator('[data-infeasible="true"]')).toHaveCount(infeasible);
		await expect(plot.locator('[data-infeasible="true"] line').first()).toHaveCSS(
			'stroke',
			'rgb(185, 28, 28)'
		);
	}
	await expect(plots.first()).toContainText('× infeasible (4)');

	// Importance (from the analysis worker): the learning rate, the only parameter the loss depends on
	// (besides a small width penalty), comes first.
	const bars = page.getByTestId('importance-bar');
	await expect(bars).toHaveCount(3);
	await expect(bars.first()).toHaveAttribute('data-param', 'learningRate');

	// Switching the objective redraws the plots under the new metric; the accuracy mostly follows the
	// width, so the width becomes the most important parameter.
	const lr = page.locator('[data-testid="axis-plot"][data-param="learningRate"]');
	const heights = () => lr.locator('circle.point').evaluateAll((cs) => cs.map((c) => c.getAttribute('cy')));
	const before = await heights();
	await expect(page.getByTestId('objective-metric')).toHaveValue('valLoss');
	await page.getByTestId('objective-metric').selectOption('valAccuracy');
	await expect(lr).toContainText('validation accuracy (fraction correct), best over training');
	expect(await heights()).not.toEqual(before);
	await expect(bars.first()).toHaveAttribute('data-param', 'hiddenWidth');
	await page.getByTestId('objective-reduce').selectOption('final');
	await expect(lr).toContainText('validation accuracy (fraction correct), at the end');
	await page.getByTestId('objective-metric').selectOption('valLoss');
	await page.getByTestId('objective-reduce').selectOption('best');
	await expect(bars.first()).toHaveAttribute('data-param', 'learningRate');

	// Brushing the upper half of the learning-rate axis (a log axis: 1e-2 to 1) selects those trials.
	const count = page.getByTestId('pc-selected-count');
	await expect(count).toHaveText(`All ${total} trials (drag along an axis to brush)`);
	const axis = page.locator('[data-testid="pc-axis"][data-axis="learningRate"]');
	await page.getByTestId('parallel-coordinates').scrollIntoViewIfNeeded();
	const box = (await axis.boundingBox())!;
	const x = box.x + box.width / 2;
	await page.mouse.move(x, box.y + 0.5);
	await page.mouse.down();
	await page.mouse.move(x, box.y + box.height * 0.25, { steps: 4 });
	await page.mouse.move(x, box.y + box.height * 0.5, { steps: 4 });
	await page.mouse.up();
	const upperHalf = fixture.trials.filter((t) => t.params.learningRate! >= 1e-2).length;
	await expect(count).toHaveText(`${upperHalf} of ${total} trials selected`);
	// A second brush on the objective axis narrows the selection (AND); Escape clears every brush.
	const objective = page.locator('[data-testid="pc-axis"][data-axis="valLoss"]');
	const ob = (await objective.boundingBox())!;
	await page.mouse.move(ob.x + ob.width / 2, ob.y + 0.5);
	await page.mouse.down();
	await page.mouse.move(ob.x + ob.width / 2, ob.y + ob.height * 0.3, { steps: 4 });
	await page.mouse.up();
	const narrowed = Number((await count.textContent())!.split(' ')[0]);
	expect(narrowed).toBeGreaterThan(0);
	expect(narrowed).toBeLessThan(upperHalf);
	await page.getByTestId('parallel-coordinates').press('Escape');
	await expect(count).toHaveText(`All ${total} trials (drag along an axis to brush)`);

	// Isolation plot of the scientific width: one group per value; bootstrap box plots with a reading.
	await expect(page.getByTestId('isolation-plot')).toHaveAttribute('data-param', 'hiddenWidth');
	await expect(page.getByTestId('isolation-count')).toHaveCount(3);
	await expect(page.getByTestId('bootstrap-box')).toHaveCount(6); // 1, 2, 4, 8, 16, 24
	await expect(page.getByTestId('bootstrap-reading')).toContainText('median best');

	// Clicking a point selects that trial everywhere.
	await lr.locator('circle.point').first().click();
	await expect(page.getByTestId('selected-trial')).toContainText('Trial #');
});
