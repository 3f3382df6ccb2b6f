import { describe, expect, it } from 'vitest';
import { Random } from '../math/random';
import {
	computeOptimal,
	fitScalingLaw,
	pointsProblem,
	predictLoss,
	startGrid,
	type ScalingParams,
	type ScalingPoint
} from './scaling-fit';

/** Six sizes × eight lengths, the shape of a scaling-law study with 8 branch points. */
function grid(truth: ScalingParams, noise: number, seed: number): ScalingPoint[] {
	const random = new Random(seed);
	const points: ScalingPoint[] = [];
	for (const N of [1e3, 3e3, 1e4, 3e4, 1e5, 3e5])
		for (let k = 0; k < 8; k++) {
			const D = 3000 * 2 ** k;
			// Multiplicative noise: log L gets a normal error with standard deviation `noise`.
			points.push({ N, D, loss: predictLoss(truth, N, D) * Math.exp(noise * random.normal()) });
		}
	return points;
}

const TRUTH: ScalingParams = { E: 0.4, A: 60, alpha: 0.45, B: 300, beta: 0.4 };

describe('predictLoss', () => {
	it('adds the three terms', () => {
		// 0.4 + 60/1000^0.5 + 300/10000^0.5 = 0.4 + 1.8973666 + 3 (hand-computed)
		expect(predictLoss({ E: 0.4, A: 60, alpha: 0.5, B: 300, beta: 0.5 }, 1000, 10_000)).toBeCloseTo(
			5.2973666,
			6
		);
	});
});

describe('startGrid', () => {
	it('is the 5 × 5 × 5 × 6 × 6 grid of Hoffmann et al.', () => {
		const starts = startGrid();
		expect(starts).toHaveLength(4500);
		expect(new Set(starts.map((s) => s[3]))).toEqual(new Set([0, 0.5, 1, 1.5, 2]));
		expect(new Set(starts.map((s) => s[2]))).toEqual(new Set([-1, -0.5, 0, 0.5, 1]));
		expect(new Set(starts.map((s) => s[0]))).toEqual(new Set([0, 5, 10, 15, 20, 25]));
	});
});

describe('fitScalingLaw', () => {
	it('recovers the parameters of noiseless points to 1 % (relative)', () => {
		const fit = fitScalingLaw(grid(TRUTH, 0, 1), { bootstrap: 0 });
		for (const key of ['E', 'A', 'alpha', 'B', 'beta'] as const)
			expect(Math.abs(fit[key] / TRUTH[key] - 1), key).toBeLessThan(0.01);
	});

	it('recovers α and β within ±0.05 and holds every true value in its 95 % interval with 1 % noise', () => {
		// Stated tolerance: with log-loss noise of standard deviation 0.01 on 48 points the exponents
		// come back within ±0.05 (absolute) and the bootstrap intervals (200 resamples) cover the truth.
		for (const seed of [3, 11]) {
			const fit = fitScalingLaw(grid(TRUTH, 0.01, seed), { bootstrap: 200, seed: 5 });
			expect(Math.abs(fit.alpha - TRUTH.alpha)).toBeLessThan(0.05);
			expect(Math.abs(fit.beta - TRUTH.beta)).toBeLessThan(0.05);
			for (const key of ['E', 'alpha', 'beta'] as const) {
				const [lo, hi] = fit.intervals[key];
				expect(lo, `${key} lower bound, seed ${seed}`).toBeLessThanOrEqual(TRUTH[key]);
				expect(hi, `${key} upper bound, seed ${seed}`).toBeGreaterThanOrEqual(TRUTH[key]);
				expect(lo).toBeLessThanOrEqual(fit[key] + 1e-12);
				expect(hi).toBeGreaterThanOrEqual(fit[key] - 1e-12);
			}
		}
	}, 60_000);

	it('is deterministic for a seed and changes its intervals with the seed', () => {
		const points = grid(TRUTH, 0.02, 4);
		const starts = startGrid().filter((_, i) => i % 25 === 0);
		const a = fitScalingLaw(points, { bootstrap: 30, seed: 1, starts });
		const b = fitScalingLaw(points, { bootstrap: 30, seed: 1, starts });
		const c = fitScalingLaw(points, { bootstrap: 30, seed: 2, starts });
		expect(b).toEqual(a);
		expect(c.intervals.alpha).not.toEqual(a.intervals.alpha);
		expect(c.alpha).toBe(a.alpha);
	});

	it('is pulled less by one outlier than a squared loss would be (the Huber loss)', () => {
		const points = grid(TRUTH, 0, 1);
		// One branch that went wrong: its loss is 3 times what the law says.
		points[20] = { ...points[20]!, loss: points[20]!.loss * 3 };
		const starts = startGrid().filter((_, i) => i % 10 === 0);
		const fit = fitScalingLaw(points, { bootstrap: 0, starts });
		expect(Math.abs(fit.alpha - TRUTH.alpha)).toBeLessThan(0.01);
		expect(Math.abs(fit.beta - TRUTH.beta)).toBeLessThan(0.01);
		// A threshold above every residual makes the Huber loss a plain squared loss: the outlier then
		// drags the exponents further off.
		const squared = fitScalingLaw(points, { bootstrap: 0, starts, delta: 10 });
		const off = (f: typeof fit) => Math.abs(f.alpha - TRUTH.alpha) + Math.abs(f.beta - TRUTH.beta);
		expect(off(squared)).toBeGreaterThan(2 * off(fit));
	});

	it('names what is wrong with too few or bad points', () => {
		expect(pointsProblem(grid(TRUTH, 0, 1).slice(0, 5))).toMatch(/at least 6 points/);
		expect(pointsProblem(grid(TRUTH, 0, 1).filter((p) => p.N === 1e3))).toMatch(/2 model sizes/);
		const bad = grid(TRUTH, 0, 1);
		bad[2] = { ...bad[2]!, loss: Number.NaN };
		expect(pointsProblem(bad)).toMatch(/point 2/);
		expect(() => fitScalingLaw(bad)).toThrow(/point 2/);
	});
});

describe('computeOptimal', () => {
	it('matches a brute-force minimum of the fitted loss along C = 6·N·D', () => {
		const p = TRUTH;
		for (const C of [1e9, 1e12, 1e15]) {
			const optimal = computeOptimal(p, C);
			// Independent reference: the loss on a fine grid of log N, D = C / 6N.
			let bestN = 0;
			let bestLoss = Infinity;
			for (let x = 0; x <= 20; x += 1e-4) {
				const N = Math.exp(x);
				const loss = predictLoss(p, N, C / (6 * N));
				if (loss < bestLoss) [bestN, bestLoss] = [N, loss];
			}
			expect(Math.abs(Math.log(optimal.N / bestN))).toBeLessThan(1e-3);
			// The closed form is the true minimum: never above the grid's best, and within its resolution.
			expect(optimal.loss).toBeLessThanOrEqual(bestLoss + 1e-12);
			expect(optimal.loss).toBeCloseTo(bestLoss, 7);
			expect(Math.abs((6 * optimal.N * optimal.D) / C - 1)).toBeLessThan(1e-12);
		}
	});

	it('gives N* ∝ C^(β/(α+β)) (hand-computed exponent)', () => {
		// α = β: N* and D* both grow as √C, so 100× the compute is 10× the parameters.
		const p = { E: 1, A: 100, alpha: 0.3, B: 100, beta: 0.3 };
		expect(computeOptimal(p, 1e14).N / computeOptimal(p, 1e12).N).toBeCloseTo(10, 9);
		// A = B and α = β: N* = D* = √(C/6).
		expect(computeOptimal(p, 6e12).N).toBeCloseTo(1e6, 3);
	});
});
