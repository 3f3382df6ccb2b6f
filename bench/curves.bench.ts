// The pure half of the study curve chart in Node, stage by stage, on the crafted 500-trial ×
// 2,000-row study: curve extraction + smoothing, scales, projection + downsampling, and the
// nearest-curve search behind hover. The browser numbers (canvas included) come from
// bench/curves.browser.ts. Prints one JSON result line per stage (scripts/bench.mjs reads them).
// Run: npx tsx bench/curves.bench.ts
import { performance } from 'node:perf_hooks';
import { curvesBenchmarkStudy } from '../src/lib/testing/study-curves-fixture';
import { chartScales, nearestCurve, projectCurves, studyCurves } from '../src/lib/charts/layout/study-curves';
import { LineRaster } from '../src/lib/charts/layout/study-curves-raster';

const RUNS = Number(process.env.CURVES_BENCH_RUNS ?? 7);
const SIZE = { width: 880, height: 350 };

function summary(name: string, times: number[], extra: Record<string, unknown> = {}) {
	const sorted = [...times].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
	return {
		name,
		unit: 'ms',
		median,
		min: sorted[0]!,
		max: sorted[sorted.length - 1]!,
		runs: times.length,
		...extra
	};
}

const study = curvesBenchmarkStudy(500, 2000);
const stages: Record<string, number[]> = { curves: [], scales: [], project: [], raster: [], hover: [] };
let kept = 0;
for (let r = 0; r < RUNS; r++) {
	let t = performance.now();
	const curves = studyCurves(study, { metric: 'trainLoss', beta: 0.9 });
	stages.curves!.push(performance.now() - t);
	t = performance.now();
	const scales = chartScales(curves, SIZE, false, true);
	stages.scales!.push(performance.now() - t);
	t = performance.now();
	const pixels = projectCurves(curves, scales, SIZE.width);
	stages.project!.push(performance.now() - t);
	kept = pixels.reduce((sum, p) => sum + p.xs.length, 0);
	t = performance.now();
	const raster = new LineRaster(SIZE.width, SIZE.height);
	const style = { r: 40, g: 80, b: 120, alpha: 0.8, width: 1, dash: [] };
	for (const p of pixels) raster.series(p.xs, p.ys, 1, style);
	raster.writeRGBA(new Uint8ClampedArray(SIZE.width * SIZE.height * 4));
	stages.raster!.push(performance.now() - t);
	const all = pixels.map((_, k) => k);
	const moves = 200;
	t = performance.now();
	for (let j = 0; j < moves; j++) {
		nearestCurve(
			pixels,
			all,
			((j * 37) % moves) * (SIZE.width / moves),
			SIZE.height * (0.2 + (0.6 * ((j * 13) % 17)) / 17),
			10
		);
	}
	stages.hover!.push((performance.now() - t) / moves);
}
const note = `500 trials × 2,000 rows, trainLoss, β = 0.9, log y, ${SIZE.width} px plot width`;
console.log(JSON.stringify(summary('study curves (Node): curves + smoothing', stages.curves!, { note })));
console.log(JSON.stringify(summary('study curves (Node): scales', stages.scales!)));
console.log(
	JSON.stringify(
		summary('study curves (Node): project + downsample', stages.project!, {
			note: `${kept} points kept of 1,000,000`
		})
	)
);
console.log(
	JSON.stringify(
		summary('study curves (Node): rasterise lines', stages.raster!, { note: 'at devicePixelRatio 1' })
	)
);
console.log(
	JSON.stringify(
		summary('study curves (Node): nearest-curve search, per move', stages.hover!, {
			target: '< 16 ms per frame'
		})
	)
);
