// Mean softmax cross-entropy in nats, optionally against label-smoothed targets, as the TF.js loop
// computes it: (1 − ε)·(−log p_label) + ε·mean_c(−log p_c) per row, averaged over rows.
import { nn, numpy as np } from '@jax-js/jax';

/**
 * `logits` [n, classes] and integer `labels` [n] are consumed. `smoothing` is null when off, else the
 * scalar pair [1 − ε, ε] (consumed), computed on the host so both engines round them alike.
 */
export function meanCrossEntropy(
	logits: np.Array,
	labels: np.Array,
	classes: number,
	smoothing: [np.Array, np.Array] | null
): np.Array {
	return rowCrossEntropy(logits, labels, classes, smoothing).mean();
}

/**
 * The cross-entropy of every row, in the shape of `labels`, from `logits` [..., classes] (both
 * consumed); `smoothing` is null or a pair that broadcasts against the rows (scalars for one trial,
 * [K, 1] columns for K batched trials). The one rule both the solo and the batched step average.
 */
export function rowCrossEntropy(
	logits: np.Array,
	labels: np.Array,
	classes: number,
	smoothing: [np.Array, np.Array] | null
): np.Array {
	const logProbs = nn.logSoftmax(logits, -1);
	const nll = np.negative(nn.oneHot(labels, classes).mul(logProbs.ref).sum(-1));
	if (!smoothing) {
		logProbs.dispose();
		return nll;
	}
	const uniform = np.negative(logProbs.mean(-1));
	return nll.mul(smoothing[0]).add(uniform.mul(smoothing[1]));
}
