// Times the study curve chart in headless Chromium on the crafted 500-trial × 2,000-row study (the
// /bench/curves.html page), at devicePixelRatio 1 and 2. The targets: the chart renders in under
// 200 ms, and hover stays under 16 ms per frame. Reports median, min and max over the runs (the first,
// cold run included); asserts nothing about time.
// Run: npx vite build && npx vite build -c bench/vite.config.ts && npx playwright test -c bench/playwright.bench.config.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from '@playwright/test';

const RUNS = Number(process.env.CURVES_BENCH_RUNS ?? 7);
const MOVES = 200;

interface Stats {
	median: number;
	min: number;
	max: number;
	runs: number;
	p95?: number;
}

interface BenchWindow {
	__curvesBench?: {
		ready: boolean;
		run(runs: number, moves: number): Promise<Record<string, unknown>>;
	};
}

test('study curves: render and hover timing, 500 trials × 2,000 rows', async ({ browser }, testInfo) => {
	const results: Record<string, unknown>[] = [];
	const extra: Record<string, unknown> = {};
	for (const dpr of [1, 2]) {
		const context = await browser.newContext({
			baseURL: testInfo.project.use.baseURL,
			viewport: { width: 1280, height: 900 },
			deviceScaleFactor: dpr
		});
		const page = await context.newPage();
		await page.goto('/bench/index.html?page=curves&trials=500&points=2000');
		await page.waitForFunction(() => (window as BenchWindow).__curvesBench?.ready, null, {
			timeout: 120_000
		});
		const r = await page.evaluate(
			({ runs, moves }) => (window as BenchWindow).__curvesBench!.run(runs, moves),
			{ runs: RUNS, moves: MOVES }
		);
		await context.close();
		extra[`buildStudyMs@dpr${dpr}`] = r.buildStudyMs;
		const size = `${r.trials} trials × ${r.points} rows, trainLoss, 960×400 CSS px, devicePixelRatio ${dpr}`;
		const row = (name: string, s: Stats, target: string, note: string) => ({
			name: `${name} (dpr ${dpr})`,
			unit: 'ms',
			median: s.median,
			min: s.min,
			max: s.max,
			runs: s.runs,
			target,
			note: [note, s.p95 === undefined ? '' : `p95 ${s.p95.toFixed(1)} ms`].filter(Boolean).join('; ')
		});
		results.push(
			row('study curves: render', r.render as Stats, '< 200 ms', `mount → canvas pixels flushed; ${size}`),
			row('study curves: render to next frame', r.renderToFrame as Stats, '', 'mount → next animation frame'),
			row(
				'study curves: hover, one pointermove',
				r.hoverMove as Stats,
				'< 16 ms per frame',
				`nearest-curve search + Svelte update; ${MOVES} moves × ${RUNS} runs`
			),
			row('study curves: hover, worst move of a run', r.hoverWorstPerRun as Stats, '< 16 ms per frame', ''),
			row(
				'study curves: frame interval while hovering',
				r.hoverFrame as Stats,
				'16.7 ms at 60 Hz',
				'one move per animation frame, 30 frames per run'
			)
		);
	}
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/curves.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify({ ...extra, results }, null, 2));
});
