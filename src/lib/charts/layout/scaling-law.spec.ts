import { describe, expect, it } from 'vitest';
import { layoutIsoLoss, layoutScalingCurves, shortCount } from './scaling-law';

const FIT = { E: 1, A: 100, alpha: 0.5, B: 100, beta: 0.5 };
// Two sizes × two lengths, each a decade apart.
const POINTS = [
	{ N: 100, D: 1000, loss: 14.2 },
	{ N: 100, D: 10_000, loss: 12 },
	{ N: 10_000, D: 1000, loss: 5.2 },
	{ N: 10_000, D: 10_000, loss: 3 }
];

/** The coordinates a path string visits, in order. */
function vertices(path: string): [number, number][] {
	return [...path.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('shortCount', () => {
	it('writes counts with a unit', () => {
		expect(shortCount(1210)).toBe('1.21k');
		expect(shortCount(3_400_000)).toBe('3.4M');
		expect(shortCount(42)).toBe('42');
	});
});

describe('layoutScalingCurves', () => {
	it('by D: one series per size, points placed on log axes, curves following the law', () => {
		const layout = layoutScalingCurves(POINTS, FIT, { width: 200, height: 100 }, 'D');
		expect(layout.series.map((s) => s.label)).toEqual(['N = 100', 'N = 10k']);
		const [small, large] = layout.series;
		// D from 1000 to 10000 is one decade and the domain is padded by 0.05 decade each side, so the
		// two points sit at 200 · 0.05/1.1 and 200 · 1.05/1.1 pixels.
		expect(small!.points.map((p) => p.x)).toEqual([9.09, 190.91]);
		// Loss grows upwards: the large model's lower losses sit below the small one's.
		expect(large!.points[1]!.y).toBeGreaterThan(small!.points[1]!.y);
		// Each fitted curve falls left to right (the loss decreases with D, so y in pixels grows).
		for (const s of layout.series) {
			const ys = vertices(s.path).map(([, y]) => y);
			expect(ys.length).toBeGreaterThan(10);
			for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThanOrEqual(ys[i - 1]! - 1e-9);
		}
		// The curves span the whole x axis, to the plot's right edge.
		const last = vertices(large!.path).at(-1)!;
		expect(last[0]).toBeCloseTo(200, 1);
	});

	it('by N: one series per length, and no curve without a fit', () => {
		const layout = layoutScalingCurves(POINTS, null, { width: 200, height: 100 }, 'N');
		expect(layout.series.map((s) => s.label)).toEqual(['D = 1k', 'D = 10k']);
		expect(layout.series.every((s) => s.path === '')).toBe(true);
		expect(layout.x.title).toBe('N, parameters');
	});
});

describe('layoutIsoLoss', () => {
	it('draws each contour where the law takes its level', () => {
		const layout = layoutIsoLoss(FIT, POINTS, { width: 300, height: 300 }, { levels: 5 });
		expect(layout.contours).toHaveLength(5);
		// Invert the log axes from the layout's own ticks and check L(N, D) on the curve.
		const xs = layout.x.ticks;
		const ys = layout.y.ticks;
		const invert = (ticks: typeof xs, at: number) => {
			const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
			const t = (at - a.at) / (b.at - a.at);
			return a.value * (b.value / a.value) ** t;
		};
		for (const c of layout.contours) {
			const points = vertices(c.path);
			expect(points.length).toBeGreaterThan(2);
			for (const [px, py] of points) {
				const N = invert(xs, px);
				const D = invert(ys, py);
				const loss = FIT.E + FIT.A / Math.sqrt(N) + FIT.B / Math.sqrt(D);
				expect(Math.abs(loss / c.level - 1)).toBeLessThan(0.01);
			}
		}
	});

	it('places the optimum of a budget on the frontier: with A = B and α = β, N* = D* = √(C/6)', () => {
		const layout = layoutIsoLoss(FIT, POINTS, { width: 300, height: 300 }, { budget: 6e8 });
		expect(layout.budget!.N).toBeCloseTo(1e4, 6);
		expect(layout.budget!.D).toBeCloseTo(1e4, 6);
		// With A = B and α = β the frontier is the line N = D: invert both axes and compare.
		const invert = (ticks: typeof layout.x.ticks, at: number) => {
			const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
			return a.value * (b.value / a.value) ** ((at - a.at) / (b.at - a.at));
		};
		const frontier = vertices(layout.frontier);
		expect(frontier.length).toBeGreaterThan(5);
		for (const [px, py] of frontier)
			expect(Math.abs(Math.log(invert(layout.x.ticks, px) / invert(layout.y.ticks, py)))).toBeLessThan(0.01);
	});
});
