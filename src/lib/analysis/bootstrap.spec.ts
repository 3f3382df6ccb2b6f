import { describe, expect, it } from 'vitest';
import {
	bootstrapBest,
	bootstrapReading,
	budgetsUpTo,
	outcomePool,
	plateauBudget,
	quantile,
	studyBootstrap
} from './bootstrap';
import { syntheticStudy } from '../testing/synthetic-study';

describe('budgetsUpTo', () => {
	it('doubles up to the pool size and ends on it', () => {
		expect(budgetsUpTo(1)).toEqual([1]);
		expect(budgetsUpTo(8)).toEqual([1, 2, 4, 8]);
		expect(budgetsUpTo(20)).toEqual([1, 2, 4, 8, 16, 20]);
		expect(budgetsUpTo(0)).toEqual([]);
	});
});

describe('quantile (type 7)', () => {
	it('interpolates between order statistics', () => {
		expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
		expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
		expect(quantile([5], 0.75)).toBe(5);
		expect(quantile([], 0.5)).toBeNaN();
	});
});

describe('bootstrapBest', () => {
	it('with one trial per draw, the bests are the values themselves: median 2 of [1, 2, 3]', () => {
		const [stats] = bootstrapBest([1, 2, 3], 'minimize', { budgets: [1], resamples: 2000 });
		expect(stats!.min).toBe(1);
		expect(stats!.max).toBe(3);
		expect(stats!.median).toBe(2);
		expect(stats!.noResult).toBe(0);
	});
	it('with a large budget the median best is the true best, for either direction', () => {
		const pool = [0.9, 0.5, 0.7, 0.2, 0.6];
		expect(bootstrapBest(pool, 'minimize', { budgets: [64] })[0]!.median).toBe(0.2);
		expect(bootstrapBest(pool, 'maximize', { budgets: [64] })[0]!.median).toBe(0.9);
	});
	it('matches the exact distribution of the best of two draws from [1, 2, 3]', () => {
		// P(min of two = 1) = 5/9, = 2: 3/9, = 3: 1/9, so the median is 1 and q3 is 2.
		const [stats] = bootstrapBest([1, 2, 3], 'minimize', { budgets: [2], resamples: 4000 });
		expect(stats!.median).toBe(1);
		expect(stats!.q3).toBe(2);
	});
	it('counts draws made only of infeasible trials apart', () => {
		// Half the pool is infeasible: a draw of one trial has no result half of the time.
		const [one, many] = bootstrapBest([null, 1], 'minimize', { budgets: [1, 16], resamples: 4000 });
		expect(one!.noResult).toBeGreaterThan(0.45);
		expect(one!.noResult).toBeLessThan(0.55);
		expect(one!.median).toBe(1);
		expect(many!.noResult).toBeLessThan(0.01);
		const [none] = bootstrapBest([null, null], 'minimize', { budgets: [3] });
		expect(none!.noResult).toBe(1);
		expect(none!.median).toBeNaN();
	});
	it('is deterministic for a seed and differs between seeds', () => {
		const pool = Array.from({ length: 30 }, (_, i) => Math.sin(i) + 2);
		expect(bootstrapBest(pool, 'minimize', { seed: 4 })).toEqual(
			bootstrapBest(pool, 'minimize', { seed: 4 })
		);
		expect(bootstrapBest(pool, 'minimize', { seed: 4 })).not.toEqual(
			bootstrapBest(pool, 'minimize', { seed: 5 })
		);
	});
});

describe('studyBootstrap', () => {
	it('pools the finished trials, infeasible ones as null', () => {
		const study = syntheticStudy([
			{ params: {}, trainLoss: () => 1, valLoss: () => 0.4 },
			{ params: {}, status: 'infeasible', trainLoss: () => NaN, valLoss: () => NaN },
			{ params: {}, status: 'queued', trainLoss: () => 1, valLoss: () => 0.1 }
		]);
		const choice = { metric: 'valLoss', reduce: 'best' } as const;
		expect(outcomePool(study, choice)).toEqual([0.4, null]);
		expect(studyBootstrap(study, choice).map((s) => s.budget)).toEqual([1, 2]);
	});
});

describe('plateauBudget and bootstrapReading', () => {
	const row = (budget: number, median: number, q1 = median, q3 = median) => ({
		budget,
		min: q1,
		q1,
		median,
		q3,
		max: q3,
		noResult: 0
	});
	it('finds where the median best comes within 5% of its total gain', () => {
		const stats = [row(1, 1), row(2, 0.5), row(4, 0.3), row(8, 0.21), row(16, 0.2)];
		expect(plateauBudget(stats)).toBe(8);
		expect(bootstrapReading(stats, 16)).toMatch(/after about 8 of the 16 trials/);
	});
	it('counts a median inside the quartile box of the full budget as settled', () => {
		// The last budget's bests spread over 0.18..0.26: a median of 0.25 at 4 trials is within luck.
		const stats = [row(1, 1), row(2, 0.5), row(4, 0.25), row(8, 0.21), row(16, 0.2, 0.18, 0.26)];
		expect(plateauBudget(stats)).toBe(4);
	});
	it('says when the median was still improving at the study size', () => {
		const stats = [row(1, 1), row(2, 0.8), row(4, 0.5)];
		expect(bootstrapReading(stats, 4)).toMatch(/still improving/);
	});
});
