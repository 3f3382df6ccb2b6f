import { describe, expect, it } from 'vitest';
import { featureLayout } from './encoding';
import {
	averagedFeasibility,
	feasibilityProbability,
	fitFeasibility,
	laplaceFit,
	latentPosterior
} from './feasibility';
import { normalCdf, normalPdf } from './normal';

const layout = featureLayout({ params: [{ name: 'x', type: 'float', min: 0, max: 1, scale: 'linear' }] });
const point = (x: number) => Float64Array.of(x);

describe('Laplace GP classifier (probit)', () => {
	it('one feasible point: the mode solves f = σ²·φ(f)/Φ(f) and P follows R&W algorithm 3.2', () => {
		const variance = 2;
		const model = laplaceFit(layout, [point(0.3)], [1], [0.5], variance, 0)!;
		// Independent root of f − σ²φ(f)/Φ(f) = 0 by bisection.
		let lo = 0;
		let hi = 5;
		for (let i = 0; i < 200; i++) {
			const mid = (lo + hi) / 2;
			if (mid - (variance * normalPdf(mid)) / normalCdf(mid) > 0) hi = mid;
			else lo = mid;
		}
		const mode = (lo + hi) / 2;
		// At the mode, K·∇log p = f̂.
		expect(variance * model.gradLogLik[0]!).toBeCloseTo(mode, 6);
		// W = r² + f·r with r = φ/Φ (R&W eq. 3.16); V[f*] at the point itself = σ²/(1 + Wσ²).
		const r = normalPdf(mode) / normalCdf(mode);
		const w = r * r + mode * r;
		const v = variance / (1 + w * variance);
		const latent = latentPosterior(model, point(0.3));
		expect(latent.mean).toBeCloseTo(mode, 6);
		expect(latent.variance).toBeCloseTo(v, 6);
		expect(averagedFeasibility(model, point(0.3))).toBeCloseTo(normalCdf(mode / Math.sqrt(1 + v)), 6);
		// The optimiser's plug-in probability.
		expect(feasibilityProbability(model, point(0.3))).toBeCloseTo(normalCdf(mode), 6);
	});

	it('learns a boundary: feasible below 0.5, infeasible above', () => {
		const xs = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
		const model = fitFeasibility(
			layout,
			xs.map(point),
			xs.map((x) => x < 0.5)
		);
		const low = feasibilityProbability(model, point(0.1));
		const middle = feasibilityProbability(model, point(0.5));
		const high = feasibilityProbability(model, point(0.9));
		expect(low).toBeGreaterThan(0.9);
		expect(high).toBeLessThan(0.1);
		expect(middle).toBeGreaterThan(high);
		expect(middle).toBeLessThan(low);
		// Symmetric data and a prior mean of Φ⁻¹(1/2) = 0: symmetric answers.
		expect(low + high).toBeCloseTo(1, 6);
	});

	it('is absent (P = 1) while every trial has been feasible', () => {
		const model = fitFeasibility(layout, [point(0.1), point(0.6)], [true, true]);
		expect(model).toBeNull();
		expect(feasibilityProbability(model, point(0.9))).toBe(1);
	});
});
