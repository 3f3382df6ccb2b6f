import { describe, expect, it } from 'vitest';
import { BatchOrder } from './batch-order';

describe('BatchOrder', () => {
	it('visits every example once per epoch, in a seed-dependent order', () => {
		const order = new BatchOrder(10, 1);
		const epoch = [...order.nextBatch(4), ...order.nextBatch(4), ...order.nextBatch(2)];
		expect([...epoch].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		const next = Array.from(order.nextBatch(10));
		expect([...next].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(next).not.toEqual(epoch);
		expect(Array.from(new BatchOrder(10, 2).nextBatch(10))).not.toEqual(epoch);
	});

	it('resumes exactly from a saved state, across an epoch boundary', () => {
		const a = new BatchOrder(7, 9);
		a.nextBatch(5);
		a.nextBatch(5); // now inside epoch 1
		const saved = a.getState();
		expect(saved.epoch).toBe(1);
		const expected = [a.nextBatch(5), a.nextBatch(5)].map((b) => Array.from(b));
		const b = new BatchOrder(7, 9, saved);
		expect([b.nextBatch(5), b.nextBatch(5)].map((x) => Array.from(x))).toEqual(expected);
	});
});
