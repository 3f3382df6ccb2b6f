// Evaluation on a whole split. Batches are as large as `evalBatchSize` rows; the last one may be
// partial, so losses are summed per label and divided by the true number of labels (not averaged per
// batch). A text row holds contextLength labels, a classification row one.
import * as tf from '@tensorflow/tfjs';
import type { SplitTensors } from './device-data';
import { crossEntropyPerExample } from './losses';

export type { SplitTensors };

export interface EvalResult {
	/** Mean cross-entropy per label, in nats. */
	loss: number;
	/** Share of labels predicted exactly (top-1). */
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
			const y = (
				split.y.rank === 1 ? split.y.slice([start], [size]) : split.y.slice([start, 0], [size, -1])
			).reshape([-1]) as tf.Tensor1D;
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
	const labels = split.y.size;
	return { loss: lossSum! / labels, accuracy: correct! / labels };
}
