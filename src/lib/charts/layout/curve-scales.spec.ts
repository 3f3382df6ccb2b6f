import { describe, expect, it } from 'vitest';
import {
	axisTicks,
	curveScales,
	drawable,
	formatValue,
	linePath,
	nearestIndex,
	readoutAt,
	type CurveSeries
} from './curve-scales';

const loss: CurveSeries = {
	id: 'l',
	label: 'train',
	color: 'red',
	xs: [0, 10, 20, 30],
	ys: [2, 1, 0.5, 0.25]
};

describe('curveScales', () => {
	it('maps the data extent onto the pixel box (y grows downwards)', () => {
		const s = curveScales([loss], { width: 300, height: 100 }, false);
		expect(s.x(0)).toBe(0);
		expect(s.x(30)).toBe(300);
		expect(s.y(s.y.domain()[0]!)).toBe(100);
		expect(s.y.domain()[0]).toBeLessThanOrEqual(0.25);
		expect(s.y.domain()[1]).toBeGreaterThanOrEqual(2);
	});

	it('on a log axis spaces halvings evenly and ignores non-positive values', () => {
		const s = curveScales([{ ...loss, ys: [2, 1, 0.5, 0] }], { width: 300, height: 100 }, true);
		const gap1 = s.y(1) - s.y(2);
		const gap2 = s.y(0.5) - s.y(1);
		expect(gap1).toBeCloseTo(gap2, 6);
		expect(s.y.domain()[0]).toBeGreaterThan(0);
	});

	it('gives a flat series a visible band proportional to its value', () => {
		const s = curveScales([{ ...loss, ys: [1, 1, 1, 1] }], { width: 10, height: 10 }, false);
		expect(s.y.domain()[0]).toBeLessThan(1);
		expect(s.y.domain()[1]).toBeGreaterThan(1);
		const small = curveScales(
			[{ ...loss, ys: [0.003, 0.003, 0.003, 0.003] }],
			{ width: 10, height: 10 },
			false
		);
		expect(small.y.domain()[0]).toBeGreaterThanOrEqual(0);
		expect(small.y.domain()[1]).toBeLessThanOrEqual(0.005);
	});

	it('labels only 1, 2, 5 × 10^k on a log axis spanning decades', () => {
		const s = curveScales([{ ...loss, ys: [0.1, 10] }], { width: 10, height: 100 }, true);
		expect(axisTicks(s.y, true)).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10]);
		const wide = curveScales([{ ...loss, ys: [1e-5, 10] }], { width: 10, height: 100 }, true);
		expect(axisTicks(wide.y, true)).toEqual([1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10]);
	});
});

describe('linePath', () => {
	it('breaks the line at NaN instead of drawing through it', () => {
		const scales = curveScales([loss], { width: 300, height: 100 }, false);
		const path = linePath({ ...loss, ys: [2, Number.NaN, 0.5, 0.25] }, scales, false);
		expect(path.match(/M/g)?.length).toBe(2);
		expect(drawable(Number.POSITIVE_INFINITY, false)).toBe(false);
		expect(drawable(0, true)).toBe(false);
	});
});

describe('hover read-out', () => {
	it('finds the nearest step in each series', () => {
		expect(nearestIndex([0, 10, 20, 30], 14)).toBe(1);
		expect(nearestIndex([0, 10, 20, 30], 16)).toBe(2);
		expect(nearestIndex([], 3)).toBe(-1);
		const evals: CurveSeries = { id: 'v', label: 'val', color: 'blue', xs: [0, 25], ys: [2.3, 0.9] };
		expect(readoutAt([loss, evals], 21)).toEqual([
			{ id: 'l', label: 'train', color: 'red', x: 20, y: 0.5 },
			{ id: 'v', label: 'val', color: 'blue', x: 25, y: 0.9 }
		]);
	});

	it('formats values compactly', () => {
		expect(formatValue(0.123456)).toBe('0.1235');
		expect(formatValue(0.00001234)).toBe('1.234e-5');
		expect(formatValue(2)).toBe('2');
	});
});
