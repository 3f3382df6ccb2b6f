import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../search-space';
import { encodeSample, featureLayout, sampleFromSlots } from './encoding';

const space: SearchSpace = {
	params: [
		{ name: 'lr', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' },
		{ name: 'width', type: 'int', min: 1, max: 4, scale: 'linear' },
		{ name: 'optimizer', type: 'categorical', values: ['sgd', 'momentum', 'adam'] },
		{ name: 'momentum', type: 'float', min: 0, max: 1, scale: 'linear', when: { optimizer: ['momentum'] } }
	]
};
const layout = featureLayout(space);

function distance2(a: Float64Array, b: Float64Array): number {
	return a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
}

describe('feature encoding', () => {
	it('lays out one column per ordinal definition and one-hot columns per categorical', () => {
		// lr, width, optimizer ×3, momentum.
		expect(layout.columns).toBe(6);
		expect(layout.groups.map((g) => g.width)).toEqual([1, 1, 3, 1]);
	});

	it('places log floats on the log scale and ints at the centres of their bins', () => {
		const x = encodeSample(layout, { lr: 1e-2, width: 1, optimizer: 'sgd' });
		// log10: −4 … −1, so 1e−2 sits at 2/3.
		expect(x[0]).toBeCloseTo(2 / 3, 12);
		// 4 integers on [0.5, 4.5]: 1 is the centre of the first quarter.
		expect(x[1]).toBeCloseTo(0.125, 12);
		expect(encodeSample(layout, { lr: 1e-2, width: 4, optimizer: 'sgd' })[1]).toBeCloseTo(0.875, 12);
	});

	it('puts every pair of categorical values at squared distance 1 and inactive children at 0.5', () => {
		const base = { lr: 1e-3, width: 2 };
		const sgd = encodeSample(layout, { ...base, optimizer: 'sgd' });
		const adam = encodeSample(layout, { ...base, optimizer: 'adam' });
		const momentum = encodeSample(layout, { ...base, optimizer: 'momentum', momentum: 0.5 });
		expect(distance2(sgd, adam)).toBeCloseTo(1, 12);
		expect(distance2(sgd, momentum)).toBeCloseTo(1, 12);
		expect(sgd[5]).toBe(0.5);
	});
});

describe('sampleFromSlots', () => {
	it('maps slot coordinates through the sampler and respects conditions', () => {
		// optimizer slot 0.5 → 'momentum' (middle third): the child is active.
		const sample = sampleFromSlots(space, [0.5, 0.99, 0.5, 0.25]);
		expect(sample.lr).toBeCloseTo(10 ** -2.5, 15);
		expect({ ...sample, lr: 0 }).toEqual({ lr: 0, width: 4, optimizer: 'momentum', momentum: 0.25 });
		// 0.9 → 'adam': no momentum key.
		expect(Object.keys(sampleFromSlots(space, [0.5, 0, 0.9, 0.25]))).toEqual(['lr', 'width', 'optimizer']);
	});
});
