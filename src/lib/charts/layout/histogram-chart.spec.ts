import { describe, expect, it } from 'vitest';
import { histogram } from '../../analysis/stability';
import { histogramLayout } from './histogram-chart';

describe('histogramLayout', () => {
	it('places linear bars edge to edge with heights by count, and the marker on the axis', () => {
		const layout = histogramLayout(
			histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5),
			{ width: 100, height: 30 },
			5
		);
		expect(layout.bars.map((b) => b.x)).toEqual([0, 20, 40, 60, 80]);
		expect(layout.bars.map((b) => b.width)).toEqual([19, 19, 19, 19, 19]);
		// Counts 2, 2, 2, 2, 3 on a y axis from 0 to 3 over 30 px.
		expect(layout.bars.map((b) => b.height)).toEqual([20, 20, 20, 20, 30]);
		expect(layout.markerX).toBe(50);
		expect(layout.yTicks.every((t) => Number.isInteger(t.value))).toBe(true);
	});

	it('spaces log bins evenly and leaves out a marker off the axis', () => {
		const layout = histogramLayout(histogram([1, 2, 50, 1000], 3), { width: 90, height: 10 }, 5000);
		expect(layout.bars.map((b) => b.x)).toEqual([0, 30, 60]);
		expect(layout.markerX).toBeNull();
		expect(layout.xTicks.map((t) => t.value)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
	});

	it('draws nothing without bins', () => {
		expect(histogramLayout(histogram([]), { width: 10, height: 10 }, 1)).toEqual({
			bars: [],
			xTicks: [],
			yTicks: [],
			markerX: null
		});
	});
});
