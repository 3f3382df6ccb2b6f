// 3×3 'same' convolution and 2×2 max-pool on NHWC arrays, for the compiled CNN. Two formulations of
// the convolution give the same numbers up to float rounding; cnn.ts uses the faster one measured
// (bench/jax-steps.bench.ts compares them): im2col, the nine shifted views of the padded input side by
// side ([n·h·w, 9·c], ordered (dy, dx, c) like the kernel's [3, 3, c, out] layout) times the kernel as a
// [9·c, out] matrix; or jax-js's own lax.convGeneralDilated on NCHW/OIHW transposes.
import { lax, numpy as np } from '@jax-js/jax';

export type ConvFormulation = 'im2col' | 'lax';

/** x [n, h, w, c] and kernel [3, 3, c, out] (both consumed) → [n, h, w, out]. */
export function conv3x3Same(x: np.Array, kernel: np.Array, formulation: ConvFormulation): np.Array {
	const [n, h, w, c] = x.shape as [number, number, number, number];
	const out = kernel.shape[3]!;
	if (formulation === 'lax') {
		const y = lax.convGeneralDilated(
			x.transpose([0, 3, 1, 2]),
			kernel.transpose([3, 2, 0, 1]),
			[1, 1],
			'SAME'
		);
		return y.transpose([0, 2, 3, 1]);
	}
	return np.matmul(im2colPatches(x), kernel.reshape([9 * c, out])).reshape([n, h, w, out]);
}

/**
 * The nine shifted views of x [n, h, w, c] (consumed), zero-padded by one on each side, side by side:
 * [n·h·w, 9·c], ordered (dy, dx, c) like a kernel's [3, 3, c, out] layout. The batched CNN
 * (batched-step.ts) takes them with n = trials × rows, as nothing here mixes images.
 */
export function im2colPatches(x: np.Array): np.Array {
	const [n, h, w, c] = x.shape as [number, number, number, number];
	const padded = np.pad(x, [
		[0, 0],
		[1, 1],
		[1, 1],
		[0, 0]
	]);
	const views: np.Array[] = [];
	for (let dy = 0; dy < 3; dy++) {
		for (let dx = 0; dx < 3; dx++) views.push(padded.ref.slice([], [dy, dy + h], [dx, dx + w], []));
	}
	padded.dispose();
	return np.concatenate(views, 3).reshape([n * h * w, 9 * c]);
}

/**
 * 2×2 max-pool with stride 2 on [n, h, w, c] (consumed); an odd last row or column is dropped.
 * The gradient is the TF.js one: every element equal to its window's maximum receives the full
 * incoming gradient. jax-js (like JAX) splits it evenly among tied elements instead, and ties are
 * common here: a blank image region gives four equal ReLU(bias) values per window. The value is the
 * plain maximum; the extra term is zero forward and carries that gradient backward.
 */
export function maxPool2x2(x: np.Array): np.Array {
	const [n, h, w, c] = x.shape as [number, number, number, number];
	const h2 = Math.floor(h / 2);
	const w2 = Math.floor(w / 2);
	const even = h === 2 * h2 && w === 2 * w2 ? x : x.slice([], [0, 2 * h2], [0, 2 * w2], []);
	const windows = even.reshape([n, h2, 2, w2, 2, c]);
	const top = lax.stopGradient(windows.ref.max([2, 4], { keepdims: true }));
	const atMax = windows.ref.equal(top.ref);
	const zero = windows.ref.sub(lax.stopGradient(windows));
	const routed = np.where(atMax, zero, 0).sum([2, 4]);
	return top.reshape([n, h2, w2, c]).add(routed);
}
