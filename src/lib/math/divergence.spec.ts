import { describe, expect, it } from 'vitest';
import { divergenceReason } from './divergence';

describe('divergenceReason', () => {
	it('flags non-finite losses at any step, even during warmup', () => {
		expect(divergenceReason(3, Number.NaN, 2.3, 100)).toBe('training loss became non-finite (NaN) at step 3');
		expect(divergenceReason(3, Infinity, 2.3, 0)).toMatch(/non-finite \(Infinity\)/);
	});

	it('flags a loss over 10× the initial one only after warmup', () => {
		expect(divergenceReason(50, 23.1, 2.3, 100)).toBeNull();
		expect(divergenceReason(100, 23.1, 2.3, 100)).toBe(
			'training loss 23.1 at step 100 is over 10× its initial value 2.30: the trial diverged'
		);
		expect(divergenceReason(100, 22.9, 2.3, 100)).toBeNull();
	});
});
