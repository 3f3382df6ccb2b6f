// One-sample Kolmogorov–Smirnov test against Uniform(0, 1): the tests use it to check that sampler
// coordinates (and mapped parameter values, transformed back) are spread uniformly.

/** Largest gap between the empirical CDF of `values` and the Uniform(0, 1) CDF, D_n = sup |F_n(x) − x|. */
export function ksStatisticUniform(values: readonly number[]): number {
	const n = values.length;
	if (n === 0) throw new RangeError('The KS statistic needs at least one value');
	const sorted = Float64Array.from(values).sort();
	let d = 0;
	for (let i = 0; i < n; i++) {
		const x = Math.min(1, Math.max(0, sorted[i]!));
		// The empirical CDF jumps from i/n to (i+1)/n at x: check the gap on both sides of the jump.
		d = Math.max(d, (i + 1) / n - x, x - i / n);
	}
	return d;
}

/**
 * Survival function of the Kolmogorov distribution, Q(λ) = P(K > λ), the limit of P(√n·D_n > λ).
 * Two series for the same function, each used where it converges in a few terms:
 *   λ ≥ 1: Q = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²)
 *   λ < 1: Q = 1 − (√(2π)/λ) Σ_{k≥1} exp(−(2k−1)²π²/(8λ²))
 */
export function kolmogorovSurvival(lambda: number): number {
	if (Number.isNaN(lambda)) return NaN;
	if (lambda <= 0) return 1;
	if (lambda >= 1) {
		let sum = 0;
		for (let k = 1; k <= 100; k++) {
			const term = Math.exp(-2 * k * k * lambda * lambda);
			sum += k % 2 === 1 ? term : -term;
			if (term < 1e-17) break;
		}
		return Math.min(1, Math.max(0, 2 * sum));
	}
	let sum = 0;
	for (let k = 1; k <= 100; k++) {
		const odd = 2 * k - 1;
		const term = Math.exp((-odd * odd * Math.PI * Math.PI) / (8 * lambda * lambda));
		sum += term;
		if (term < 1e-17 * sum) break;
	}
	return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
}

export interface KsResult {
	n: number;
	/** D_n, the largest distance between the empirical and the uniform CDF. */
	statistic: number;
	/** Asymptotic p-value Q(λ) with Stephens' small-sample factor λ = (√n + 0.12 + 0.11/√n)·D_n. */
	pValue: number;
}

/**
 * One-sample KS test of `values` against Uniform(0, 1). The p-value is the Kolmogorov limit with Stephens'
 * (1970) correction, which brings it within a few percent (relative) of the exact finite-n p-value from
 * n ≈ 10 up (checked against SciPy's `kstwo` at p = 0.5 … 0.01); the bare limit Q(√n·D_n) overstates
 * p-values by 20–70 % at n = 10. For large n the test rejects at α = 0.05 when D_n exceeds about 1.36/√n.
 */
export function ksTestUniform(values: readonly number[]): KsResult {
	const n = values.length;
	const statistic = ksStatisticUniform(values);
	const root = Math.sqrt(n);
	return { n, statistic, pValue: kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic) };
}
