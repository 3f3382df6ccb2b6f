import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformerParameterCount } from '../../model-spec';
import { createTransformer } from './transformer';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const shape = { vocab: 11, contextLength: 8, dModel: 16, nHead: 4, nLayer: 2 };

async function logits(tokens: number[][], seed = 3): Promise<Float32Array> {
	const model = createTransformer(shape, seed);
	try {
		const out = tf.tidy(() => model.forward(tf.tensor2d(tokens, undefined, 'int32'), false));
		const values = (await out.data()) as Float32Array;
		out.dispose();
		return values;
	} finally {
		model.dispose();
	}
}

describe('createTransformer', () => {
	it("is causal: changing a later token leaves every earlier position's logits unchanged", async () => {
		const base = [1, 4, 2, 7, 3, 9, 0, 5];
		const a = await logits([base]);
		for (const changeAt of [1, 4, 7]) {
			const changed = [...base];
			changed[changeAt] = (changed[changeAt]! + 5) % shape.vocab;
			const b = await logits([changed]);
			const V = shape.vocab;
			// Positions before the change: identical logits (same arithmetic, so exactly equal).
			expect(Array.from(b.slice(0, changeAt * V))).toEqual(Array.from(a.slice(0, changeAt * V)));
			// The changed position itself does see it (the test would pass trivially otherwise).
			const atChange = b.slice(changeAt * V, (changeAt + 1) * V);
			const before = a.slice(changeAt * V, (changeAt + 1) * V);
			expect(atChange.some((v, i) => Math.abs(v - before[i]!) > 1e-6)).toBe(true);
		}
	});

	it('gives a window the same logits alone or inside a batch, and shorter windows their prefix', async () => {
		const one = await logits([[1, 2, 3, 4, 5, 6, 7, 8]]);
		const both = await logits([
			[9, 9, 9, 9, 9, 9, 9, 9],
			[1, 2, 3, 4, 5, 6, 7, 8]
		]);
		const V = shape.vocab;
		const second = both.slice(8 * V);
		one.forEach((v, i) => expect(second[i]!).toBeCloseTo(v, 5));
		const prefix = await logits([[1, 2, 3]]);
		prefix.forEach((v, i) => expect(one[i]!).toBeCloseTo(v, 5));
	});

	it('starts near the uniform prediction (loss ≈ ln vocab)', async () => {
		const values = await logits([[0, 1, 2, 3, 4, 5, 6, 7]]);
		const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
		expect(max).toBeLessThan(0.5);
	});

	it('has the parameters its formula says, with stable names', () => {
		const model = createTransformer(shape, 1);
		const total = model.params.reduce((n, p) => n + p.size, 0);
		// By hand for V=11, T=8, d=16, L=2: embeddings 11·16 + 8·16 = 304; per block
		// 2·16 + (16·48 + 48) + (16·16 + 16) + 2·16 + (16·64 + 64) + (64·16 + 16) = 3,280;
		// final norm 32; head 16·11 + 11 = 187 → 304 + 6,560 + 32 + 187 = 7,083.
		expect(total).toBe(7083);
		expect(transformerParameterCount(shape)).toBe(7083);
		expect(model.paramNames[0]).toBe('embed/tokens');
		expect(model.paramNames).toContain('block1/attention/qkv/kernel');
		expect(new Set(model.paramNames).size).toBe(model.paramNames.length);
		model.dispose();
	});

	it('refuses a head count that does not divide dModel', () => {
		expect(() => createTransformer({ ...shape, nHead: 3 }, 1)).toThrow(/nHead 3 must divide dModel 16/);
	});
});
