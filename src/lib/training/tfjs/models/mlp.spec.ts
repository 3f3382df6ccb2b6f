import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseFastGrad } from './mlp';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

// x = [[1, 2, 3], [4, 5, 6]], W = [[1, 0], [0, 1], [1, 1]], b = [10, 20]; loss = Σ M ⊙ (xW + b) with
// M = [[1, 2], [3, 4]]. By hand: xW + b = [[14, 25], [20, 31]]; dW = xᵀM = [[13, 18], [17, 24], [21, 30]];
// db = column sums of M = [4, 6]; dx = M Wᵀ = [[1, 2, 3], [3, 4, 7]].
const x = () => tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
const w = () => tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
const b = () => tf.tensor1d([10, 20]);
const m = () => tf.tensor2d([1, 2, 3, 4], [2, 2]);

describe('denseFastGrad', () => {
	it('computes xW + b', () => {
		expect(Array.from(denseFastGrad(x(), w(), b()).dataSync())).toEqual([14, 25, 20, 31]);
	});

	it('has the hand-computed gradients for x, W and b', () => {
		const grads = tf.grads((xi, wi, bi) =>
			tf.sum(tf.mul(m(), denseFastGrad(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D)))
		)([x(), w(), b()]);
		expect(Array.from(grads[0]!.dataSync())).toEqual([1, 2, 3, 3, 4, 7]);
		expect(Array.from(grads[1]!.dataSync())).toEqual([13, 18, 17, 24, 21, 30]);
		expect(Array.from(grads[2]!.dataSync())).toEqual([4, 6]);
	});

	it('skips the input gradient of a layer fed by data', () => {
		const grads = tf.grads((xi, wi, bi) =>
			tf.sum(tf.mul(m(), denseFastGrad(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D, true)))
		)([x(), w(), b()]);
		expect(Array.from(grads[0]!.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
		expect(Array.from(grads[1]!.dataSync())).toEqual([13, 18, 17, 24, 21, 30]);
	});
});
