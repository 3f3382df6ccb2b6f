import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { clipByGlobalNorm as referenceClip } from '$lib/math/optimizer-reference';
import { clipByGlobalNorm, globalNorm } from './grad-clip';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

afterEach(() => {
	vi.restoreAllMocks();
});

/** Gradients with global norm √(3² + 4²) = 5. */
const makeGrads = () => [tf.tensor1d([3, 0]), tf.tensor2d([[4]])];

describe('clipByGlobalNorm', () => {
	it('scales down to maxNorm and reports the unclipped norm', () => {
		const grads = makeGrads();
		const result = clipByGlobalNorm(grads, 1);
		expect(result.norm.dataSync()[0]).toBeCloseTo(5, 6);
		expect(result.clipped.dataSync()[0]).toBe(1);
		expect(Array.from(result.grads[0]!.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
		expect(result.grads[1]!.dataSync()[0]).toBeCloseTo(0.8, 6);
		expect(result.grads[1]!.shape).toEqual([1, 1]);
		tf.dispose([grads, result.grads, result.norm, result.clipped]);
	});

	it('leaves gradients under the limit unchanged with flag 0', () => {
		const grads = makeGrads();
		const result = clipByGlobalNorm(grads, 10);
		expect(result.norm.dataSync()[0]).toBeCloseTo(5, 6);
		expect(result.clipped.dataSync()[0]).toBe(0);
		expect(Array.from(result.grads[0]!.dataSync())).toEqual([3, 0]);
		expect(Array.from(result.grads[1]!.dataSync())).toEqual([4]);
		tf.dispose([grads, result.grads, result.norm, result.clipped]);
	});

	it.each([undefined, 0])('maxNorm %s turns clipping off but still measures the norm', (maxNorm) => {
		const grads = makeGrads();
		const result = clipByGlobalNorm(grads, maxNorm);
		expect(result.grads[0]).toBe(grads[0]);
		expect(result.grads[1]).toBe(grads[1]);
		expect(result.norm.dataSync()[0]).toBeCloseTo(5, 6);
		expect(result.clipped.dataSync()[0]).toBe(0);
		tf.dispose([grads, result.norm, result.clipped]);
	});

	it('matches the float64 reference on larger gradients', () => {
		const values = [
			Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1) * 3),
			Float64Array.of(-2.5, 7)
		];
		const grads = values.map((v) => tf.tensor1d(Array.from(v)));
		const expected = referenceClip(values, 2);
		const result = clipByGlobalNorm(grads, 2);
		expect(result.norm.dataSync()[0]).toBeCloseTo(expected.norm, 4);
		expect(result.clipped.dataSync()[0]).toBe(expected.clipped ? 1 : 0);
		result.grads.forEach((g, i) =>
			Array.from(g.dataSync()).forEach((x, j) => expect(x).toBeCloseTo(expected.grads[i]![j]!, 5))
		);
		tf.dispose([grads, result.grads, result.norm, result.clipped]);
	});

	it('never reads back from the device and leaks nothing inside a tidy', () => {
		const grads = makeGrads();
		const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
		const data = vi.spyOn(tf.Tensor.prototype, 'data');
		const before = tf.memory().numTensors;
		const stacked = tf.tidy(() => {
			const result = clipByGlobalNorm(grads, 1);
			return tf.stack([result.norm, result.clipped]);
		});
		expect(dataSync).not.toHaveBeenCalled();
		expect(data).not.toHaveBeenCalled();
		expect(tf.memory().numTensors).toBe(before + 1);
		tf.dispose([stacked, grads]);
	});

	it('rejects a negative or non-finite maxNorm', () => {
		expect(() => clipByGlobalNorm([], -1)).toThrow(/gradClipNorm must be a finite number >= 0/);
		expect(() => clipByGlobalNorm([], Infinity)).toThrow(/gradClipNorm/);
	});

	it('gives norm 0 for no gradients', () => {
		const norm = globalNorm([]);
		expect(norm.dataSync()[0]).toBe(0);
		norm.dispose();
	});
});
