import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf, normalQuantile } from './normal';

// Reference values from standard normal tables (to the digits printed in Abramowitz & Stegun / R's pnorm).
describe('standard normal', () => {
	it('matches published values of Φ, also far in the tails', () => {
		expect(normalCdf(0)).toBe(0.5);
		expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
		expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
		expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
		expect(normalCdf(-3) / 0.0013498980316300946).toBeCloseTo(1, 9);
		expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 9);
	});

	it('has φ(0) = 1/√(2π) and the 97.5% quantile 1.959964', () => {
		expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
		expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
		expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
		expect(() => normalQuantile(1)).toThrow(RangeError);
	});
});
