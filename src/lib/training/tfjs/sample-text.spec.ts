import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleIndex } from '../sampling';
import { createTransformer } from './models/transformer';
import { sampleText } from './sample-text';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

describe('sampleIndex', () => {
	// logits ln [1, 2, 1] → probabilities [0.25, 0.5, 0.25]; cumulative 0.25, 0.75, 1.
	const logits = [0, Math.log(2), 0];
	it.each([
		[0, 0],
		[0.2499, 0],
		[0.2501, 1],
		[0.7499, 1],
		[0.7501, 2],
		[0.9999, 2]
	])('u = %f picks %i', (u, expected) => {
		expect(sampleIndex(logits, 1, u)).toBe(expected);
	});

	it('temperature 0 is the argmax; high temperature flattens towards uniform', () => {
		expect(sampleIndex([0.1, 3, 0.2], 0, 0.99)).toBe(1);
		// At T = 1000 the three weights are nearly equal: u = 0.34 falls in the second third.
		expect(sampleIndex([0, Math.log(2), 0], 1000, 0.34)).toBe(1);
		expect(sampleIndex([0, Math.log(2), 0], 1000, 0.32)).toBe(0);
	});
});

describe('sampleText', () => {
	const vocab = ['\n', ' ', 'a', 'b', 'c'];
	it('is reproducible for a seed, varies with it, and uses only the vocabulary', async () => {
		const model = createTransformer({ vocab: 5, contextLength: 4, dModel: 8, nHead: 2, nLayer: 1 }, 1);
		const options = { prompt: 'ab', length: 12, temperature: 1, seed: 7 };
		const a = await sampleText(model, vocab, 4, options);
		const b = await sampleText(model, vocab, 4, options);
		const c = await sampleText(model, vocab, 4, { ...options, seed: 8 });
		model.dispose();
		expect(a).toHaveLength(12);
		expect(a).toBe(b);
		expect(a).not.toBe(c);
		expect([...a].every((ch) => vocab.includes(ch))).toBe(true);
	});

	it('names prompt characters outside the vocabulary', async () => {
		const model = createTransformer({ vocab: 5, contextLength: 4, dModel: 8, nHead: 2, nLayer: 1 }, 1);
		await expect(
			sampleText(model, vocab, 4, { prompt: 'abz!', length: 3, temperature: 1, seed: 1 })
		).rejects.toThrow('the prompt uses characters the model never saw: "z", "!"');
		model.dispose();
	});
});
