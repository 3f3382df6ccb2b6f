import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropyPerExample } from './losses';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

// Reference values computed by hand in float64 (Python): log-softmax, then
// (1 − ε)·(−log p_label) + ε·mean_c(−log p_c).
describe('crossEntropyPerExample', () => {
	it.each([
		[0, 0.16984601955628564],
		[0.1, 0.3365126862229524],
		[0.3, 0.6698460195562856]
	])('logits [2, 0, −1], label 0, smoothing %f', async (smoothing, expected) => {
		const loss = crossEntropyPerExample(tf.tensor2d([[2, 0, -1]]), tf.tensor1d([0], 'int32'), 3, smoothing);
		expect((await loss.data())[0]).toBeCloseTo(expected, 6);
	});

	it('scores each row against its own label', async () => {
		const loss = crossEntropyPerExample(
			tf
				.tensor2d([
					[2, 0, -1],
					[0.5, 1.5, 0]
				])
				.slice([0, 0], [2, 3]) as tf.Tensor2D,
			tf.tensor1d([0, 1], 'int32'),
			3
		);
		const values = await loss.data();
		expect(values[0]).toBeCloseTo(0.16984601955628564, 6);
		// Row 2 over three classes: −log softmax([0.5, 1.5, 0])[1].
		const lse = Math.log(Math.exp(0.5) + Math.exp(1.5) + 1);
		expect(values[1]).toBeCloseTo(lse - 1.5, 6);
	});

	it('two classes, label 1, smoothing 0.2', async () => {
		const loss = crossEntropyPerExample(tf.tensor2d([[0.5, 1.5]]), tf.tensor1d([1], 'int32'), 2, 0.2);
		expect((await loss.data())[0]).toBeCloseTo(0.4132616875182228, 6);
	});
});
