import { describe, expect, it } from 'vitest';
import { averageCheckpoints } from './checkpoint-average';

const at = (step: number, kernel: number[], bias: number[]) => ({
	step,
	paramNames: ['dense/kernel', 'dense/bias'],
	params: [Float32Array.from(kernel), Float32Array.from(bias)]
});

const KEPT = [at(60, [4, -8], [1]), at(20, [1, 2], [0.5]), at(40, [2, 4], [0.25])];

describe('averageCheckpoints', () => {
	it('averages every kept checkpoint, in step order, whatever order they come in', () => {
		// kernel: (1 + 2 + 4) / 3 = 7/3 and (2 + 4 − 8) / 3 = −2/3; bias: (0.5 + 0.25 + 1) / 3 = 7/12.
		const mean = averageCheckpoints(KEPT);
		expect(mean.steps).toEqual([20, 40, 60]);
		expect(mean.paramNames).toEqual(['dense/kernel', 'dense/bias']);
		expect(Array.from(mean.params[0]!)).toEqual([Math.fround(7 / 3), Math.fround(-2 / 3)]);
		expect(Array.from(mean.params[1]!)).toEqual([Math.fround(7 / 12)]);
	});

	it('takes only the checkpoints inside the window, both ends included', () => {
		const mean = averageCheckpoints(KEPT, { fromStep: 30, toStep: 60 });
		expect(mean.steps).toEqual([40, 60]);
		expect(Array.from(mean.params[0]!)).toEqual([3, -2]);
		expect(averageCheckpoints(KEPT, { toStep: 20 }).steps).toEqual([20]);
	});

	it('sums in float64: 2^24, 1 and 1 average to exactly (2^24 + 2) / 3 = 5592406', () => {
		// A float32 running sum loses both ones (2^24 + 1 rounds back to 2^24) and would give
		// fround(2^24 / 3) = 5592405.5.
		const mean = averageCheckpoints([at(1, [2 ** 24], [0]), at(2, [1], [0]), at(3, [1], [0])]);
		expect(mean.params[0]![0]).toBe(5592406);
	});

	it('says why it cannot average', () => {
		expect(() => averageCheckpoints(KEPT, { fromStep: 70 })).toThrow(
			'no kept checkpoint lies in steps 70–∞ (kept: 20, 40, 60)'
		);
		expect(() => averageCheckpoints(KEPT, { fromStep: 50, toStep: 30 })).toThrow(
			'the step window starts at 50, after its end at 30'
		);
		expect(() => averageCheckpoints([at(20, [1, 2], [0]), at(40, [1], [0])])).toThrow(
			'parameter dense/kernel has 1 values at step 40, 2 at step 20'
		);
		const renamed = { ...at(40, [1, 2], [0]), paramNames: ['other/kernel', 'dense/bias'] };
		expect(() => averageCheckpoints([at(20, [1, 2], [0]), renamed])).toThrow(
			'the checkpoint at step 40 holds other parameters than the one at step 20'
		);
	});
});
