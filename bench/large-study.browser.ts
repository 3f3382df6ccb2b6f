// Issue 20, item 12, in headless Chromium against the built app: a stored study of 5,000 trials × 2,000
// training rows (21 evaluations each) opens and stays interactive, measured beside the same numbers for
// a 500-trial study of the same shape. Both studies are stored once, in bulk, through the benchmark page
// /bench/index.html?page=seed (the lab's own import rows, 250 trials per IndexedDB transaction), in one
// browser context that every run reuses, so each run opens a page on the same database:
// - /analysis?id=…: navigation → every trial's curve drawn (the count says "of N trials" and the
//   curves canvas has ink); then hover over the curves: one pointermove → its Svelte update (the
//   readout) done, and → the next animation frame;
// - /study?id=…: navigation → the trial table's first row shown; then scrolling the page through the
//   table one step per animation frame: the interval between frames.
// Writes bench/results/large-study.json; asserts nothing about time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { stats, type BenchRow } from './bench-stats';

const RUNS = Number(process.env.LARGE_STUDY_BENCH_RUNS ?? 3);
const SIZES = (process.env.LARGE_STUDY_BENCH_TRIALS ?? '500,5000').split(',').map(Number);
const ROWS = 2000;
const MOVES = 100;
const FRAME_MS = 1000 / 60;

interface SeedWindow {
	__seedStudy?: {
		ready: boolean;
		seed(trials: number, rows: number): Promise<{ studyId: string; ms: number }>;
	};
}

/** p95 of a list (ms). */
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(0.95 * (values.length - 1))]!;
/** Share of values at or under one 60 Hz frame. */
const withinFrame = (values: number[]) => values.filter((v) => v <= FRAME_MS + 0.5).length / values.length;

async function openAnalysis(page: Page, url: string, trials: number): Promise<number> {
	const started = Date.now();
	await page.goto(url);
	await page.waitForFunction(
		(n) => {
			const count = document.querySelector('[data-testid="curves-count"]')?.textContent ?? '';
			const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="curves-canvas"]');
			if (!count.includes(`of ${n} trials`) || !canvas || canvas.width === 0) return false;
			const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
			for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
			return false;
		},
		trials,
		{ timeout: 600_000, polling: 50 }
	);
	return Date.now() - started;
}

/**
 * Hover over the curves: per move, the update (handler + Svelte flush) and the time to the next frame.
 * Measured once the page has settled (no long task for a second, at most a minute of waiting), so the
 * other panels' first drawing, when their worker results arrive, is not counted against hover.
 */
function hoverCurves(
	page: Page,
	moves: number
): Promise<{ update: number[]; frame: number[]; settleMs: number }> {
	return page.evaluate(async (moves) => {
		const settleStart = performance.now();
		await new Promise<void>((resolve) => {
			let last = performance.now();
			const observer = new PerformanceObserver(() => (last = performance.now()));
			observer.observe({ type: 'longtask' });
			const check = () => {
				const now = performance.now();
				if (now - last >= 1000 || now - settleStart > 60_000) {
					observer.disconnect();
					resolve();
				} else setTimeout(check, 100);
			};
			check();
		});
		const settleMs = performance.now() - settleStart;
		const plot = document.querySelector<HTMLElement>('[data-testid="study-curves"] .plot')!;
		plot.scrollIntoView();
		const box = plot.getBoundingClientRect();
		const at = (j: number) => ({
			clientX: box.left + 70 + ((j * 37) % moves) * ((box.width - 90) / moves),
			clientY: box.top + box.height * (0.2 + (0.6 * ((j * 13) % 17)) / 17),
			bubbles: true
		});
		const frame = () =>
			new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
		plot.dispatchEvent(new PointerEvent('pointerenter', at(0)));
		const update: number[] = [];
		const frames: number[] = [];
		await frame();
		for (let j = 0; j < moves; j++) {
			const started = performance.now();
			plot.dispatchEvent(new PointerEvent('pointermove', at(j)));
			// Svelte flushes its updates in a microtask queued during the handler; this one runs after it.
			await new Promise<void>((resolve) => queueMicrotask(resolve));
			update.push(performance.now() - started);
			frames.push((await frame()) - started);
		}
		return { update, frame: frames, settleMs };
	}, moves);
}

async function openStudy(page: Page, url: string): Promise<number> {
	const started = Date.now();
	await page.goto(url);
	await page.getByTestId('study-trial-row').first().waitFor({ timeout: 600_000 });
	return Date.now() - started;
}

/** Scrolls the page through the trial table, 200 px per animation frame; intervals between frames (ms). */
function scrollTable(page: Page, frames: number): Promise<number[]> {
	return page.evaluate(async (frames) => {
		const table = document.querySelector<HTMLElement>('[data-testid="study-trial-table"]')!;
		table.scrollIntoView();
		const frame = () =>
			new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
		const intervals: number[] = [];
		let previous = await frame();
		for (let i = 0; i < frames; i++) {
			window.scrollBy(0, 200);
			const now = await frame();
			intervals.push(now - previous);
			previous = now;
		}
		return intervals;
	}, frames);
}

test('large studies: open, curves, hover and table scroll at 500 and 5,000 trials × 2,000 rows', async ({
	browser
}, testInfo) => {
	test.setTimeout(3_600_000);
	const context = await browser.newContext({
		baseURL: testInfo.project.use.baseURL,
		viewport: { width: 1280, height: 900 }
	});
	const results: BenchRow[] = [];
	for (const trials of SIZES) {
		const seeder = await context.newPage();
		await seeder.goto('/bench/index.html?page=seed');
		await seeder.waitForFunction(() => (window as SeedWindow).__seedStudy?.ready, null, { timeout: 60_000 });
		const { studyId, ms } = await seeder.evaluate(
			({ trials, rows }) => (window as SeedWindow).__seedStudy!.seed(trials, rows),
			{ trials, rows: ROWS }
		);
		await seeder.close();
		const size = `${trials} trials × ${ROWS} training rows + 21 evaluations`;
		results.push(
			stats(`large study: store ${trials} trials (bench seeding, not a lab path)`, 'ms', [ms], size)
		);

		const open: number[] = [];
		const settle: number[] = [];
		const update: number[] = [];
		const frame: number[] = [];
		const studyOpen: number[] = [];
		const scroll: number[] = [];
		for (let r = 0; r < RUNS; r++) {
			const page = await context.newPage();
			open.push(await openAnalysis(page, `/analysis?id=${encodeURIComponent(studyId)}`, trials));
			const hover = await hoverCurves(page, MOVES);
			settle.push(open[open.length - 1]! + hover.settleMs);
			update.push(...hover.update);
			frame.push(...hover.frame);
			studyOpen.push(await openStudy(page, `/study?id=${encodeURIComponent(studyId)}`));
			scroll.push(...(await scrollTable(page, 60)));
			await page.close();
		}
		const hoverNote = (v: number[]) =>
			`${MOVES} moves × ${RUNS} runs; p95 ${p95(v).toFixed(1)} ms; ${(100 * withinFrame(v)).toFixed(0)}% within a 60 Hz frame`;
		results.push(
			stats(
				`large study (${trials}): open /analysis → every curve drawn`,
				'ms',
				open,
				`${size}; navigation to ink on the canvas for all ${trials} trials`
			),
			stats(
				`large study (${trials}): open /analysis → page settled`,
				'ms',
				settle,
				'navigation until no long task (over 50 ms) for 1 s, that second included: every panel drawn and the worker results in'
			),
			{
				...stats(
					`large study (${trials}): hover, pointermove → readout updated`,
					'ms',
					update,
					hoverNote(update)
				),
				target: '< 16.7 ms (a frame)'
			},
			{
				...stats(`large study (${trials}): hover, pointermove → next frame`, 'ms', frame, hoverNote(frame)),
				target: '≤ 16.7 ms at 60 Hz'
			},
			stats(`large study (${trials}): open /study → first table row`, 'ms', studyOpen, size),
			{
				...stats(
					`large study (${trials}): table scroll, frame interval`,
					'ms',
					scroll,
					`200 px per frame, 60 frames × ${RUNS} runs; p95 ${p95(scroll).toFixed(1)} ms; ${(100 * withinFrame(scroll)).toFixed(0)}% within a 60 Hz frame`
				),
				target: '16.7 ms at 60 Hz'
			}
		);
	}
	await context.close();
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/large-study.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
