import { describe, expect, it } from 'vitest';
import { idwAt, idwGrid } from './idw';

describe('idwAt', () => {
	const samples = [
		{ u: 0, v: 0, value: 0 },
		{ u: 1, v: 0, value: 2 }
	];

	it('passes through every sample and is their plain mean halfway between two', () => {
		expect(idwAt(samples, 0, 0)).toBe(0);
		expect(idwAt(samples, 1, 0)).toBe(2);
		expect(idwAt(samples, 0.5, 0)).toBe(1);
	});

	it('weights each sample by 1 / distance²', () => {
		// At u = 1/3: distances 1/3 and 2/3, weights 9 and 9/4: (9·0 + 9/4·2) / (45/4) = 0.4.
		expect(idwAt(samples, 1 / 3, 0)).toBeCloseTo(0.4, 12);
		// With k = 1 only the nearest sample counts.
		expect(idwAt(samples, 1 / 3, 0, 1)).toBe(0);
		expect(idwAt([], 0.5, 0.5)).toBeNaN();
	});

	it('reads only the k nearest samples, so far ones do not pull a cell towards the mean', () => {
		// Two near samples of value 1 and twenty far ones of value 100: with k = 2 the far ones do not count.
		const far = Array.from({ length: 20 }, (_, i) => ({ u: 1, v: i / 19, value: 100 }));
		const near = [
			{ u: 0, v: 0.5, value: 1 },
			{ u: 0.02, v: 0.5, value: 1 }
		];
		expect(idwAt([...far, ...near], 0.01, 0.5, 2)).toBe(1);
	});
});

describe('idwGrid', () => {
	it('lays cells out row by row from the top, each at its centre', () => {
		// Samples at the top left (value 5) and bottom right (value 1) of the unit square. Cell centres
		// (¼, ¾) and (¾, ¼) lie at squared distances 1/8 and 9/8 from them: weights 8 and 8/9, so
		// (8·5 + 8/9·1) / (80/9) = 4.6 at the top left cell and 1.4 at the bottom right; the other two
		// cells are as far from both: their mean, 3.
		const grid = idwGrid(
			[
				{ u: 0, v: 1, value: 5 },
				{ u: 1, v: 0, value: 1 }
			],
			2,
			2
		);
		expect(grid[0]).toBeCloseTo(4.6, 12);
		expect(grid[1]).toBeCloseTo(3, 12);
		expect(grid[2]).toBeCloseTo(3, 12);
		expect(grid[3]).toBeCloseTo(1.4, 12);
	});
});
