import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { syntheticStudy } from '../src/lib/testing/synthetic-study';
import { serializeStudy } from '../src/lib/study/study-file';
import { importStudy, openLab } from './helpers';

// Flat validation curves at known levels, so each trial's line sits at a known height: trial 1 is the
// best (0.4), trial 3 the second (0.7); trial 5 diverges (infeasible) after step 80.
const LEVELS = [1.0, 0.4, 1.6, 0.7, 1.3, 0.9];

function craftedStudy(): string {
	const study = syntheticStudy(
		LEVELS.map((level, i) => ({
			params: { learningRate: 0.001 * 2 ** i, weightDecay: 0.01 },
			...(i === 5 ? { status: 'infeasible' as const, stoppedAt: 100, reason: 'diverged at step 81' } : {}),
			trainLoss: (t: number) => (i === 5 && t > 80 ? NaN : level + 0.3 * Math.exp(-t / 50)),
			valLoss: (t: number) => (i === 5 && t > 80 ? NaN : level)
		})),
		{ maxTrainSteps: 200, evalEvery: 20 }
	);
	study.name = 'Curves e2e';
	// EMA evaluations on trial 0 and a cooldown branch of trial 1, so both encodings are on the chart.
	for (const row of study.trials[0]!.metrics!.evals) row.emaValLoss = 1.1;
	study.trials[1]!.branches = [
		{
			fromStep: 100,
			length: 100,
			shape: 'linear',
			finalFraction: 0,
			status: 'completed',
			metrics: {
				train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
				evals: [120, 140, 160, 180, 200].map((step) => ({ step, valLoss: 0.3, valAccuracy: 0.8 }))
			}
		}
	];
	return serializeStudy(study);
}

/** Page coordinates of (step fraction of the x axis, metric value), read from the drawn y ticks. */
async function pointAt(page: Page, xFraction: number, value: number): Promise<{ x: number; y: number }> {
	return page.evaluate(
		({ xFraction, value }) => {
			const ticks = [...document.querySelectorAll('[data-testid="study-curves"] [data-y-tick]')].map((g) => ({
				v: Number(g.getAttribute('data-y-tick')),
				box: g.querySelector('line')!.getBoundingClientRect()
			}));
			const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
			const y = a.box.top + ((value - a.v) / (b.v - a.v)) * (b.box.top - a.box.top);
			return { x: a.box.left + xFraction * a.box.width, y };
		},
		{ xFraction, value }
	);
}

async function hoverAt(page: Page, xFraction: number, value: number) {
	// Coordinates are the viewport's: the plot must be on screen (other analysis panels sit above it).
	await page.getByTestId('curves-canvas').scrollIntoViewIfNeeded();
	const { x, y } = await pointAt(page, xFraction, value);
	await page.mouse.move(x, y);
	return { x, y };
}

/** How many canvas pixels have any ink, and whether any is red-dominant near a page point. */
function canvasInk(page: Page, near?: { x: number; y: number }) {
	return page.getByTestId('curves-canvas').evaluate((node, near) => {
		const canvas = node as HTMLCanvasElement;
		const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
		let ink = 0;
		for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
		let red = false;
		if (near) {
			const box = canvas.getBoundingClientRect();
			const scale = canvas.width / box.width;
			const cx = Math.round((near.x - box.left) * scale);
			const cy = Math.round((near.y - box.top) * scale);
			for (let dx = -12; dx <= 12; dx++) {
				for (let dy = -2; dy <= 2; dy++) {
					const i = ((cy + dy) * canvas.width + cx + dx) * 4;
					if (data[i + 3]! > 100 && data[i]! > 150 && data[i + 1]! < 100 && data[i + 2]! < 100) red = true;
				}
			}
		}
		return { ink, red };
	}, near);
}

test('the study curve chart: drawn, hover, highlight, keyboard, best k, and SVG/PNG export', async ({
	page
}) => {
	await openLab(page);
	await importStudy(page, craftedStudy(), 'curves.study.json');
	await expect(page.getByTestId('study-name')).toHaveText('Curves e2e');
	await page.getByTestId('open-analysis').click();
	const chart = page.getByTestId('study-curves');
	await expect(chart).toBeVisible();
	await expect(page.getByTestId('curves-metric')).toHaveValue('valLoss');
	await expect(page.getByTestId('curves-count')).toContainText('Showing 6 of 6 trials');
	await expect(chart.getByTestId('curves-branches')).toBeVisible();
	await expect(chart.getByTestId('curves-averaged')).toBeVisible();
	await expect(chart.locator('.legend')).toContainText('infeasible');
	await expect(chart.locator('.legend')).toContainText(
		'colour: rank by best validation loss, best (dark) to worst'
	);
	await expect(page.getByTestId('curves-count')).toContainText('ranked by best validation loss');

	// The canvas has drawn, and the infeasible trial's line (at 0.9 until step 80) is red.
	await expect.poll(async () => (await canvasInk(page)).ink).toBeGreaterThan(1000);
	const infeasibleSpot = await pointAt(page, 0.2, LEVELS[5]!);
	expect((await canvasInk(page, infeasibleSpot)).red).toBe(true);
	// Its line stops: nothing of it past its last finite evaluation.
	await hoverAt(page, 0.2, LEVELS[5]!);
	await expect(page.getByTestId('curves-hover')).toContainText('trial 5');
	await hoverAt(page, 0.9, LEVELS[5]!);
	await expect(page.getByTestId('curves-hover')).not.toContainText('trial 5');

	// Hover over trial 3's line: its index, parameters and value.
	const spot = await hoverAt(page, 0.6, LEVELS[3]!);
	const hoverText = page.getByTestId('curves-hover');
	await expect(hoverText).toContainText('trial 3');
	// In words (issue 24, item 3): the parameter's and the metric's names, never the code names.
	await expect(hoverText).toContainText('learning rate = 0.008');
	await expect(hoverText).toContainText('validation loss 0.7');
	// The hovered line is drawn on the overlay canvas, through the pointer, and only there.
	const hoverInk = () =>
		page.getByTestId('curves-hover-canvas').evaluate((node, at) => {
			const canvas = node as HTMLCanvasElement;
			const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
			const box = canvas.getBoundingClientRect();
			const scale = canvas.width / box.width;
			const cx = Math.round((at.x - box.left) * scale);
			const cy = Math.round((at.y - box.top) * scale);
			let total = 0;
			let near = 0;
			for (let i = 3; i < data.length; i += 4) {
				if (data[i]! === 0) continue;
				total++;
				const px = ((i - 3) / 4) % canvas.width;
				const py = Math.floor((i - 3) / 4 / canvas.width);
				if (Math.abs(px - cx) <= 6 * scale && Math.abs(py - cy) <= 6 * scale) near++;
			}
			return { total, near, width: canvas.width };
		}, spot);
	const ink = await hoverInk();
	expect(ink.near).toBeGreaterThan(0);
	// One line across the plot: about as many inked pixels as the canvas is wide, times the stroke.
	expect(ink.total).toBeGreaterThan(ink.width * 0.5);
	expect(ink.total).toBeLessThan(ink.width * 8);

	// Click highlights it (others dimmed); clicking it again clears.
	await page.mouse.click(spot.x, spot.y);
	await expect(page.getByTestId('curves-highlight')).toContainText('trial 3');
	await expect(page.getByTestId('curves-highlight')).toContainText('best validation loss 0.7');
	await expect(chart).toHaveAttribute('data-highlighted', '3');
	await expect(page.getByTestId('curves-canvas')).toHaveClass(/dimmed/);
	await page.mouse.click(spot.x, spot.y);
	await expect(chart).toHaveAttribute('data-highlighted', '');

	// Keyboard: the chart is focused by the click; arrows step through trials best first, Escape clears.
	await page.keyboard.press('ArrowDown');
	await expect(chart).toHaveAttribute('data-highlighted', '1');
	await page.keyboard.press('ArrowDown');
	await expect(chart).toHaveAttribute('data-highlighted', '3');
	await page.keyboard.press('ArrowUp');
	await expect(chart).toHaveAttribute('data-highlighted', '1');
	await page.keyboard.press('Escape');
	await expect(chart).toHaveAttribute('data-highlighted', '');
	await expect(page.getByTestId('curves-canvas')).not.toHaveClass(/dimmed/);

	// Smoothing shows in the axis label and the read-out gives the raw value beside the smoothed one.
	await page.getByTestId('curves-smoothing').fill('0.9');
	await expect(chart.locator('svg[data-plot]')).toContainText('β = 0.9');
	await hoverAt(page, 0.6, LEVELS[3]!);
	await expect(hoverText).toContainText('raw 0.7');
	await page.getByTestId('curves-smoothing').fill('0');

	// Best k = 1: only the best trial (1) is left, with its cooldown branch.
	await page.getByTestId('curves-best-k').fill('1');
	await expect(page.getByTestId('curves-count')).toContainText('Showing 1 of 6 trials');
	// Where trial 3's line was, nothing of it is left to hover.
	await page.mouse.move(spot.x, spot.y);
	await expect(hoverText).not.toContainText('trial 3');
	const best = await hoverAt(page, 0.25, LEVELS[1]!);
	await expect(hoverText).toContainText('trial 1');
	await page.mouse.click(best.x, best.y);
	await expect(page.getByTestId('curves-highlight')).toContainText('trial 1');
	await hoverAt(page, 0.9, 0.3);
	await expect(hoverText).toContainText('cooldown branch from step 100');
	await page.getByTestId('curves-best-k').fill('');
	await expect(page.getByTestId('curves-count')).toContainText('Showing 6 of 6 trials');

	// SVG export: a standalone SVG with the axes and the canvas embedded as an image.
	const svgDownload = page.waitForEvent('download');
	await chart.getByTestId('export-svg').click();
	const svgFile = await svgDownload;
	expect(svgFile.suggestedFilename()).toBe('curves-e2e-valloss.svg');
	const svgText = readFileSync(await svgFile.path(), 'utf8');
	const parsed = await page.evaluate((text) => {
		const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
		return {
			error: doc.querySelector('parsererror')?.textContent ?? null,
			root: doc.documentElement.nodeName,
			images: [...doc.querySelectorAll('image')].map((i) => (i.getAttribute('href') ?? '').slice(0, 22)),
			title: doc.querySelector('svg > title')?.textContent ?? null,
			texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
			ticks: doc.querySelectorAll('[data-y-tick]').length
		};
	}, svgText);
	expect(parsed.error).toBeNull();
	expect(parsed.root).toBe('svg');
	expect(parsed.images).toEqual(['data:image/png;base64,']);
	// Axis titles in words with units (issue 24, item 3), never the code names.
	expect(parsed.texts).toContain('optimizer step');
	expect(parsed.texts).toContain('validation loss (nats)');
	expect(parsed.texts).not.toContain('valLoss');
	expect(parsed.title).toBe('Validation loss of every trial against optimizer step: Curves e2e');
	expect(parsed.ticks).toBeGreaterThan(2);

	// PNG export: a PNG file.
	const pngDownload = page.waitForEvent('download');
	await chart.getByTestId('export-png').click();
	const pngFile = await pngDownload;
	expect(pngFile.suggestedFilename()).toBe('curves-e2e-valloss.png');
	const png = readFileSync(await pngFile.path());
	expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	expect(png.length).toBeGreaterThan(5000);
});
