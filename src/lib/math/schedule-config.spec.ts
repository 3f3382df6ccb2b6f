import { describe, expect, it } from 'vitest';
import {
	buildSchedule,
	decayStart,
	pickScheduleKeys,
	validateScheduleConfig,
	type ScheduleConfig
} from './schedule-config';

function errorsOf(input: unknown, totalSteps?: number): string[] {
	const result = validateScheduleConfig(input, { totalSteps });
	return result.ok ? [] : result.errors;
}

describe('validateScheduleConfig', () => {
	it('accepts a full wsd configuration and returns a copy with only the schedule keys', () => {
		const input = {
			schedule: 'wsd',
			learningRate: 0.01,
			warmupSteps: 10,
			cooldownSteps: 20,
			cooldownShape: '1-sqrt',
			finalLrFraction: 0.1
		};
		const result = validateScheduleConfig(input, { totalSteps: 100 });
		expect(result).toEqual({ ok: true, value: input });
		expect(result.ok && result.value).not.toBe(input);
	});

	it('rejects a value that is not an object', () => {
		expect(errorsOf([1, 2])).toEqual(['schedule: expected an object, got an array']);
		expect(errorsOf(null)).toEqual(['schedule: expected an object, got null']);
	});

	it('names an unknown key and lists the valid ones', () => {
		expect(errorsOf({ schedule: 'constant', learningRate: 1, warmup: 5 })).toEqual([
			'schedule.warmup: unknown key; valid keys are schedule, learningRate, warmupSteps, cooldownSteps, ' +
				'cooldownFraction, cooldownShape, finalLrFraction, rsqrtTimescale'
		]);
	});

	it('ignores the extra keys it is told about and leaves them out of the value', () => {
		const result = validateScheduleConfig(
			{ schedule: 'constant', learningRate: 1, batchSize: 32 },
			{ allowExtraKeys: ['batchSize'] }
		);
		expect(result).toEqual({ ok: true, value: { schedule: 'constant', learningRate: 1 } });
	});

	it('requires schedule and learningRate', () => {
		expect(errorsOf({})).toEqual([
			'schedule.schedule: required; expected one of constant, linear, cosine, rsqrt, wsd',
			'schedule.learningRate: required; expected a number greater than 0'
		]);
	});

	it('rejects an unknown schedule name and cooldown shape, quoting the value', () => {
		expect(errorsOf({ schedule: 'step', learningRate: 1 })).toEqual([
			'schedule.schedule: expected one of constant, linear, cosine, rsqrt, wsd, got "step"'
		]);
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, cooldownShape: 'cubic' })).toEqual([
			'schedule.cooldownShape: expected one of linear, 1-sqrt, cosine, square, got "cubic"'
		]);
	});

	it('rejects wrong types, NaN and out-of-range numbers', () => {
		expect(errorsOf({ schedule: 'linear', learningRate: '0.1' })).toEqual([
			'schedule.learningRate: expected a number greater than 0, got "0.1"'
		]);
		expect(errorsOf({ schedule: 'constant', learningRate: 0 })).toEqual([
			'schedule.learningRate: expected a number greater than 0, got 0'
		]);
		expect(errorsOf({ schedule: 'constant', learningRate: NaN, warmupSteps: -1 })).toEqual([
			'schedule.learningRate: expected a number greater than 0, got NaN',
			'schedule.warmupSteps: expected an integer of at least 0, got -1'
		]);
		expect(errorsOf({ schedule: 'linear', learningRate: 1, warmupSteps: 2.5, finalLrFraction: 1.5 })).toEqual(
			[
				'schedule.warmupSteps: expected an integer of at least 0, got 2.5',
				'schedule.finalLrFraction: expected a number in [0, 1], got 1.5'
			]
		);
		expect(errorsOf({ schedule: 'rsqrt', learningRate: 1, rsqrtTimescale: 0 })).toEqual([
			'schedule.rsqrtTimescale: expected a number greater than 0, got 0'
		]);
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, cooldownFraction: 0 })).toEqual([
			'schedule.cooldownFraction: expected a number in (0, 1], got 0'
		]);
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, cooldownSteps: true })).toEqual([
			'schedule.cooldownSteps: expected an integer of at least 1, got true'
		]);
	});

	it('rejects cooldownSteps and cooldownFraction together', () => {
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, cooldownSteps: 10, cooldownFraction: 0.1 })).toEqual([
			'schedule.cooldownSteps: give either cooldownSteps or cooldownFraction, not both'
		]);
	});

	it('rejects keys the chosen schedule does not use and says which schedules use them', () => {
		expect(errorsOf({ schedule: 'cosine', learningRate: 1, cooldownShape: 'linear' })).toEqual([
			'schedule.cooldownShape: only used by the wsd schedule, not by "cosine"'
		]);
		expect(errorsOf({ schedule: 'constant', learningRate: 1, finalLrFraction: 0 })).toEqual([
			'schedule.finalLrFraction: only used by the linear, cosine and wsd schedules, not by "constant"'
		]);
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, rsqrtTimescale: 100 })).toEqual([
			'schedule.rsqrtTimescale: only used by the rsqrt schedule, not by "wsd"'
		]);
	});

	it('rejects a warmup as long as the run', () => {
		expect(errorsOf({ schedule: 'constant', learningRate: 1, warmupSteps: 100 }, 100)).toEqual([
			'schedule.warmupSteps: must be less than the run length of 100 steps, got 100'
		]);
		expect(errorsOf({ schedule: 'constant', learningRate: 1, warmupSteps: 99 }, 100)).toEqual([]);
	});

	it('rejects a wsd cooldown that overlaps the warmup', () => {
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, warmupSteps: 30, cooldownSteps: 80 }, 100)).toEqual([
			'schedule.cooldownSteps: the cooldown of 80 steps does not fit after the warmup of 30 steps ' +
				'in a run of 100 steps'
		]);
		// The default fraction 0.2 of 100 steps is 20 steps.
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, warmupSteps: 81 }, 100)).toEqual([
			'schedule.cooldownFraction: the cooldown of 20 steps does not fit after the warmup of 81 steps ' +
				'in a run of 100 steps'
		]);
		expect(errorsOf({ schedule: 'wsd', learningRate: 1, warmupSteps: 80 }, 100)).toEqual([]);
	});

	it('rejects a run length that is not a positive integer', () => {
		expect(errorsOf({ schedule: 'constant', learningRate: 1 }, 0)).toEqual([
			'schedule: the run length must be an integer of at least 1 step, got 0'
		]);
	});

	it('prefixes messages with the given path', () => {
		const result = validateScheduleConfig({ schedule: 'x', learningRate: 1 }, { path: 'trial' });
		expect(result).toEqual({
			ok: false,
			errors: ['trial.schedule: expected one of constant, linear, cosine, rsqrt, wsd, got "x"']
		});
	});
});

describe('pickScheduleKeys', () => {
	it('keeps only defined schedule keys of a flat config', () => {
		const flat = {
			schedule: 'cosine' as const,
			learningRate: 0.1,
			warmupSteps: 5,
			finalLrFraction: undefined,
			batchSize: 64,
			optimizer: 'adam'
		};
		expect(pickScheduleKeys(flat)).toEqual({ schedule: 'cosine', learningRate: 0.1, warmupSteps: 5 });
	});
});

describe('buildSchedule', () => {
	it('prepends the warmup to a constant schedule', () => {
		const schedule = buildSchedule({ schedule: 'constant', learningRate: 0.5, warmupSteps: 4 }, 10);
		expect([0, 1, 2, 4, 9].map(schedule)).toEqual([0, 0.125, 0.25, 0.5, 0.5]);
	});

	it('decays linear and cosine over the steps after the warmup', () => {
		const linear = buildSchedule(
			{ schedule: 'linear', learningRate: 1, warmupSteps: 10, finalLrFraction: 0.5 },
			30
		);
		expect([5, 10, 20, 30].map(linear)).toEqual([0.5, 1, 0.75, 0.5]);
		const cosine = buildSchedule({ schedule: 'cosine', learningRate: 1, warmupSteps: 10 }, 30);
		expect(cosine(20)).toBeCloseTo(0.5, 15);
	});

	it('uses the default rsqrt timescale of 10000', () => {
		const schedule = buildSchedule({ schedule: 'rsqrt', learningRate: 0.4, warmupSteps: 100 }, 100_000);
		expect(schedule(100)).toBe(0.4);
		expect(schedule(30_100)).toBe(0.2);
	});

	it('uses a wsd cooldown of 20% of the run with a linear shape to 0 by default', () => {
		const schedule = buildSchedule({ schedule: 'wsd', learningRate: 1 }, 100);
		expect([79, 80, 90, 100].map(schedule)).toEqual([1, 1, 0.5, 0]);
	});

	it('honours cooldownSteps, cooldownShape and finalLrFraction', () => {
		const schedule = buildSchedule(
			{ schedule: 'wsd', learningRate: 2, cooldownSteps: 4, cooldownShape: '1-sqrt', finalLrFraction: 0.5 },
			20
		);
		// The cooldown covers steps 16..20; at step 17 the progress is 1/4 and 1 - sqrt(1/4) = 1/2.
		expect([15, 16, 17, 20].map(schedule)).toEqual([2, 2, 1.5, 1]);
	});

	it('rounds a cooldown fraction to whole steps', () => {
		// 0.25 of 10 steps is 2.5, rounded to 3: the cooldown covers steps 7..10.
		const schedule = buildSchedule({ schedule: 'wsd', learningRate: 3, cooldownFraction: 0.25 }, 10);
		expect([6, 7, 8, 10].map(schedule)).toEqual([3, 3, 2, 0]);
	});

	it('throws with every message for an invalid configuration', () => {
		const invalid = { schedule: 'constant', learningRate: -1, warmupSteps: 2 } as ScheduleConfig;
		expect(() => buildSchedule(invalid, 10)).toThrow(
			'invalid schedule configuration:\nschedule.learningRate: expected a number greater than 0, got -1'
		);
		expect(() => buildSchedule({ schedule: 'constant', learningRate: 1, warmupSteps: 10 }, 10)).toThrow(
			'schedule.warmupSteps: must be less than the run length of 10 steps, got 10'
		);
	});
});

describe('decayStart', () => {
	it('is where each schedule begins its final decay', () => {
		expect(decayStart({ schedule: 'wsd', learningRate: 1, cooldownSteps: 200 }, 1000)).toBe(800);
		expect(decayStart({ schedule: 'wsd', learningRate: 1, cooldownFraction: 0.1 }, 1000)).toBe(900);
		expect(decayStart({ schedule: 'cosine', learningRate: 1, warmupSteps: 50 }, 1000)).toBe(50);
		expect(decayStart({ schedule: 'constant', learningRate: 1 }, 1000)).toBe(1000);
		expect(decayStart({ schedule: 'rsqrt', learningRate: 1, warmupSteps: 10 }, 1000)).toBe(1000);
	});
});
