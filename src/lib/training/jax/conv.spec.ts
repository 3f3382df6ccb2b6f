import { grad, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv3x3Same, maxPool2x2 } from './conv';
import { initJax, normals } from '../../testing/jax-fixtures';

beforeAll(initJax);

/** Direct 3×3 'same' convolution in float64: x [n, h, w, c], kernel [3, 3, c, out]. */
function directConv(x: Float32Array, [n, h, w, c]: number[], k: Float32Array, out: number): Float64Array {
	const y = new Float64Array(n! * h! * w! * out);
	for (let b = 0; b < n!; b++)
		for (let i = 0; i < h!; i++)
			for (let j = 0; j < w!; j++)
				for (let o = 0; o < out; o++) {
					let sum = 0;
					for (let dy = 0; dy < 3; dy++)
						for (let dx = 0; dx < 3; dx++) {
							const [r, s] = [i + dy - 1, j + dx - 1];
							if (r < 0 || s < 0 || r >= h! || s >= w!) continue;
							for (let ch = 0; ch < c!; ch++)
								sum += x[((b * h! + r) * w! + s) * c! + ch]! * k[((dy * 3 + dx) * c! + ch) * out + o]!;
						}
					y[((b * h! + i) * w! + j) * out + o] = sum;
				}
	return y;
}

describe('conv3x3Same', () => {
	for (const formulation of ['im2col', 'lax'] as const) {
		it(`${formulation}: equals a direct convolution with zero padding`, async () => {
			const shape = [2, 5, 4, 3];
			const x = normals(2 * 5 * 4 * 3, 1);
			const k = normals(9 * 3 * 2, 2);
			const y = await conv3x3Same(
				np.array(x).reshape(shape),
				np.array(k).reshape([3, 3, 3, 2]),
				formulation
			).data();
			const expected = directConv(x, shape, k, 2);
			expect(y.length).toBe(expected.length);
			expected.forEach((e, i) => expect(Math.abs(y[i]! - e)).toBeLessThan(1e-5));
		});
	}
});

describe('maxPool2x2', () => {
	it('takes the maximum of each 2×2 window and drops an odd last row and column', async () => {
		const x = np.array(Float32Array.from({ length: 5 * 5 }, (_, i) => (i * 7) % 11)).reshape([1, 5, 5, 1]);
		const y = await maxPool2x2(x).data();
		const v = (r: number, c: number) => ((r * 5 + c) * 7) % 11;
		const window = (r: number, c: number) => Math.max(v(r, c), v(r, c + 1), v(r + 1, c), v(r + 1, c + 1));
		expect([...y]).toEqual([window(0, 0), window(0, 2), window(2, 0), window(2, 2)]);
	});

	it('gives every tied maximum the full gradient (as TF.js does)', async () => {
		const x = np.array(new Float32Array([3, 3, 1, 3, 2, 3, 3, 0])).reshape([1, 2, 4, 1]);
		const g = await grad((a: np.Array) => maxPool2x2(a).sum())(x).data();
		// Windows (row-major, two rows of four): {3, 3, 2, 3} ties three ways, {1, 3, 3, 0} two ways.
		expect([...g]).toEqual([1, 1, 0, 1, 0, 1, 1, 0]);
	});
});
