// The standard normal density, distribution function and quantile, accurate to about 1e-15 (the GP's
// expected improvement and the probit feasibility model both need Φ far into the tails).

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT_PI = Math.sqrt(Math.PI);

/** φ(z) = exp(−z²/2)/√(2π). */
export function normalPdf(z: number): number {
	return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/**
 * erfc(x) for x ≥ 0. Below 3 the series erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) has only
 * positive terms, so it loses nothing to cancellation; above, Laplace's continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) converges fast, evaluated from the
 * tail back.
 */
function erfcNonNegative(x: number): number {
	if (x < 3) {
		let term = x;
		let sum = x;
		for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
			term *= (2 * x * x) / (2 * n + 1);
			sum += term;
		}
		return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
	}
	let fraction = x;
	for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
	return Math.exp(-x * x) / SQRT_PI / fraction;
}

/** Φ(z), the standard normal distribution function. */
export function normalCdf(z: number): number {
	if (Number.isNaN(z)) return NaN;
	const x = Math.abs(z) / Math.SQRT2;
	const upper = 0.5 * erfcNonNegative(x); // P(Z > |z|)
	return z >= 0 ? 1 - upper : upper;
}

/** Φ⁻¹(p) for 0 < p < 1, by Newton steps on Φ from a logistic first guess. */
export function normalQuantile(p: number): number {
	if (!(p > 0 && p < 1)) throw new RangeError(`Normal quantile needs 0 < p < 1, got ${p}`);
	let z = Math.log(p / (1 - p)) / 1.7;
	for (let i = 0; i < 50; i++) {
		const step = (normalCdf(z) - p) / Math.max(normalPdf(z), 1e-300);
		z -= Math.max(-2, Math.min(2, step));
		if (Math.abs(step) < 1e-14) break;
	}
	return z;
}
