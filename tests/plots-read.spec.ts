import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { importStudy, openLab } from './helpers';

// Issue 24, item 3: plots that read like a paper. Axis titles in words with units, a band axis for a
// discrete parameter, tick labels that do not overlap, validation accuracy on its own curve.
const FIXTURE = readFileSync('tests/fixtures/analysis-params.study.json', 'utf8');
const CODE_NAMES = ['learningRate', 'weightDecay', 'hiddenWidth', 'valLoss', 'valAccuracy', 'trainLoss'];

/** Every axis title of the charts inside `root`. */
function axisTitles(root: Locator): Promise<string[]> {
	return root.locator('text.axis-label').allTextContents();
}

/** Pairs of tick labels on one axis whose boxes overlap (the axis's tick texts, in screen pixels). */
async function overlappingTicks(axis: Locator): Promise<string[]> {
	return axis.evaluate((g) => {
		const boxes = [...g.querySelectorAll(':scope > .tick text')].map((t) => ({
			text: t.textContent ?? '',
			box: t.getBoundingClientRect()
		}));
		const out: string[] = [];
		for (let i = 0; i < boxes.length; i++) {
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i]!.box;
				const b = boxes[j]!.box;
				if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
					out.push(`${boxes[i]!.text} / ${boxes[j]!.text}`);
				}
			}
		}
		return out;
	});
}

test('axis titles are words with units, a discrete parameter gets bands, ticks never overlap', async ({
	page
}) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await openLab(page);
	await importStudy(page, FIXTURE, 'analysis-params.study.json');
	await expect(page.getByTestId('study-name')).toBeVisible();

	// The study page: a trial's loss, validation accuracy, learning rate and gradient norm.
	await page.locator('[data-testid="study-trial-row"][data-index="2"]').click();
	const selected = page.getByTestId('selected-trial');
	const accuracy = selected.locator('figure[data-chart="Validation accuracy"]');
	await expect(accuracy).toBeVisible();
	await expect(accuracy.locator('path[data-series="val-acc"]')).toHaveCount(1);
	const titles = await axisTitles(selected);
	expect(titles).toContain('optimizer step');
	expect(titles).toContain('validation accuracy (fraction correct)');
	for (const name of CODE_NAMES) expect(titles).not.toContain(name);

	// The analysis page's axis plots.
	await page.getByTestId('open-analysis').click();
	const plots = page.getByTestId('parameter-plots');
	await expect(plots).toBeVisible();
	const lr = page.locator('[data-testid="axis-plot"][data-param="learningRate"]');
	await expect(lr.locator('text.axis-label').first()).toHaveText('learning rate (log)');
	await expect(lr.locator('text.axis-label').nth(1)).toHaveText('validation loss (nats), best over training');
	const width = page.locator('[data-testid="axis-plot"][data-param="hiddenWidth"]');
	await expect(width.locator('text.axis-label').first()).toHaveText('hidden width · scientific');
	// Three values, three bands: ticks 32, 64, 128 evenly spaced (a linear axis would put 64 at a third).
	const ticks = width.locator('.axis-bottom > .tick');
	await expect(ticks.locator('text')).toHaveText(['32', '64', '128']);
	// Each tick's own position (its translate), not its label's box, which grows with the label.
	const xs = await ticks.evaluateAll((gs) =>
		gs.map((g) => Number(/translate\(([-\d.]+)/.exec(g.getAttribute('transform') ?? '')?.[1]))
	);
	expect(Math.abs(xs[1]! - xs[0]! - (xs[2]! - xs[1]!))).toBeLessThan(1);
	// The axis plots name their axes in words.
	const worded = await axisTitles(page.locator('[data-testid="axis-plot"]'));
	expect(worded.length).toBe(6);
	for (const name of CODE_NAMES) expect(worded).not.toContain(name);

	// Every other chart of the analysis page too: parallel coordinates, isolation, best so far, EDF and
	// the trial-budget bootstrap use the same words ("validation loss (nats), best over training").
	// A log axis adds "(log)" (losses spanning decades), so the objective's title may carry it.
	const objective = /^validation loss \(nats\), best over training( \(log\))?$/;
	const parallel = page.getByTestId('parallel-coordinates');
	await expect(parallel.locator('text.axis-label')).toHaveText([
		'learning rate (log)',
		'weight decay (log)',
		'hidden width',
		/^validation loss \(nats\)( \(log\))? ↑ better$/
	]);
	await expect(page.getByTestId('isolation-plot').locator('text.axis-label')).toHaveText([
		objective,
		'hidden width'
	]);
	await expect(page.getByTestId('best-so-far-plot').locator('text.axis-label')).toHaveText([
		'trial index (run order)',
		objective
	]);
	await expect(page.getByTestId('edf-plot').locator('text.axis-label')).toHaveText([
		objective,
		'share of trials ≤ value'
	]);
	await expect(page.getByTestId('bootstrap-plot').locator('text.axis-label')).toHaveText([
		objective,
		'trials per study (shaded: this study, 24)'
	]);
	// No axis title anywhere on the page holds a code name: a camelCase identifier ("valLoss",
	// "maxTrainSteps") or the file's "(best)" shorthand.
	const all = await axisTitles(page.getByTestId('analysis-page'));
	expect(all.length).toBeGreaterThan(20);
	for (const title of all) {
		expect(title).not.toMatch(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/);
		expect(title).not.toMatch(/\((best|final)\)/);
	}

	// One colour for "better" on the page: the study curves' rank ramp and the parallel coordinates both
	// start at viridis's dark purple (#440154 = rgb(68, 1, 84)) for the best trial, and both draw
	// infeasible trials red (#dc2626 = rgb(220, 38, 38)).
	const ramp = page.locator('[data-testid="study-curves"] .ramp i');
	await expect(ramp.first()).toHaveCSS('background-color', 'rgb(68, 1, 84)');
	const strokes = await parallel
		.locator('path.line:not(.dim)')
		.evaluateAll((paths) => paths.map((p) => [p.getAttribute('stroke'), p.classList.contains('infeasible')]));
	expect(strokes.filter(([, infeasible]) => !infeasible).map(([s]) => s)).toContain('#440154');
	const infeasibleStrokes = strokes.filter(([, infeasible]) => infeasible).map(([s]) => s);
	expect(infeasibleStrokes.length).toBe(4);
	for (const stroke of infeasibleStrokes) expect(stroke).toBe('#dc2626');

	for (const axis of await page.locator('.axis-bottom, .axis-left').all()) {
		if (!(await axis.isVisible())) continue;
		expect(await overlappingTicks(axis)).toEqual([]);
	}
});
