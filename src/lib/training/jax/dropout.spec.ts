import { jit, numpy as np, random } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from './dropout';
import { initJax } from '../../testing/jax-fixtures';

beforeAll(initJax);

const masked = jit((x: np.Array, key: np.Array, keep: np.Array) => {
	const dropout = new Dropout(key, keep, 2);
	const a = dropout.apply(x.ref);
	const b = dropout.apply(x);
	dropout.dispose();
	return [a, b];
});

describe('Dropout', () => {
	it('zeroes about the rate, scales the kept units by 1/keep, and draws a new mask per site', async () => {
		const n = 20_000;
		const [a, b] = masked(np.ones([n]), random.key(3), np.array(0.75));
		const [va, vb] = [await a!.data(), await b!.data()];
		const zeros = va.filter((v) => v === 0).length;
		expect(zeros / n).toBeGreaterThan(0.23);
		expect(zeros / n).toBeLessThan(0.27);
		expect(va.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
		expect([...va]).not.toEqual([...vb]);
	});

	it('draws the same masks from the same key and different ones from another', async () => {
		const draw = async (seed: number) => {
			const [a, b] = masked(np.ones([64]), random.key(seed), np.array(0.5));
			b!.dispose();
			return [...(await a!.data())];
		};
		expect(await draw(5)).toEqual(await draw(5));
		expect(await draw(6)).not.toEqual(await draw(5));
	});
});
