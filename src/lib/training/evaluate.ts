// Evaluation on a whole split. Batches are as large as `evalBatchSize`; the last one may be
// partial, so losses are summed per example and divided by the true count (not averaged per batch).
import * as tf from '@tensorflow/tfjs';
import { crossEntropyPerExample } from './mlp';

export interface SplitTensors {
	x: tf.Tensor2D;
	y: tf.Tensor1D;
	count: number;
}

export interface EvalResult {
	loss: number;
	accuracy: number;
}

export async function evaluateSplit(
	forward: (x: tf.Tensor2D) => tf.Tensor2D,
	split: SplitTensors,
	classes: number,
	evalBatchSize: number
): Promise<EvalResult> {
	const totals = tf.tidy(() => {
		let lossSum: tf.Tensor = tf.scalar(0);
		let correct: tf.Tensor = tf.scalar(0);
		for (let start = 0; start < split.count; start += evalBatchSize) {
			const size = Math.min(evalBatchSize, split.count - start);
			const x = split.x.slice([start, 0], [size, -1]);
			const y = split.y.slice([start], [size]);
			const logits = forward(x);
			lossSum = tf.add(lossSum, tf.sum(crossEntropyPerExample(logits, y, classes)));
			correct = tf.add(
				correct,
				tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'float32'))
			);
		}
		return tf.stack([lossSum, correct]);
	});
	const [lossSum, correct] = await totals.data();
	totals.dispose();
	return { loss: lossSum! / split.count, accuracy: correct! / split.count };
}
