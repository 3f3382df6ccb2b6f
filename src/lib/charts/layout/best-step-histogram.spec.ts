import { describe, expect, it } from 'vitest';
import { bestStepReport, type BestStepInput } from '../../analysis/best-step';
import { countTicks, histogramLayout } from './best-step-histogram';

/** Completed trials of 100 steps whose best checkpoints sit at the given steps. */
function completed(...steps: number[]): BestStepInput[] {
	return steps.map((bestStep, index) => ({ index, bestStep, maxTrainSteps: 100, status: 'completed' }));
}

describe('histogram layout', () => {
	it('makes whole-number count ticks up to the tallest bar', () => {
		expect(countTicks(0)).toEqual([0, 1]);
		expect(countTicks(3)).toEqual([0, 1, 2, 3]);
		expect(countTicks(10)).toEqual([0, 3, 6, 9, 10]);
	});

	it('places bars, ticks and bands in pixels', () => {
		const report = bestStepReport(completed(0, 5, 95, 99));
		const layout = histogramLayout(report.bins, { width: 200, height: 100 }, 2);
		expect(layout.bars[0]).toEqual({ bin: 0, x: 1, y: 0, width: 18, height: 100, count: 2 });
		expect(layout.bars[9]).toEqual({ bin: 9, x: 181, y: 0, width: 18, height: 100, count: 2 });
		expect(layout.bars[5]).toEqual({ bin: 5, x: 101, y: 100, width: 18, height: 0, count: 0 });
		expect(layout.yTicks.map((t) => [t.label, t.at])).toEqual([
			['0', 100],
			['1', 50],
			['2', 0]
		]);
		expect(layout.xTicks.map((t) => [t.label, t.at])).toEqual([
			['0%', 0],
			['20%', 40],
			['40%', 80],
			['60%', 120],
			['80%', 160],
			['100%', 200]
		]);
		expect(layout.earlyBand).toEqual({ x: 0, width: 20 });
		expect(layout.lateBand).toEqual({ x: 150, width: 50 });
	});
});
