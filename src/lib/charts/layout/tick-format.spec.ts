import { describe, expect, it } from 'vitest';
import { tickLabels, tickSpecifier } from './tick-format';

// Every expectation is written by hand: the label a reader of a paper's axis would expect.
describe('one number format per axis', () => {
	it('gives every tick of a linear axis the same decimals, the fewest that write each exactly', () => {
		expect(tickLabels([0, 0.5, 1])).toEqual(['0.0', '0.5', '1.0']);
		expect(tickLabels([0, 0.25, 0.5, 0.75, 1])).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
		expect(tickLabels([1.5, 2, 2.5])).toEqual(['1.5', '2.0', '2.5']);
		expect(tickLabels([32, 64, 128])).toEqual(['32', '64', '128']);
		expect(tickLabels([-1, 0, 1])).toEqual(['-1', '0', '1']);
		expect(tickSpecifier([0, 0.25, 0.5])).toBe('.2f');
	});

	it('ignores the float noise of computed ticks', () => {
		// 0.1 + 0.2 is 0.30000000000000004 in float64: still "0.3".
		expect(tickLabels([0.1, 0.2, 0.1 + 0.2])).toEqual(['0.1', '0.2', '0.3']);
	});

	it('groups thousands on large fixed labels', () => {
		expect(tickLabels([0, 5000, 10000, 15000, 20000])).toEqual(['0', '5,000', '10,000', '15,000', '20,000']);
		expect(tickSpecifier([0, 10000, 20000])).toBe(',.0f');
	});

	it('writes a whole axis in exponent notation when one tick is tiny or huge, never mixing notations', () => {
		expect(tickLabels([2e-4, 4e-4, 6e-4])).toEqual(['2e-4', '4e-4', '6e-4']);
		expect(tickLabels([0, 5e-4, 1e-3])).toEqual(['0', '5e-4', '1e-3']);
		expect(tickLabels([1.5e-4, 2e-4])).toEqual(['1.5e-4', '2.0e-4']);
		expect(tickLabels([1e6, 2e6])).toEqual(['1e+6', '2e+6']);
	});

	it('trims trailing zeros on a log axis, whose ticks span decades', () => {
		expect(tickLabels([1e-4, 1e-3, 1e-2, 1e-1, 1], true)).toEqual(['1e-4', '1e-3', '1e-2', '1e-1', '1e+0']);
		expect(tickLabels([0.1, 0.2, 0.5, 1, 2, 5, 10], true)).toEqual([
			'0.1',
			'0.2',
			'0.5',
			'1',
			'2',
			'5',
			'10'
		]);
		expect(tickSpecifier([0.1, 1, 10], true)).toBe('.1~f');
	});

	it('labels an empty or all-zero axis plainly', () => {
		expect(tickLabels([])).toEqual([]);
		expect(tickLabels([0])).toEqual(['0']);
	});
});
