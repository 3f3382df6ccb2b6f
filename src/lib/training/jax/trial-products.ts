// Products of K trials' inputs with each trial's own weights, for the batched models (batched-step.ts).
import { defaultDevice, numpy as np } from '@jax-js/jax';
import type { ModelSpec } from './models';

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

/**
 * How a batched model multiplies each trial's rows by its own weights: 'split', K plain products
 * stacked, or 'batched', one batched product [K, n, in] · [K, in, out]. Both sum the same terms in the
 * same order as the trial's solo product. On wasm jax-js 0.1.25 runs the batched product slower than
 * the same products one by one, forward and in the gradient: the d64 transformer (2 layers, context 64,
 * batch 16) at K = 2 made 9.0 trial-steps/s with batched products, 11.0 split and 11.4 alone (medians of
 * 3 interleaved runs, `JAX_BATCH_MODELS=cnn,transformer JAX_BATCH_PRODUCTS=split,batched npx tsx
 * bench/jax-batched.bench.ts`), so wasm and cpu split; WebGPU keeps one batched kernel per product
 * (not measured: no GPU here).
 */
export type TrialProducts = 'split' | 'batched';

/**
 * The form for a model family on jax-js's current default device. The digits MLP is the exception on
 * wasm: its small products run faster as one batched product than split (K = 8: 2,852 against 1,908
 * trial-steps/s; K = 16: 3,121 against 1,566; `JAX_BATCH_PRODUCTS=split,batched npx tsx
 * bench/jax-batched.bench.ts`), so it stays batched everywhere.
 */
export function defaultTrialProducts(family: ModelSpec['kind']): TrialProducts {
	if (family === 'mlp') return 'batched';
	const device = defaultDevice();
	return device === 'wasm' || device === 'cpu' ? 'split' : 'batched';
}

/** Each trial's x [K, n, in] times its kernel [K, in, out] (both consumed) → [K, n, out]. */
export function perTrialProduct(x: np.Array, kernel: np.Array, form: TrialProducts): np.Array {
	if (form === 'batched') return np.matmul(x, kernel);
	const trials = kernel.shape[0]!;
	const parts = Array.from({ length: trials }, (_, k) => np.matmul(x.ref.slice(k), kernel.ref.slice(k)));
	x.dispose();
	kernel.dispose();
	return np.stack(parts);
}
