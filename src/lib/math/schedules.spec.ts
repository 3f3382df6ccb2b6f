import { describe, expect, it } from 'vitest';
import {
	constant,
	cooldownBranch,
	cooldownFactor,
	cosineDecay,
	linearDecay,
	rsqrt,
	sampleSchedule,
	withWarmup,
	wsd,
	type CooldownShape,
	type Schedule
} from './schedules';

// Expected values are literals: either exact by hand, or printed by
// scripts/reference/schedules_reference.py, which implements the formulas on its own.
type StepTable = ReadonlyArray<readonly [step: number, lr: number]>;

function expectTable(schedule: Schedule, table: StepTable): void {
	for (const [step, lr] of table) {
		const tolerance = 1e-12 * Math.max(1, Math.abs(lr));
		expect(Math.abs(schedule(step) - lr), `step ${step}`).toBeLessThanOrEqual(tolerance);
	}
}

describe('cooldownFactor', () => {
	it('has the exact textbook values of each shape', () => {
		expect(cooldownFactor('linear', 0.25)).toBe(0.75);
		expect(cooldownFactor('1-sqrt', 0.25)).toBe(0.5);
		expect(cooldownFactor('cosine', 0.5)).toBeCloseTo(0.5, 15);
		expect(cooldownFactor('square', 0.5)).toBe(0.75);
	});

	it('runs from 1 to the final fraction for every shape', () => {
		for (const shape of ['linear', '1-sqrt', 'cosine', 'square'] as CooldownShape[]) {
			expect(cooldownFactor(shape, 0, 0.25)).toBe(1);
			expect(cooldownFactor(shape, 1, 0.25)).toBeCloseTo(0.25, 15);
		}
	});

	it('clamps progress outside [0, 1]', () => {
		expect(cooldownFactor('linear', -3, 0.1)).toBe(1);
		expect(cooldownFactor('square', 7, 0.1)).toBe(0.1);
	});

	it('matches the reference table with a final fraction of 0.25', () => {
		const ts = [0, 0.1, 0.25, 0.5, 0.9, 1];
		const expected: Record<CooldownShape, number[]> = {
			linear: [1.0, 0.925, 0.8125, 0.625, 0.32499999999999996, 0.25],
			'1-sqrt': [1.0, 0.7628291754873715, 0.625, 0.4696699141100893, 0.2884875264621147, 0.25],
			cosine: [1.0, 0.9816461936106826, 0.8901650429449552, 0.625, 0.26835380638931744, 0.25],
			square: [1.0, 0.9924999999999999, 0.953125, 0.8125, 0.39249999999999996, 0.25]
		};
		for (const [shape, values] of Object.entries(expected) as [CooldownShape, number[]][]) {
			ts.forEach((t, i) => expect(cooldownFactor(shape, t, 0.25)).toBeCloseTo(values[i] ?? NaN, 14));
		}
	});
});

describe('constant', () => {
	it('returns the same rate at every step', () => {
		const schedule = constant(0.003);
		expect([0, 1, 999, 1e9].map(schedule)).toEqual([0.003, 0.003, 0.003, 0.003]);
	});
});

describe('linearDecay', () => {
	it('falls from lr to the final fraction at totalSteps', () => {
		const schedule = linearDecay(2, 100, 0);
		expect(schedule(0)).toBe(2);
		expect(schedule(25)).toBe(1.5);
		expect(schedule(50)).toBe(1);
		expect(schedule(100)).toBe(0);
		expect(schedule(150)).toBe(0);
	});

	it('decays only over the steps after startStep', () => {
		const schedule = linearDecay(1, 30, 0.5, 10);
		expect(schedule(5)).toBe(1);
		expect(schedule(10)).toBe(1);
		expect(schedule(20)).toBe(0.75);
		expect(schedule(30)).toBe(0.5);
	});

	it('matches the reference table behind a warmup', () => {
		expectTable(withWarmup(linearDecay(0.5, 10, 0.1, 2), 2), [
			[0, 0.0],
			[1, 0.25],
			[2, 0.5],
			[3, 0.44375],
			[4, 0.3875],
			[5, 0.33125],
			[6, 0.275],
			[7, 0.21875],
			[8, 0.1625],
			[9, 0.10625000000000001],
			[10, 0.05],
			[11, 0.05]
		]);
	});
});

describe('cosineDecay', () => {
	it('is exactly half the rate at half the horizon when the final fraction is 0', () => {
		const schedule = cosineDecay(0.8, 200, 0);
		expect(schedule(0)).toBe(0.8);
		expect(schedule(100)).toBeCloseTo(0.4, 15);
		expect(schedule(200)).toBe(0);
	});

	it('sits halfway between lr and the final value at the midpoint', () => {
		expect(cosineDecay(1, 20, 0.2)(10)).toBeCloseTo(0.6, 15);
	});

	it('matches the reference table behind a warmup', () => {
		expectTable(withWarmup(cosineDecay(1, 12, 0, 4), 4), [
			[0, 0.0],
			[1, 0.25],
			[2, 0.5],
			[3, 0.75],
			[4, 1.0],
			[5, 0.9619397662556434],
			[6, 0.8535533905932737],
			[7, 0.6913417161825449],
			[8, 0.5],
			[9, 0.30865828381745514],
			[10, 0.14644660940672627],
			[11, 0.03806023374435663],
			[12, 0.0]
		]);
	});
});

describe('rsqrt', () => {
	it('is lr through the warmup and halves 3 timescales after it', () => {
		const schedule = rsqrt(0.4, 100, 1000);
		expect(schedule(0)).toBe(0.4);
		expect(schedule(100)).toBe(0.4);
		expect(schedule(3100)).toBe(0.2);
		expect(schedule(15100)).toBe(0.1);
	});

	it('matches the reference table behind a warmup', () => {
		expectTable(withWarmup(rsqrt(0.01, 5, 10), 5), [
			[0, 0.0],
			[2, 0.004],
			[5, 0.01],
			[6, 0.009534625892455923],
			[15, 0.0070710678118654745],
			[35, 0.005],
			[105, 0.0030151134457776364],
			[1000, 0.000997509336107633]
		]);
	});

	it('rejects a timescale that is not positive', () => {
		expect(() => rsqrt(1, 0, 0)).toThrow(RangeError);
	});
});

describe('withWarmup', () => {
	it('starts at exactly 0, is half way at the midpoint and meets the base at the warmup length', () => {
		const schedule = withWarmup(constant(0.6), 10);
		expect(schedule(0)).toBe(0);
		expect(schedule(5)).toBe(0.3);
		expect(schedule(10)).toBe(0.6);
		expect(schedule(11)).toBe(0.6);
	});

	it('ramps towards the base value at the warmup length, not the base value at step 0', () => {
		const schedule = withWarmup(linearDecay(1, 10, 0), 4);
		expect(schedule(2)).toBe(0.3);
		expect(schedule(4)).toBe(0.6);
	});

	it('returns the schedule unchanged for a warmup of 0 steps', () => {
		const base = constant(1);
		expect(withWarmup(base, 0)).toBe(base);
	});
});

describe('wsd', () => {
	const steps = [0, 3, 4, 11, 12, 13, 14, 16, 18, 19, 20, 25];
	const tables: Record<CooldownShape, number[]> = {
		linear: [
			0.0, 0.15000000000000002, 0.2, 0.2, 0.2, 0.1775, 0.15500000000000003, 0.11000000000000001, 0.065,
			0.04250000000000001, 0.020000000000000004, 0.020000000000000004
		],
		'1-sqrt': [
			0.0, 0.15000000000000002, 0.2, 0.2, 0.2, 0.13636038969321074, 0.11000000000000001, 0.07272077938642144,
			0.044115427318801054, 0.03162541759517264, 0.020000000000000004, 0.020000000000000004
		],
		cosine: [
			0.0, 0.15000000000000002, 0.2, 0.2, 0.2, 0.19314915792601584, 0.1736396103067893, 0.11000000000000001,
			0.046360389693210734, 0.026850842073984194, 0.020000000000000004, 0.020000000000000004
		],
		square: [
			0.0, 0.15000000000000002, 0.2, 0.2, 0.2, 0.19718750000000002, 0.18875, 0.15500000000000003, 0.09875,
			0.0621875, 0.020000000000000004, 0.020000000000000004
		]
	};

	for (const [shape, values] of Object.entries(tables) as [CooldownShape, number[]][]) {
		it(`matches the reference table with a ${shape} cooldown`, () => {
			const schedule = withWarmup(wsd(0.2, 20, 8, shape, 0.1), 4);
			expectTable(
				schedule,
				steps.map((step, i) => [step, values[i] ?? NaN])
			);
		});
	}

	it('holds lr until the cooldown starts and reaches the final value at totalSteps', () => {
		const schedule = wsd(1, 100, 20, 'linear', 0);
		expect(schedule(79)).toBe(1);
		expect(schedule(80)).toBe(1);
		expect(schedule(90)).toBe(0.5);
		expect(schedule(99)).toBeCloseTo(0.05, 15);
		expect(schedule(100)).toBe(0);
	});

	it('rejects a cooldown longer than the run', () => {
		expect(() => wsd(1, 10, 11, 'linear', 0)).toThrow(RangeError);
	});
});

describe('cooldownBranch', () => {
	it('follows the base before the branch and falls from the base value at the branch', () => {
		expectTable(cooldownBranch(withWarmup(rsqrt(0.01, 5, 10), 5), 20, 10, '1-sqrt', 0), [
			[19, 0.006454972243679028],
			[20, 0.006324555320336759],
			[21, 0.004324555320336759],
			[25, 0.001852419365337179],
			[29, 0.0003245553203367589],
			[30, 0.0],
			[40, 0.0]
		]);
	});

	it('stays at the final value from startStep + length on', () => {
		const schedule = cooldownBranch(constant(2), 10, 4, 'square', 0.25);
		expect(schedule(9)).toBe(2);
		expect(schedule(12)).toBe(1.625);
		expect(schedule(14)).toBe(0.5);
		expect(schedule(1000)).toBe(0.5);
	});

	it('jumps to the final value when the length is 0', () => {
		const schedule = cooldownBranch(constant(1), 5, 0, 'cosine', 0.1);
		expect(schedule(4)).toBe(1);
		expect(schedule(5)).toBe(0.1);
	});

	it('rejects a final fraction outside [0, 1]', () => {
		expect(() => cooldownBranch(constant(1), 0, 5, 'linear', 1.5)).toThrow(RangeError);
	});
});

describe('sampleSchedule', () => {
	it('evaluates steps 0 .. steps - 1', () => {
		const values = sampleSchedule(withWarmup(constant(1), 4), 6);
		expect(values).toBeInstanceOf(Float64Array);
		expect(Array.from(values)).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
	});

	it('returns an empty array for 0 steps and rejects a fractional count', () => {
		expect(sampleSchedule(constant(1), 0)).toHaveLength(0);
		expect(() => sampleSchedule(constant(1), 2.5)).toThrow(RangeError);
	});
});
