import { describe, expect, it } from 'vitest';
import { bootstrapBest } from '../../analysis/bootstrap';
import { layoutBootstrap } from './bootstrap-plot';

describe('layoutBootstrap', () => {
	it('spaces budgets evenly and leaves budgets without a result unplaced', () => {
		const stats = bootstrapBest([null, 1, 2, 3], 'minimize', { budgets: [1, 2, 4], resamples: 50 });
		stats.push({ budget: 8, min: NaN, q1: NaN, median: NaN, q3: NaN, max: NaN, noResult: 1 });
		const layout = layoutBootstrap(stats, { width: 400, height: 100 }, 'valLoss');
		const cx = layout.boxes.map((b) => b.cx);
		expect(cx[1]! - cx[0]!).toBeCloseTo(cx[2]! - cx[1]!, 6);
		expect(layout.boxes[3]!.y).toBeNull();
		const box = layout.boxes[0]!.y!;
		// Lower loss is drawn lower: min (best) at or below the median, max at or above.
		expect(box.min).toBeGreaterThanOrEqual(box.median);
		expect(box.max).toBeLessThanOrEqual(box.median);
	});
});
