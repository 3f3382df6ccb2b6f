// Exponential smoothing of noisy per-batch curves (training losses), debiased so the curve's start is
// not pulled toward zero. Pure: no DOM.
//
// The recurrence is the usual exponential moving average started at zero,
//   s_t = β·s_{t−1} + (1 − β)·x_t,   s_{−1} = 0,
// and what is drawn is the bias-corrected estimate ŝ_t = s_t / (1 − β^{t+1}) (the correction Adam
// applies to its moments). Because the weights β^{t−i}(1 − β) of x_0..x_t sum to exactly
// 1 − β^{t+1}, ŝ_t is a true weighted mean of the values seen so far: ŝ_0 = x_0, so the first point is
// never shifted, and a flat series stays flat at its value.
//
// Choices:
// - β is applied per logged row, not per optimizer step. Rows are usually one per step; when rows are
//   thinned (every k-th step) the same β smooths over k times as many steps. TensorBoard does the same.
// - Non-finite values (NaN, ±Infinity, and the null a study file writes for them) are skipped: they
//   neither enter the average nor advance t, and their own output is NaN, so the drawn line breaks there
//   instead of being dragged to an arbitrary value. The rows after a gap continue the same average.
// - Smoothing runs on the full-resolution series, before any downsampling to pixels, so the result
//   does not depend on the chart's width.

/** Largest β the charts offer: at 0.99 the window is ~100 rows; beyond it curves lag badly. */
export const MAX_SMOOTHING = 0.99;

/** A value that can enter the average (finite numbers only). */
function usable(value: number | null | undefined): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The debiased exponential moving average of `values` with decay `beta` in [0, 1), one output per
 * input row; non-finite inputs give NaN outputs and are skipped by the average.
 */
export function smoothDebiased(values: ArrayLike<number | null | undefined>, beta: number): Float64Array {
	if (!(beta >= 0 && beta < 1)) throw new RangeError(`smoothing β must be in [0, 1), got ${beta}`);
	const out = new Float64Array(values.length);
	let s = 0;
	// β^{t+1} for the t-th usable value, kept as a running product (no Math.pow per row).
	let betaPower = 1;
	for (let i = 0; i < values.length; i++) {
		const x = values[i];
		if (!usable(x)) {
			out[i] = NaN;
			continue;
		}
		if (beta === 0) {
			out[i] = x;
			continue;
		}
		s = beta * s + (1 - beta) * x;
		betaPower *= beta;
		out[i] = s / (1 - betaPower);
	}
	return out;
}
