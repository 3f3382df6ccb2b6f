import { describe, expect, it } from 'vitest';
import { formatNumber, formatSignificant } from './number-format';

describe('formatNumber', () => {
	it('writes four significant digits, trailing zeros dropped', () => {
		// √10 / 1000 = 0.0031622776601683794…: a sampled learning rate, read to 4 digits.
		expect(formatNumber(0.0031622776601683794)).toBe('0.003162');
		expect(formatNumber(0.123456)).toBe('0.1235');
		expect(formatNumber(1.5)).toBe('1.5');
		expect(formatNumber(2)).toBe('2');
		expect(formatNumber(1234.5)).toBe('1235');
		expect(formatNumber(-0.25)).toBe('-0.25');
		expect(formatNumber(0)).toBe('0');
		expect(formatNumber(0.001)).toBe('0.001');
	});

	it('writes tiny and huge numbers with an exponent', () => {
		expect(formatNumber(0.000125)).toBe('1.25e-4');
		expect(formatNumber(0.00001)).toBe('1e-5');
		expect(formatNumber(0.00001234567)).toBe('1.235e-5');
		expect(formatNumber(123456)).toBe('1.235e+5');
		expect(formatNumber(3e6)).toBe('3e+6');
		expect(formatNumber(-2.5e-7)).toBe('-2.5e-7');
	});

	it('writes a number that rounds up to 100,000 with an exponent too', () => {
		// 99999.5 to four digits is 1.000 × 10⁵, not "100000"; 99994 to four digits is 9999 × 10.
		expect(formatNumber(99999.5)).toBe('1e+5');
		expect(formatNumber(99994)).toBe('99990');
	});

	it('takes other numbers of digits', () => {
		expect(formatSignificant(0.0031622776601683794, 2)).toBe('0.0032');
		expect(formatSignificant(2 / 3, 3)).toBe('0.667');
		expect(formatSignificant(0.000123456, 2)).toBe('1.2e-4');
	});

	it('maps over a list without taking the index for a number of digits', () => {
		expect([0.07499, 1234.5, 0.123456].map(formatNumber)).toEqual(['0.07499', '1235', '0.1235']);
	});

	it('writes what is not a finite number as JavaScript does', () => {
		expect(formatNumber(Number.NaN)).toBe('NaN');
		expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
		expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
	});
});
