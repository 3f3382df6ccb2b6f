import { describe, expect, it } from 'vitest';
import { rowWindow } from './row-window';

describe('rowWindow', () => {
	it('renders the visible rows plus the overscan, and sizes what it leaves out', () => {
		// 1,000 rows of 30 px; the box shows 300 px from 3,000 px on: rows 100..109 are visible
		// (3,000 / 30 = 100, 3,300 / 30 = 110), 5 more on each side: 95..114.
		expect(rowWindow(1000, 30, 3000, 300, 5)).toEqual({
			start: 95,
			end: 115,
			before: 95 * 30,
			after: (1000 - 115) * 30
		});
	});

	it('covers a row cut by either edge of the box', () => {
		// 20 px rows, 100 px shown from 10 px: rows 0 (half) to 5 (half) are visible.
		expect(rowWindow(50, 20, 10, 100, 0)).toEqual({ start: 0, end: 6, before: 0, after: 44 * 20 });
	});

	it('stops at both ends of the list', () => {
		expect(rowWindow(10, 30, 0, 600, 5)).toEqual({ start: 0, end: 10, before: 0, after: 0 });
		// Scrolled past the end (the list shrank under a filter): the last rows, nothing after them.
		expect(rowWindow(10, 30, 9000, 300, 2)).toEqual({ start: 10, end: 10, before: 300, after: 0 });
		expect(rowWindow(0, 30, 0, 300, 5)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
	});

	it('treats a negative scroll (overscroll bounce) as the top', () => {
		expect(rowWindow(100, 25, -40, 100, 1)).toEqual({ start: 0, end: 5, before: 0, after: 95 * 25 });
	});
});
