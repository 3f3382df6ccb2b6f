// Gradient clipping by global norm inside the compiled step; the norm before clipping is returned so
// the loop can log it.
import { numpy as np } from '@jax-js/jax';

/** √(Σ g²) over every element of every gradient, summed in parameter order (as TF.js does). */
export function globalNorm(grads: np.Array[]): np.Array {
	if (grads.length === 0) return np.zeros([]);
	const squares = grads.map((g) => np.square(g.ref).sum());
	return np.sqrt(squares.reduce((total, s) => total.add(s)));
}

/**
 * Scales every gradient (consumed) by limit / max(norm, limit): exactly 1 when the norm is within the
 * limit. `limit` (a scalar, consumed) is null when clipping is off. Returns the unclipped norm and a
 * 0/1 flag of whether clipping happened.
 */
export function clipByGlobalNorm(
	grads: np.Array[],
	limit: np.Array | null
): { grads: np.Array[]; norm: np.Array; clipped: np.Array } {
	const norm = globalNorm(grads);
	if (!limit) return { grads, norm, clipped: np.zeros([]) };
	const scale = limit.ref.div(np.maximum(norm.ref, limit.ref));
	const clipped = norm.ref.greater(limit).astype(np.float32);
	const scaled = grads.map((g) => g.mul(scale.ref));
	scale.dispose();
	return { grads: scaled, norm, clipped };
}
