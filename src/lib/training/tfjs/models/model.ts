// What the training loop needs from any model: named, seeded parameters and a forward pass. Models
// are built from explicit variables (no tf.layers) so init is reproducible across backends and every
// parameter has a stable name for checkpoints.
import type * as tf from '@tensorflow/tfjs';

export interface Model {
	params: tf.Variable[];
	/** Stable names for checkpoints ("hidden0/kernel"…); tfjs variable names are engine-unique instead. */
	paramNames: string[];
	/**
	 * Logits, one row per predicted label: [batch, classes] for classifiers, [batch·context, vocab] for
	 * the language model. `training` switches dropout on; `seed` makes that dropout reproducible.
	 */
	forward(x: tf.Tensor, training: boolean, seed?: number): tf.Tensor2D;
	dispose(): void;
}
