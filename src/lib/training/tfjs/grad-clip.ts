// Gradient clipping by global norm, returning the diagnostics as device scalars so the trial loop can
// read many steps back in one sync instead of stalling every step.

import * as tf from '@tensorflow/tfjs';

export interface ClipResult {
	/**
	 * The gradients to apply: new tensors scaled by min(1, maxNorm / norm) when clipping is on, the
	 * input tensors themselves when it is off. Call this inside the step's `tf.tidy`.
	 */
	grads: tf.Tensor[];
	/** The global norm √(Σ g²) before clipping. */
	norm: tf.Scalar;
	/** 1 when the norm exceeded maxNorm (so the gradients were scaled down), else 0. */
	clipped: tf.Scalar;
}

/** √(Σ g²) over all elements of all gradients; 0 for an empty list. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
	return tf.tidy(() => {
		if (grads.length === 0) return tf.scalar(0);
		// A chain of two-input adds, not tf.addN: WebGPU's AddN binds every input as its own storage
		// buffer, and adapters allow as few as 8 per shader (the transformer has 19 parameters).
		const squares = grads.map((g) => tf.sum(tf.square(g)));
		return tf.sqrt(squares.reduce((total, s) => tf.add(total, s))) as tf.Scalar;
	});
}

/**
 * `maxNorm` undefined or 0 turns clipping off (the trial config's convention) while still measuring
 * the norm. Throws on a negative or non-finite `maxNorm`. Never reads values back from the device.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number | undefined): ClipResult {
	if (maxNorm !== undefined && !(Number.isFinite(maxNorm) && maxNorm >= 0)) {
		throw new Error(`gradClipNorm must be a finite number >= 0 (got ${maxNorm})`);
	}
	return tf.tidy(() => {
		const norm = globalNorm(grads);
		if (maxNorm === undefined || maxNorm === 0) {
			return { grads, norm, clipped: tf.zerosLike(norm) };
		}
		const limit = tf.scalar(maxNorm);
		// limit / max(norm, limit) is exactly 1 when no clipping is needed, and avoids 0 / 0.
		const scale = tf.div(limit, tf.maximum(norm, limit));
		return {
			grads: grads.map((g) => tf.mul(g, scale)),
			norm,
			clipped: tf.cast(tf.greater(norm, limit), 'float32') as tf.Scalar
		};
	});
}
