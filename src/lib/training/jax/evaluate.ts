// Evaluation of one batch on the compiled engine: summed cross-entropy (nats) and the number of rows
// whose highest logit is the label, so a split's mean loss and accuracy come from sums over batches.
import { nn, numpy as np, type OwnedFunction } from '@jax-js/jax';
import type { JaxModel } from './models';

export type CompiledEval = OwnedFunction<(params: np.Array[], x: np.Array, y: np.Array) => np.Array>;

/** [summed loss, correct count] for logits of `x` against labels `y`; consumes every argument. */
export function batchLossAndCorrect(model: JaxModel, params: np.Array[], x: np.Array, y: np.Array): np.Array {
	const logits = model.forward(params, x, null);
	const labels = y.reshape([-1]);
	const predicted = np.argmax(logits.ref, -1);
	const correct = predicted.equal(labels.ref).astype(np.float32).sum();
	const logProbs = nn.logSoftmax(logits, -1);
	const loss = np.negative(nn.oneHot(labels, model.classes).mul(logProbs).sum());
	return np.stack([loss, correct]);
}

/**
 * The same sums with each label weighted by `mask` (1 = scored, 0 = padding), so a partial last batch
 * can be padded to the fixed batch shape and the step is compiled once. Consumes every argument.
 */
export function maskedLossAndCorrect(
	model: JaxModel,
	params: np.Array[],
	x: np.Array,
	y: np.Array,
	mask: np.Array
): np.Array {
	const logits = model.forward(params, x, null);
	const labels = y.reshape([-1]);
	const predicted = np.argmax(logits.ref, -1);
	const correct = predicted.equal(labels.ref).astype(np.float32).mul(mask.ref).sum();
	const logProbs = nn.logSoftmax(logits, -1);
	const perLabel = np.negative(nn.oneHot(labels, model.classes).mul(logProbs).sum(-1));
	return np.stack([perLabel.mul(mask).sum(), correct]);
}
