import { rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '../../study/metrics';
import type { StudyParam, TrialRecord } from '../../study/study';
import { contourAxes, contourData, layoutContour, type ContourData, type NumericAxis } from './contour';

const lrAxis: NumericAxis = { name: 'learningRate', kind: 'log', min: 1e-4, max: 1e-1 };
const mAxis: NumericAxis = { name: 'momentum', kind: 'linear', min: 0, max: 1 };

/** The known objective: (log₁₀ lr + 2.5)² + (m − 0.9)², least (0) at lr = 10^−2.5, m = 0.9. */
const objective = (lr: number, m: number) => (Math.log10(lr) + 2.5) ** 2 + (m - 0.9) ** 2;

/** Trials on a 16 × 16 grid: log₁₀ lr = −4 + 0.2 i, m = j / 15. */
function gridData(): ContourData {
	const points = [];
	for (let i = 0; i < 16; i++) {
		for (let j = 0; j < 16; j++) {
			const lr = 10 ** (-4 + 0.2 * i);
			const m = j / 15;
			points.push({ trialIndex: i * 16 + j, x: lr, y: m, value: objective(lr, m), infeasible: false });
		}
	}
	return { x: lrAxis, y: mAxis, points, skipped: 0 };
}

const size = { width: 300, height: 200 };
/** Plot pixels back to (log₁₀ lr, m). */
const toData = (px: number, py: number) => [-4 + (3 * px) / size.width, 1 - py / size.height] as const;

function evals(valLoss: number): MetricBatch {
	return {
		train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
		evals: [{ step: 10, valLoss, valAccuracy: 0.5 }]
	};
}

describe('contourAxes and contourData', () => {
	it('pairs numeric parameters only and takes finished trials that have both values', () => {
		const params = [
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 0.1, scale: 'log' },
			{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['adam', 'sgd'] },
			{ name: 'momentum', role: 'nuisance', type: 'float', min: 0, max: 1, scale: 'linear' }
		] as StudyParam[];
		const axes = contourAxes({ params });
		expect(axes).toEqual([lrAxis, mAxis]);
		const base = { seed: 0, config: {} as TrialRecord['config'] };
		const trials: TrialRecord[] = [
			{
				...base,
				index: 0,
				status: 'completed',
				params: { learningRate: 0.01, momentum: 0.5 },
				metrics: evals(0.4)
			},
			{
				...base,
				index: 1,
				status: 'infeasible',
				params: { learningRate: 0.09, momentum: 0.2 },
				metrics: evals(9)
			},
			{ ...base, index: 2, status: 'completed', params: { learningRate: 0.001 }, metrics: evals(0.7) },
			{
				...base,
				index: 3,
				status: 'running',
				params: { learningRate: 0.002, momentum: 0.1 },
				metrics: evals(0.1)
			},
			{
				...base,
				index: 4,
				status: 'failed',
				params: { learningRate: 0.003, momentum: 0.3 },
				metrics: evals(0.1)
			}
		];
		const data = contourData({ trials }, { metric: 'valLoss', reduce: 'best' }, lrAxis, mAxis);
		expect(data.points).toEqual([
			{ trialIndex: 0, x: 0.01, y: 0.5, value: 0.4, infeasible: false },
			{ trialIndex: 1, x: 0.09, y: 0.2, value: null, infeasible: true }
		]);
		// Trial 2 finished but had no momentum (inactive): counted as skipped. Running and failed: not evidence.
		expect(data.skipped).toBe(1);
	});
});

describe('trials stopped by successive halving on the contour', () => {
	it('are hollow markers where they ran, with no value, left out of the fill', () => {
		const base = { seed: 0, config: {} as TrialRecord['config'] };
		const trials: TrialRecord[] = [
			{
				...base,
				index: 0,
				status: 'completed',
				params: { learningRate: 0.01, momentum: 0.5 },
				metrics: evals(0.4)
			},
			{
				...base,
				index: 1,
				status: 'stopped',
				params: { learningRate: 0.001, momentum: 0.5 },
				metrics: evals(0.1)
			}
		];
		const data = contourData({ trials }, { metric: 'valLoss', reduce: 'best' }, lrAxis, mAxis);
		expect(data.points[1]).toEqual({
			trialIndex: 1,
			x: 0.001,
			y: 0.5,
			value: null,
			infeasible: false,
			stopped: true
		});
		const small = layoutContour(data, size, 'minimize');
		// 1e-3 is one decade of three into 1e-4…1e-1: 100 px across; momentum 0.5 halfway up 200 px.
		expect(small.stopped).toEqual([{ trialIndex: 1, cx: 100, cy: 100 }]);
		expect(small.dots.map((d) => d.trialIndex)).toEqual([0]);
		expect(small.crosses).toEqual([]);
	});
});

describe('layoutContour', () => {
	const layout = layoutContour(gridData(), size, 'minimize');

	it('places trials on a log axis across and a linear one up, infeasible ones as crosses', () => {
		const data: ContourData = {
			x: lrAxis,
			y: mAxis,
			points: [
				{ trialIndex: 0, x: 1e-3, y: 0.5, value: 1, infeasible: false },
				{ trialIndex: 1, x: 1e-2, y: 0.25, value: 2, infeasible: false },
				{ trialIndex: 2, x: 1e-1, y: 1, value: null, infeasible: true }
			],
			skipped: 0
		};
		const small = layoutContour(data, size, 'minimize');
		// 1e-3 is one decade of three into 1e-4…1e-1: 100 px; m = 0.5 is halfway up 200 px: 100 px.
		expect(small.dots).toEqual([
			{ trialIndex: 0, cx: 100, cy: 100, value: 1 },
			{ trialIndex: 1, cx: 200, cy: 150, value: 2 }
		]);
		expect(small.crosses).toEqual([{ trialIndex: 2, cx: 300, cy: 0 }]);
		// Log ticks at the powers of ten, linear ones at round values.
		expect(small.xTicks.map((t) => t.at)).toEqual([0, 100, 200, 300]);
		// One format per axis (tick-format.ts): every power of ten in exponent notation, not 0.01 beside
		// 1e-4; the linear axis with one decimal on every tick.
		expect(small.xTicks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '1e-2', '1e-1']);
		expect(small.yTicks.map((t) => t.label)).toEqual(['0.0', '0.5', '1.0']);
	});

	it('spaces the levels evenly in log when the objective spans decades', () => {
		// The sampled values run from 0.1² + (1/30)² ≈ 0.0111 (the samples nearest the minimum) to
		// 1.5² + 0.9² = 3.06: more than 30×, so 1-2-5 levels strictly inside that range.
		expect(layout.bands.map((b) => b.threshold)).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
		expect(layout.legend.map((l) => l.label)).toEqual([
			'< 0.02',
			'≥ 0.02',
			'≥ 0.05',
			'≥ 0.1',
			'≥ 0.2',
			'≥ 0.5',
			'≥ 1',
			'≥ 2'
		]);
	});

	it('writes the legend levels of a linear objective in one format', () => {
		// Values from 0.8 to 2.7 (under 30×: linear levels). d3 puts about 8 levels every 0.2; those strictly
		// inside (0.8, 2.7) are 1.0 … 2.6, each with one decimal (not "1" beside "1.2").
		const data: ContourData = {
			x: mAxis,
			y: mAxis,
			points: [
				{ trialIndex: 0, x: 0.2, y: 0.2, value: 0.8, infeasible: false },
				{ trialIndex: 1, x: 0.8, y: 0.8, value: 2.7, infeasible: false }
			],
			skipped: 0
		};
		const linear = layoutContour(data, size, 'minimize');
		expect(linear.legend.map((l) => l.label)).toEqual([
			'< 1.0',
			'≥ 1.0',
			'≥ 1.2',
			'≥ 1.4',
			'≥ 1.6',
			'≥ 1.8',
			'≥ 2.0',
			'≥ 2.2',
			'≥ 2.4',
			'≥ 2.6'
		]);
	});

	it('keeps the tick labels of a small contour apart', () => {
		// 1e-6 … 1 on a 120 px wide plot: six decades, every second power of ten (at most four labels).
		const wide: ContourData = {
			x: { name: 'epsilon', kind: 'log', min: 1e-6, max: 1 },
			y: { name: 'depth', kind: 'linear', min: 1, max: 8 },
			points: [],
			skipped: 0
		};
		const small = layoutContour(wide, { width: 120, height: 40 }, 'minimize');
		expect(small.xTicks.map((t) => t.label)).toEqual(['1e-6', '1e-4', '1e-2', '1e+0']);
		// Up a 40 px axis, d3's ticks 2, 4, 6, 8 sit 11.4 px apart, less than a 12 px line and the 4 px
		// gap: every second one is labelled, 22.9 px apart.
		expect(small.yTicks.map((t) => t.label)).toEqual(['2', '6']);
	});

	it('passes through the trials and puts its least cell next to the known minimum', () => {
		let best = 0;
		for (let k = 1; k < layout.grid.length; k++) if (layout.grid[k]! < layout.grid[best]!) best = k;
		const i = best % layout.columns;
		const j = Math.floor(best / layout.columns);
		const [a, m] = toData(((i + 0.5) * size.width) / layout.columns, ((j + 0.5) * size.height) / layout.rows);
		// Within one trial spacing (0.2 in log₁₀ lr, 1/15 in m) of (−2.5, 0.9).
		expect(Math.abs(a + 2.5)).toBeLessThanOrEqual(0.2);
		expect(Math.abs(m - 0.9)).toBeLessThanOrEqual(1 / 15);
	});

	it('draws each level where the known function takes that value', () => {
		// f = 0.5 on the circle of radius √0.5 around (−2.5, 0.9) in (log₁₀ lr, m); f = 0.2 on radius √0.2.
		// Vertices on the plot's border close the region and are not on the level line; the rest must lie on
		// the circle to within 0.06, the error of inverse-distance weighting between samples 0.2 and 1/15
		// apart (each cell averages its nearest trials, a bias of about the square of their spacing).
		for (const [level, radius] of [
			[0.5, Math.sqrt(0.5)],
			[0.2, Math.sqrt(0.2)]
		] as const) {
			const band = layout.bands.find((b) => b.threshold === level)!;
			const vertices = [...band.path.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((v) => [
				Number(v[1]),
				Number(v[2])
			]);
			const inside = vertices.filter(
				([px, py]) => px! > 0 && px! < size.width && py! > 0 && py! < size.height
			);
			expect(inside.length).toBeGreaterThan(20);
			for (const [px, py] of inside) {
				const [a, m] = toData(px!, py!);
				expect(Math.abs(Math.hypot(a + 2.5, m - 0.9) - radius)).toBeLessThan(0.06);
			}
		}
	});

	it('colours the best region dark whichever way the objective goes', () => {
		const luminance = (color: string) => {
			const { r, g, b } = rgb(color);
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const minimised = layout.legend.map((l) => luminance(l.color));
		// Minimised: low values (first legend entries) dark, rising to light.
		expect(minimised[0]!).toBeLessThan(minimised.at(-1)!);
		const maximised = layoutContour(gridData(), size, 'maximize').legend.map((l) => luminance(l.color));
		expect(maximised[0]!).toBeGreaterThan(maximised.at(-1)!);
	});
});
