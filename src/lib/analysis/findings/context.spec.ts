import { describe, expect, it } from 'vitest';
import type { StudyParam } from '../../study/study';
import { binPoints, conditionHolds, formatNumber, isMajority, topCount, trialList } from './context';
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
});
