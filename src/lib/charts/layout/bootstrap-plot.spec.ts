import { describe, expect, it } from 'vitest';
import { bootstrapBest, outcomePool } from '../../analysis/bootstrap';
import type { TrialRecord } from '../../study/study';
import { bootstrapStoppedNote, layoutBootstrap } from './bootstrap-plot';

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

describe('bootstrapStoppedNote', () => {
	const trial = (index: number, status: string, valLoss: number | null) =>
		({
			index,
			params: {},
			config: {},
			seed: index,
			status,
			metrics: {
				train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
				evals: valLoss === null ? [] : [{ step: 10, valLoss, valAccuracy: 0 }]
			}
		}) as unknown as TrialRecord;

	it('says how many stopped trials the pool leaves out, and that the rest are what halving kept', () => {
		// Two completed, one infeasible, two stopped (their rung values 0.1 and 0.2 would beat every
		// completed one if they were drawn): the pool is 0.5, 0.4 and one infeasible draw, three in all.
		const trials = [
			trial(0, 'completed', 0.5),
			trial(1, 'stopped', 0.1),
			trial(2, 'infeasible', null),
			trial(3, 'stopped', 0.2),
			trial(4, 'completed', 0.4)
		];
		const pool = outcomePool({ trials }, { metric: 'valLoss', reduce: 'best' });
		expect(pool).toEqual([0.5, null, 0.4]);
		expect(bootstrapStoppedNote(2, pool.length)).toBe(
			'2 trials stopped early by successive halving are not resampled: each trained only to a rung, so none ' +
				'has a full-length value. The 3 trials resampled are those halving let finish, so the boxes lean ' +
				'optimistic for a study of as many trials run without early stopping.'
		);
	});

	it('speaks of one trial in the singular, drops the second sentence with nothing resampled, and is null without any', () => {
		expect(bootstrapStoppedNote(1, 1)).toBe(
			'1 trial stopped early by successive halving is not resampled: it trained only to a rung, so it has ' +
				'no full-length value. The 1 trial resampled is the one halving let finish, so the boxes lean ' +
				'optimistic for a study of as many trials run without early stopping.'
		);
		expect(bootstrapStoppedNote(3, 0)).toBe(
			'3 trials stopped early by successive halving are not resampled: each trained only to a rung, so none ' +
				'has a full-length value.'
		);
		expect(bootstrapStoppedNote(0, 5)).toBeNull();
	});
});
