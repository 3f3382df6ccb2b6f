import { describe, expect, it } from 'vitest';
import { stratifiedSplit, takeLabels, takeRows, valRowsOfClass } from './user-split';

describe('valRowsOfClass', () => {
	it('holds out 20% rounded, at least one row once a class has two', () => {
		expect([0, 1, 2, 3, 5, 8, 10, 13, 100].map(valRowsOfClass)).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 20]);
	});
});

describe('stratifiedSplit', () => {
	const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : i < 48 ? 1 : 2));

	it('holds out each class in proportion, every row exactly once, in file order', () => {
		const split = stratifiedSplit(labels, 3, 's');
		const valLabels = takeLabels(labels, split.val);
		expect([0, 1, 2].map((c) => valLabels.filter((l) => l === c).length)).toEqual([8, 2, 1]);
		const all = [...split.train, ...split.val].sort((a, b) => a - b);
		expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
		expect([...split.train]).toEqual([...split.train].sort((a, b) => a - b));
		expect([...split.val]).toEqual([...split.val].sort((a, b) => a - b));
	});

	it('is reproducible for a seed and differs between seeds', () => {
		expect([...stratifiedSplit(labels, 3, 's').val]).toEqual([...stratifiedSplit(labels, 3, 's').val]);
		expect([...stratifiedSplit(labels, 3, 's', 1).val]).not.toEqual([
			...stratifiedSplit(labels, 3, 's', 2).val
		]);
	});

	it('skips classes with no rows (gaps in the label values)', () => {
		const gappy = Int32Array.from([0, 0, 0, 3, 3, 3, 3, 3, 3, 3]);
		const split = stratifiedSplit(gappy, 4, 's');
		expect(split.val).toHaveLength(2);
	});

	it('refuses a split with fewer than two validation rows', () => {
		expect(() => stratifiedSplit(Int32Array.from([0, 1, 2, 3]), 4, 'few.csv')).toThrow(
			'few.csv: only 0 validation rows after holding out 20% of each class; at least 2 are needed'
		);
	});
});

describe('takeRows', () => {
	it('gathers rows of a row-major matrix, dividing by the divisor', () => {
		const m = [1, 2, 3, 4, 5, 6];
		expect([...takeRows(m, 2, Uint32Array.from([2, 0]))]).toEqual([5, 6, 1, 2]);
		expect([...takeRows(Uint8Array.from([0, 255, 51, 102]), 2, Uint32Array.from([1]), 255)]).toEqual([
			Math.fround(0.2),
			Math.fround(0.4)
		]);
	});
});
