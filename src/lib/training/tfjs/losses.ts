// Per-example softmax cross-entropy in nats, optionally against label-smoothed targets.
import * as tf from '@tensorflow/tfjs';

/**
 * Cross-entropy of each row of `logits` [n, classes] against its integer label [n]. With smoothing ε the
 * target puts 1 − ε on the label and ε spread evenly over all classes, so the loss is
 * (1 − ε)·(−log p_label) + ε·mean_c(−log p_c). Evaluation always uses ε = 0.
 */
export function crossEntropyPerExample(
	logits: tf.Tensor2D,
	labels: tf.Tensor1D,
	classes: number,
	smoothing = 0
): tf.Tensor1D {
	return tf.tidy(() => {
		const logProbs = tf.logSoftmax(logits);
		const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), logProbs), 1));
		if (smoothing === 0) return nll as tf.Tensor1D;
		const uniform = tf.neg(tf.mean(logProbs, 1));
		return tf.add(tf.mul(nll, 1 - smoothing), tf.mul(uniform, smoothing)) as tf.Tensor1D;
	});
}
