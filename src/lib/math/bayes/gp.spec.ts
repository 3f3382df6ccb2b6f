import { describe, expect, it } from 'vitest';
import { featureLayout } from './encoding';
import { fitHyperparameters, logMarginalLikelihood, posterior, predict, type GpHyperparameters } from './gp';
import { matern52, pairwiseGroupDistances } from './kernel';

// One float parameter on [0, 1]: its feature is the value itself.
const layout = featureLayout({ params: [{ name: 'x', type: 'float', min: 0, max: 1, scale: 'linear' }] });
const hyper: GpHyperparameters = { lengthScales: [0.5], signalVariance: 2, noiseVariance: 0.1 };
const point = (x: number) => Float64Array.of(x);

describe('Matérn 5/2', () => {
	it('is 1 at distance 0 and (1 + √5 + 5/3)e^(−√5) at distance 1', () => {
		expect(matern52(0)).toBe(1);
		expect(matern52(1)).toBeCloseTo(0.5239941088318203, 14);
	});
});

describe('GP posterior against closed forms', () => {
	it('one observation: μ = k(x,x₁)/(k(x₁,x₁) + σn²)·y₁ and σ² = σf² − k²/(σf² + σn²)', () => {
		const gp = posterior(layout, [point(0.2)], [1.5], hyper);
		const { mean, variance } = predict(gp, point(0.5));
		// k = 2·m52(0.3/0.5) = 1.537986…, by hand.
		const k = 2 * matern52(0.6);
		expect(k).toBeCloseTo(1.537986218503236, 12);
		expect(mean).toBeCloseTo((k / 2.1) * 1.5, 12);
		expect(mean).toBeCloseTo(1.0985615846451686, 12);
		expect(variance).toBeCloseTo(0.8736182817591029, 12);
	});

	it('two observations: the 2×2 inverse worked by hand', () => {
		const gp = posterior(layout, [point(0.2), point(0.7)], [1.5, -0.5], hyper);
		const { mean, variance } = predict(gp, point(0.5));
		expect(mean).toBeCloseTo(0.3071731957435013, 12);
		expect(variance).toBeCloseTo(0.24005087838247552, 12);
	});

	it('log marginal likelihood of one and two points by hand', () => {
		const one = logMarginalLikelihood(pairwiseGroupDistances(layout, [point(0.2)]), 1, 1, [1.5], hyper);
		// −½·y²/(σf² + σn²) − ½·log(σf² + σn²) − ½·log 2π.
		expect(one.value).toBeCloseTo(
			(-0.5 * (1.5 * 1.5)) / 2.1 - 0.5 * Math.log(2.1) - 0.5 * Math.log(2 * Math.PI),
			12
		);
		const points = [point(0.2), point(0.7)];
		const two = logMarginalLikelihood(pairwiseGroupDistances(layout, points), 2, 1, [1.5, -0.5], hyper);
		expect(two.value).toBeCloseTo(-3.466586512516969, 12);
	});

	it('gradient matches central finite differences in log space', () => {
		const points = [0.05, 0.3, 0.42, 0.8, 0.95].map(point);
		const y = [0.3, -1.2, -0.7, 1.1, 0.4];
		const distances = pairwiseGroupDistances(layout, points);
		const { gradient } = logMarginalLikelihood(distances, 5, 1, y, hyper, true);
		const at = (d: number[]): number =>
			logMarginalLikelihood(distances, 5, 1, y, {
				lengthScales: [hyper.lengthScales[0]! * Math.exp(d[0]!)],
				signalVariance: hyper.signalVariance * Math.exp(d[1]!),
				noiseVariance: hyper.noiseVariance * Math.exp(d[2]!)
			}).value;
		const h = 1e-5;
		for (let i = 0; i < 3; i++) {
			const plus = [0, 0, 0];
			const minus = [0, 0, 0];
			plus[i] = h;
			minus[i] = -h;
			expect(gradient![i]).toBeCloseTo((at(plus) - at(minus)) / (2 * h), 6);
		}
	});

	it('fitted to a smooth function, predicts held-out points and finds little noise', () => {
		const f = (x: number) => Math.sin(6 * x);
		const xs = Array.from({ length: 15 }, (_, i) => i / 14);
		const fitted = fitHyperparameters(layout, xs.map(point), xs.map(f));
		expect(fitted.noiseVariance).toBeLessThan(1e-2);
		const gp = posterior(layout, xs.map(point), xs.map(f), fitted);
		for (const x of [0.11, 0.37, 0.62, 0.9])
			expect(Math.abs(predict(gp, point(x)).mean - f(x))).toBeLessThan(0.02);
	});
});
