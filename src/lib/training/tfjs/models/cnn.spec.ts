import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnOutputSize, conv3x3Same, createCnn, maxPool2x2 } from './cnn';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

describe('conv3x3Same and maxPool2x2', () => {
	it('match tfjs conv2d (same padding) and maxPool (valid) on random input', async () => {
		const x = tf.randomNormal([2, 7, 5, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
		const kernel = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
		const ours = await conv3x3Same(x, kernel).data();
		const reference = await tf.conv2d(x, kernel, 1, 'same').data();
		expect(ours.length).toBe(2 * 7 * 5 * 4);
		ours.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 4));
		const pooled = await maxPool2x2(x).data();
		const referencePool = await tf.maxPool(x, 2, 2, 'valid').data();
		expect(pooled.length).toBe(2 * 3 * 2 * 3);
		expect(Array.from(pooled)).toEqual(Array.from(referencePool));
	});

	it('convolves a hand-checked example', async () => {
		// 3×3 image 1..9, kernel of ones: each output is the sum of its zero-padded 3×3 neighbourhood.
		const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
		const out = await conv3x3Same(x, tf.ones([3, 3, 1, 1]) as tf.Tensor4D).data();
		expect(Array.from(out)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
	});
});

describe('createCnn', () => {
	it('shapes: blocks halve the image, filters double, logits per class', () => {
		const model = createCnn({ height: 28, width: 28, classes: 10, filters: 4, blocks: 2 }, 1);
		expect(model.paramNames).toEqual([
			'conv0/kernel',
			'conv0/bias',
			'conv1/kernel',
			'conv1/bias',
			'output/kernel',
			'output/bias'
		]);
		expect(model.params.map((p) => p.shape)).toEqual([
			[3, 3, 1, 4],
			[4],
			[3, 3, 4, 8],
			[8],
			[7 * 7 * 8, 10],
			[10]
		]);
		const logits = tf.tidy(() => model.forward(tf.zeros([3, 28 * 28]), false));
		expect(logits.shape).toEqual([3, 10]);
		logits.dispose();
		model.dispose();
	});

	it('refuses more blocks than the image can be pooled', () => {
		expect(cnnOutputSize({ height: 8, width: 8, blocks: 3 })).toEqual([1, 1]);
		expect(() => cnnOutputSize({ height: 8, width: 8, blocks: 4 })).toThrow(/cnnDepth 4 is too deep for 8×8/);
	});
});
