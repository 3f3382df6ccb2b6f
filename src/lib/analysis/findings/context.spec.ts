import { describe, expect, it } from 'vitest';
import type { StudyParam } from '../../study/study';
import {
	binPoints,
	conditionHolds,
	formatNumber,
	isMajority,
	median,
	rowNoise,
	topCount,
	trialList
} from './context';
import { lossSpikes } from './curves';
import { unitPosition } from './search-space';

describe('checklist helpers', () => {
	it('takes the best tenth of the trials, and at least three', () => {
		expect([0, 2, 3, 12, 30, 31, 500].map(topCount)).toEqual([0, 2, 3, 3, 3, 4, 50]);
		expect(isMajority(2, 3)).toBe(true);
		expect(isMajority(2, 4)).toBe(false);
		expect(isMajority(0, 0)).toBe(false);
	});

	it('averages long curves into equal-count bins and keeps short ones', () => {
		const points = [0, 1, 2, 3, 4, 5].map((step) => ({ step, value: step * 10 }));
		expect(binPoints(points, 3)).toEqual([
			{ step: 0.5, value: 5 },
			{ step: 2.5, value: 25 },
			{ step: 4.5, value: 45 }
		]);
		expect(binPoints(points, 10)).toEqual(points);
	});

	it('places values in the space the sampler draws from', () => {
		const log = {
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 1e-4,
			max: 1e-1,
			scale: 'log'
		} as const;
		expect(unitPosition(log, 1e-3)).toBeCloseTo(1 / 3, 12);
		const linear = {
			name: 'dropout',
			role: 'nuisance',
			type: 'float',
			min: 0,
			max: 0.5,
			scale: 'linear'
		} as const;
		expect(unitPosition(linear, 0.4)).toBeCloseTo(0.8, 12);
	});

	it('checks when conditions against a trial’s sampled values', () => {
		const param: StudyParam = {
			name: 'momentum',
			role: 'nuisance',
			type: 'float',
			min: 0.5,
			max: 0.99,
			scale: 'linear',
			when: { optimizer: ['momentum', 'nesterov'] }
		};
		expect(conditionHolds(param, { optimizer: 'nesterov' })).toBe(true);
		expect(conditionHolds(param, { optimizer: 'adam' })).toBe(false);
		expect(conditionHolds(param, {})).toBe(false);
	});

	it('names trials and numbers briefly', () => {
		expect(trialList([3])).toBe('trial 3');
		expect(trialList([1, 4, 7])).toBe('trials 1, 4 and 7');
		expect(trialList([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe('trials 1, 2, 3, 4, 5, 6, 7, 8 and 2 others');
		expect([0, 0.07499, 1234.5, 2e-5, 3e6].map(formatNumber)).toEqual([
			'0',
			'0.07499',
			'1235',
			'2e-5',
			'3e+6'
		]);
	});

	it('measures row-to-row noise robustly, ignoring a slow trend and a single spike', () => {
		const at = (values: number[]) => values.map((value, step) => ({ step, value }));
		// Alternating ±0.5 around a level: every difference is 1, and median |Δ| / (0.6745·√2) = 1.0483.
		expect(rowNoise(at([0, 1, 0, 1, 0, 1, 0]))).toBeCloseTo(1 / (0.6744897501960817 * Math.SQRT2), 12);
		// A straight line has differences of 0.1 only: its "noise" is the slope's 0.1 / 0.9539 = 0.1048.
		expect(rowNoise(at([1, 0.9, 0.8, 0.7, 0.6]))).toBeCloseTo(0.1 / 0.9538725524, 6);
		// One spike changes two differences of nine: the median stays 0.
		expect(rowNoise(at([1, 1, 1, 1, 9, 1, 1, 1, 1, 1]))).toBe(0);
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
	});

	it('finds a loss spike that gives back a real part of the drop, once per burst', () => {
		// From 2 down to 0.5 by step 15, then flat: the drop so far is 1.6 (the median of the first nine
		// rows) − 0.5 = 1.1. Steps 30–31 jump by 0.9, giving back 82% of it.
		const points = Array.from({ length: 60 }, (_, step) => ({
			step,
			value: step === 30 || step === 31 ? 1.4 : Math.max(0.5, 2 - 0.1 * step)
		}));
		expect(lossSpikes(points)).toEqual([30]);
		// A jump of 0.2 gives back 18%, under SPIKE_DROP_SHARE (25%): not a spike.
		const small = points.map((p) => (p.step === 30 || p.step === 31 ? { ...p, value: 0.7 } : p));
		expect(lossSpikes(small)).toEqual([]);
	});
});
