// One product of inputs that K trials share (evaluation on the shared validation split) with each
// trial's own kernel, for the batched models (batched-step.ts).
import { numpy as np } from '@jax-js/jax';

/**
 * x [n, in] (shared by every trial) times each trial's kernel [K, in, out] (both consumed) → [K, n, out],
 * as ONE plain product with the kernels side by side ([n, in] · [in, K·out]): each output still sums
 * the same `in` terms in the same order as the trial's own product, and on wasm jax-js runs a plain
 * product faster than the batched product of the same arithmetic (bench/jax-batched.bench.ts, "product"
 * rows), and the shared inputs' patches or one-hot rows are built once instead of K times.
 */
export function sharedProduct(x: np.Array, kernel: np.Array): np.Array {
	const [trials, inSize, out] = kernel.shape as [number, number, number];
	const n = x.shape[0]!;
	const joined = kernel.transpose([1, 0, 2]).reshape([inSize, trials * out]);
	return np.matmul(x, joined).reshape([n, trials, out]).transpose([1, 0, 2]);
}
