import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

// The contour, best-so-far, EDF and timeline views on the crafted analysis study
// (tests/fixtures/analysis-params.study.json: 24 trials over learningRate and weightDecay, both log, and
// hiddenWidth; 4 infeasible). This test changes a copy of it: each trial gets a known run on one of three
// worker slots, and one completed trial becomes a cancelled one that reached a far lower loss than any
// other, so a view that counted it as evidence would show the wrong best.
interface FixtureTrial {
	index: number;
	status: string;
	best?: unknown;
	params: Record<string, number>;
	metrics: { evals: { step: number; valLoss: number }[] };
	runs?: { slot: number; startedAt: number; endedAt?: number }[];
}
const fixture = JSON.parse(readFileSync('tests/fixtures/analysis-params.study.json', 'utf8')) as {
	name: string;
	trials: FixtureTrial[];
};

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const CANCELLED = 5;
const study = structuredClone(fixture);
for (const trial of study.trials) {
	// Three slots; trial k runs on slot k mod 3 from 20 s × ⌊k / 3⌋ for 18 s.
	const start = T0 + 20_000 * Math.floor(trial.index / 3);
	trial.runs = [{ slot: trial.index % 3, startedAt: start, endedAt: start + 18_000 }];
}
const cancelled = study.trials.find((t) => t.index === CANCELLED)!;
if (cancelled.status !== 'completed')
	throw new Error(`fixture trial ${CANCELLED} is ${cancelled.status}, not completed`);
cancelled.status = 'cancelled';
delete cancelled.best;
cancelled.metrics.evals = cancelled.metrics.evals.map((row) => ({ ...row, valLoss: 0.001 }));

const completed = study.trials.filter((t) => t.status === 'completed');
const infeasible = study.trials.filter((t) => t.status === 'infeasible');
/** The known best: the least valLoss any completed trial reached (the cancelled one's 0.001 is not evidence). */
const knownBest = Math.min(...completed.flatMap((t) => t.metrics.evals.map((row) => row.valLoss)));
const bestTrial = completed.find((t) => t.metrics.evals.some((row) => row.valLoss === knownBest))!;

/** Presses Tab until `target` has the focus (at most `max` presses). */
async function tabTo(page: Page, target: Locator, max = 400): Promise<void> {
	for (let k = 0; k < max; k++) {
		if (await target.evaluate((el) => el === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${target.toString()}`);
}

/** Clicks the SVG export of `figure` and returns the file's name and text. */
async function exportSvg(page: Page, figure: Locator): Promise<{ name: string; text: string }> {
	const download = page.waitForEvent('download');
	await figure.getByTestId('export-svg').click();
	const file = await download;
	return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** The title of an exported SVG: its first <title> (the export inlines a style attribute on it). */
function svgTitle(text: string): string | null {
	return text.match(/<title[^>]*>([^<]*)<\/title>/)?.[1] ?? null;
}

test('contour, best so far, EDF and timeline views: values, keyboard and export', async ({ page }) => {
	expect(completed).toHaveLength(19);
	expect(infeasible).toHaveLength(4);
	await openLab(page);
	await importStudy(page, study, 'analysis-views.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Analysis fixture/);
	await page.getByTestId('open-analysis').click();
	await expect(page.getByTestId('parameter-plots')).toBeVisible();

	// Contour: the two log-scaled parameters by default, a point per completed trial, a red × per infeasible one.
	const contour = page.getByTestId('contour-plot');
	await expect(contour).toHaveAttribute('data-x', 'learningRate');
	await expect(contour).toHaveAttribute('data-y', 'weightDecay');
	await expect(contour.locator('circle.point')).toHaveCount(completed.length);
	await expect(contour.locator('[data-infeasible="true"]')).toHaveCount(infeasible.length);
	await expect(contour.locator('[data-infeasible="true"]').first()).toHaveCSS('stroke', 'rgb(220, 38, 38)');
	await expect(contour.locator(`circle.point[data-trial="${CANCELLED}"]`)).toHaveCount(0);
	await expect(contour).toContainText('learning rate (log)');
	await expect(contour).toContainText('weight decay (log)');
	expect(await contour.locator('path.band').count()).toBeGreaterThan(1);

	// The reader picks another pair with the keyboard: hiddenWidth (32…128, a linear axis) up.
	const ySelect = page.getByTestId('contour-y');
	await page.getByRole('link', { name: '← Back to the study' }).focus();
	await tabTo(page, ySelect);
	await ySelect.selectOption('hiddenWidth');
	await expect(contour).toHaveAttribute('data-y', 'hiddenWidth');
	await expect(contour).toContainText('hidden width');
	await expect(contour).not.toContainText('hidden width (log)');
	await expect(contour.locator('circle.point')).toHaveCount(completed.length);
	await expect(contour.locator('[data-infeasible="true"]')).toHaveCount(infeasible.length);

	// Best so far: ends at the known best, drawn where the best trial's own point is.
	const history = page.getByTestId('best-so-far-plot');
	await expect(history).toHaveAttribute('data-trials', String(completed.length + infeasible.length));
	expect(Number(await history.getAttribute('data-best'))).toBeCloseTo(knownBest, 12);
	const bestDotY = Number(
		await history.locator(`circle.dot[data-trial="${bestTrial.index}"]`).getAttribute('cy')
	);
	const line = (await history.getByTestId('best-so-far-line').getAttribute('d'))!;
	const lastV = Number(line.match(/V(-?[\d.]+)H[\d.]+$/)![1]);
	expect(lastV).toBeCloseTo(bestDotY, 3);
	await expect(history.locator('[data-infeasible="true"]')).toHaveCount(infeasible.length);

	// EDF: one step per completed trial's distinct value, reaching 1.
	const edf = page.getByTestId('edf-plot');
	const fractions = await edf
		.locator('circle.step')
		.evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-fraction'))));
	expect(fractions).toHaveLength(
		new Set(completed.map((t) => Math.min(...t.metrics.evals.map((r) => r.valLoss)))).size
	);
	expect(fractions.at(-1)).toBe(1);
	expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

	// Timeline: one bar per run, on its slot; every finished trial has one.
	const timeline = page.getByTestId('timeline-plot');
	const bars = timeline.getByTestId('timeline-bar');
	await expect(bars).toHaveCount(study.trials.length);
	await expect(timeline.locator('[data-status="completed"]')).toHaveCount(completed.length);
	await expect(timeline.locator('[data-status="infeasible"]')).toHaveCount(infeasible.length);
	await expect(timeline.locator('[data-status="cancelled"]')).toHaveCount(1);
	for (const trial of [0, 4, 23]) {
		await expect(timeline.locator(`[data-trial="${trial}"]`)).toHaveAttribute('data-slot', String(trial % 3));
	}
	// The runs span 158 s: more than two minutes, so the axis counts minutes.
	await expect(timeline).toContainText('minutes since the first trial started');

	// Every view's SVG export is reachable with the keyboard and downloads a file holding the chart,
	// titled in words (issue 24, item 3).
	for (const [figure, name, title] of [
		[
			contour,
			'contour-learningrate-hiddenwidth.svg',
			'Validation loss (best over training) over learning rate and hidden width'
		],
		[history, 'best-so-far.svg', 'Best so far: validation loss (best over training)'],
		[edf, 'objective-edf.svg', 'Empirical distribution of validation loss (best over training)'],
		[timeline, 'timeline.svg', `Timeline of ${study.name}`]
	] as const) {
		const button = figure.getByTestId('export-svg');
		await tabTo(page, button);
		const { name: file, text } = await exportSvg(page, figure);
		expect(file).toBe(name);
		expect(text).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(svgTitle(text)).toBe(title);
		// Titles, point titles and labels in words (issue 24, item 3): no code name travels with the file.
		expect(text).not.toMatch(/valLoss|learningRate|weightDecay|hiddenWidth/);
	}
	// The exported contour holds its bands, every point and every ×.
	const { text: contourSvg } = await exportSvg(page, contour);
	expect(contourSvg.match(/<circle/g)).toHaveLength(completed.length);
	expect(contourSvg.match(/data-infeasible="true"/g)).toHaveLength(infeasible.length);
	const { text: timelineSvg } = await exportSvg(page, timeline);
	expect(timelineSvg.match(/data-testid="timeline-bar"/g)).toHaveLength(study.trials.length);

	// PNG too, for the contour.
	const png = page.waitForEvent('download');
	await contour.getByTestId('export-png').click();
	const pngFile = await png;
	expect(pngFile.suggestedFilename()).toBe('contour-learningrate-hiddenwidth.png');
	const bytes = readFileSync(await pngFile.path());
	expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});

test('compare studies: best-so-far curves and EDFs of two studies on shared axes', async ({ page }) => {
	// A second round: the same trials with every validation loss halved, so its best is knownBest / 2.
	const round2 = structuredClone(study) as typeof study & { name: string };
	round2.name = 'Round 2 of the analysis fixture';
	for (const trial of round2.trials) {
		delete trial.best;
		trial.metrics.evals = trial.metrics.evals.map((row) => ({ ...row, valLoss: row.valLoss / 2 }));
	}
	await openLab(page);
	await importStudy(page, round2, 'round-2.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Round 2/);
	await openLab(page);
	await importStudy(page, study, 'analysis-views.study.json');
	await expect(page.getByTestId('study-name')).toHaveText(/Analysis fixture/);
	await page.getByTestId('open-analysis').click();

	const panel = page.getByTestId('compare-panel');
	const pick = panel.getByTestId('compare-pick');
	await expect(pick).toHaveCount(1);
	// Reached and ticked with the keyboard.
	await page.getByRole('link', { name: '← Back to the study' }).focus();
	await tabTo(page, pick);
	await page.keyboard.press('Space');
	await expect(pick).toBeChecked();

	const lines = panel.getByTestId('compare-best-so-far').locator('path.line');
	await expect(lines).toHaveCount(2);
	const bests = await lines.evaluateAll((ps) => ps.map((p) => Number(p.getAttribute('data-best'))));
	expect(bests[0]).toBeCloseTo(knownBest, 12);
	expect(bests[1]).toBeCloseTo(knownBest / 2, 12);
	// Shared axes: the halved round's best-so-far line ends lower on the plot (a larger y in pixels).
	const ends = await lines.evaluateAll((ps) =>
		ps.map((p) => Number(p.getAttribute('d')!.match(/V(-?[\d.]+)H[\d.]+$/)![1]))
	);
	expect(ends[1]!).toBeGreaterThan(ends[0]!);
	await expect(panel.getByTestId('compare-edf').locator('path.line')).toHaveCount(2);
	// Each EDF ends at the top of the plot: a share of 1.
	const edfEnds = await panel
		.getByTestId('compare-edf')
		.locator('path.line')
		.evaluateAll((ps) => ps.map((p) => Number(p.getAttribute('d')!.match(/V(-?[\d.]+)H[\d.]+$/)![1])));
	expect(edfEnds).toEqual([0, 0]);
	await expect(panel.getByTestId('compare-key')).toContainText('Round 2 of the analysis fixture');

	const { name, text } = await exportSvg(page, panel.getByTestId('compare-edf'));
	expect(name).toBe('compare-edf.svg');
	expect(text).toContain('Round 2 of the analysis fixture');
	// The exported title names the objective in words (issue 24, item 3), not the file's code name.
	expect(svgTitle(text)).toBe(
		`Empirical distribution of validation loss (best over training): ${study.name} vs ${round2.name}`
	);
	expect(text).not.toContain('valLoss');
});

test('the runner stores when each trial ran and on which slot, and the timeline draws it', async ({
	page
}) => {
	await openLab(page);
	const before = Date.now();
	await importStudy(
		page,
		twoTrialStudy('Timed study', {
			maxTrainSteps: 20,
			evalEvery: 10,
			checkpointEvery: 10,
			keepBestCheckpoints: 1
		})
	);
	await expect(page.getByTestId('study-name')).toHaveText('Timed study');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	const after = Date.now();

	// Straight from IndexedDB: each trial has one closed run on a slot, inside the time the study ran.
	const stored = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		return new Promise<
			{ index: number; status: string; runs?: { slot: number; startedAt: number; endedAt?: number }[] }[]
		>((resolve) => {
			const r = db.transaction('trials').objectStore('trials').getAll();
			r.onsuccess = () => resolve(r.result as never);
		});
	});
	expect(stored).toHaveLength(2);
	for (const trial of stored) {
		expect(trial.status).toBe('completed');
		expect(trial.runs).toHaveLength(1);
		const [run] = trial.runs!;
		expect(run!.slot).toBeGreaterThanOrEqual(0);
		expect(run!.startedAt).toBeGreaterThanOrEqual(before);
		expect(run!.endedAt).toBeGreaterThanOrEqual(run!.startedAt);
		expect(run!.endedAt).toBeLessThanOrEqual(after);
	}

	await page.getByTestId('open-analysis').click();
	const bars = page.getByTestId('timeline-plot').getByTestId('timeline-bar');
	await expect(bars).toHaveCount(2);
	for (const trial of stored) {
		await expect(page.getByTestId('timeline-plot').locator(`[data-trial="${trial.index}"]`)).toHaveAttribute(
			'data-slot',
			String(trial.runs![0]!.slot)
		);
	}
	await expect(page.getByTestId('timeline-plot').locator('[data-status="completed"]')).toHaveCount(2);
});
