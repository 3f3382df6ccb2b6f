// Gaussian-process regression (Rasmussen & Williams 2006, ch. 2 and 5) for minimisation: a constant mean
// (the observations are standardised, so the mean is their average), a Matérn 5/2 kernel with a length
// scale per feature group, a signal variance and a noise variance. Hyperparameters maximise the log
// marginal likelihood
//   log p(y | X, θ) = −½ yᵀK⁻¹y − ½ log det K − (n/2) log 2π,   K = σf²·M + σn²·I
// by sign-based gradient steps (iRprop⁻) from a few fixed starting points, so a fit is a pure function
// of its data: same points and values, same model.
import { matern52, scaledDistanceSquared, pairwiseGroupDistances, groupDistances } from './kernel';
import type { FeatureLayout } from './encoding';
import { choleskyInverse, choleskySolve, choleskyWithJitter, halfLogDet, solveLower } from './linalg';

export interface GpHyperparameters {
	/** One per feature group, in unit-cube units. */
	lengthScales: number[];
	/** Signal variance σf², in units of the standardised observations. */
	signalVariance: number;
	/** Noise variance σn², in the same units. */
	noiseVariance: number;
}

/** Bounds on the hyperparameters (standardised units), wide enough for any sensible surface. */
export const LENGTH_SCALE_RANGE: [number, number] = [0.01, 20];
export const SIGNAL_VARIANCE_RANGE: [number, number] = [0.05, 5];
export const NOISE_VARIANCE_RANGE: [number, number] = [1e-6, 1];

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT5 = Math.sqrt(5);

/** The kernel matrix of the training points, noise on the diagonal. */
function kernelMatrix(
	distances: Float64Array,
	n: number,
	groups: number,
	h: GpHyperparameters
): Float64Array {
	const k = new Float64Array(n * n);
	for (let i = 0; i < n; i++) {
		k[i * n + i] = h.signalVariance + h.noiseVariance;
		for (let j = 0; j < i; j++) {
			const r2 = scaledDistanceSquared(
				distances.subarray((i * n + j) * groups, (i * n + j + 1) * groups),
				h.lengthScales
			);
			const value = h.signalVariance * matern52(Math.sqrt(r2));
			k[i * n + j] = value;
			k[j * n + i] = value;
		}
	}
	return k;
}

/**
 * Log marginal likelihood of standardised observations `y` and its gradient with respect to
 * (log ℓ_1 … log ℓ_G, log σf², log σn²): ∂/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ), α = K⁻¹y.
 */
export function logMarginalLikelihood(
	distances: Float64Array,
	n: number,
	groups: number,
	y: ArrayLike<number>,
	h: GpHyperparameters,
	withGradient = false
): { value: number; gradient: Float64Array | null } {
	const k = kernelMatrix(distances, n, groups, h);
	const { l } = choleskyWithJitter(k, n);
	const alpha = choleskySolve(l, n, y);
	let fit = 0;
	for (let i = 0; i < n; i++) fit += y[i]! * alpha[i]!;
	const value = -0.5 * fit - halfLogDet(l, n) - 0.5 * n * LOG_2PI;
	if (!withGradient) return { value, gradient: null };

	const inverse = choleskyInverse(l, n);
	const gradient = new Float64Array(groups + 2);
	let signalTerm = 0;
	let noiseTerm = 0;
	for (let i = 0; i < n; i++) {
		// Diagonal: ∂K_ii/∂log σf² = σf², ∂K_ii/∂log σn² = σn², length scales do not touch it.
		const w = alpha[i]! * alpha[i]! - inverse[i * n + i]!;
		signalTerm += 0.5 * w * h.signalVariance;
		noiseTerm += 0.5 * w * h.noiseVariance;
		for (let j = 0; j < i; j++) {
			// Off-diagonal pairs count twice (the matrices are symmetric).
			const weight = alpha[i]! * alpha[j]! - inverse[i * n + j]!;
			const base = (i * n + j) * groups;
			const r2 = scaledDistanceSquared(distances.subarray(base, base + groups), h.lengthScales);
			const r = Math.sqrt(r2);
			const kij = h.signalVariance * matern52(r);
			signalTerm += weight * kij;
			// ∂k/∂log ℓ_g = σf²·(5/3)(1 + √5 r)e^(−√5 r) · d_g/ℓ_g².
			const common = h.signalVariance * (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
			for (let g = 0; g < groups; g++) {
				const scale = h.lengthScales[g]!;
				gradient[g] = gradient[g]! + weight * common * (distances[base + g]! / (scale * scale));
			}
		}
	}
	gradient[groups] = signalTerm;
	gradient[groups + 1] = noiseTerm;
	return { value, gradient };
}

function fromLog(theta: ArrayLike<number>, groups: number): GpHyperparameters {
	const lengthScales: number[] = [];
	for (let g = 0; g < groups; g++) lengthScales.push(Math.exp(theta[g]!));
	return {
		lengthScales,
		signalVariance: Math.exp(theta[groups]!),
		noiseVariance: Math.exp(theta[groups + 1]!)
	};
}

function logBounds(groups: number): { lo: Float64Array; hi: Float64Array } {
	const lo = new Float64Array(groups + 2);
	const hi = new Float64Array(groups + 2);
	for (let g = 0; g < groups; g++) {
		lo[g] = Math.log(LENGTH_SCALE_RANGE[0]);
		hi[g] = Math.log(LENGTH_SCALE_RANGE[1]);
	}
	lo[groups] = Math.log(SIGNAL_VARIANCE_RANGE[0]);
	hi[groups] = Math.log(SIGNAL_VARIANCE_RANGE[1]);
	lo[groups + 1] = Math.log(NOISE_VARIANCE_RANGE[0]);
	hi[groups + 1] = Math.log(NOISE_VARIANCE_RANGE[1]);
	return { lo, hi };
}

/** The starting points of the search: short, medium and long length scales; modest noise. */
const STARTS: { lengthScale: number; noise: number }[] = [
	{ lengthScale: 0.5, noise: 1e-2 },
	{ lengthScale: 0.15, noise: 1e-3 },
	{ lengthScale: 2, noise: 1e-1 }
];

/** iRprop⁻: each coordinate moves by its own step, grown while the gradient's sign holds, shrunk when it flips. */
function rpropAscent(
	objective: (theta: Float64Array) => { value: number; gradient: Float64Array },
	start: Float64Array,
	lo: Float64Array,
	hi: Float64Array,
	iterations: number
): { theta: Float64Array; value: number } {
	const theta = new Float64Array(start);
	const steps = new Float64Array(theta.length).fill(0.2);
	let previous: Float64Array = new Float64Array(theta.length);
	let best = { theta: new Float64Array(theta), value: -Infinity };
	for (let it = 0; it < iterations; it++) {
		const { value, gradient } = objective(theta);
		if (value > best.value) best = { theta: new Float64Array(theta), value };
		let moved = 0;
		for (let i = 0; i < theta.length; i++) {
			let g = gradient[i]!;
			const product = g * previous[i]!;
			if (product > 0) steps[i] = Math.min(steps[i]! * 1.2, 1);
			else if (product < 0) {
				steps[i] = Math.max(steps[i]! * 0.5, 1e-4);
				g = 0;
			}
			const next = Math.min(hi[i]!, Math.max(lo[i]!, theta[i]! + Math.sign(g) * steps[i]!));
			moved = Math.max(moved, Math.abs(next - theta[i]!));
			theta[i] = next;
			gradient[i] = g;
		}
		previous = gradient;
		if (moved < 1e-4) break;
	}
	return best;
}

export interface FitOptions {
	/** Rprop iterations per start (default 60). */
	iterations?: number;
}

/** Hyperparameters maximising the log marginal likelihood of the standardised observations. */
export function fitHyperparameters(
	layout: FeatureLayout,
	points: readonly Float64Array[],
	y: ArrayLike<number>,
	options: FitOptions = {}
): GpHyperparameters {
	const n = points.length;
	const groups = layout.groups.length;
	const distances = pairwiseGroupDistances(layout, points);
	const { lo, hi } = logBounds(groups);
	const objective = (theta: Float64Array) => {
		const result = logMarginalLikelihood(distances, n, groups, y, fromLog(theta, groups), true);
		return { value: result.value, gradient: result.gradient! };
	};
	let best: { theta: Float64Array; value: number } | null = null;
	for (const start of STARTS) {
		const theta = new Float64Array(groups + 2);
		for (let g = 0; g < groups; g++) theta[g] = Math.log(start.lengthScale);
		theta[groups] = 0;
		theta[groups + 1] = Math.log(start.noise);
		const found = rpropAscent(objective, theta, lo, hi, options.iterations ?? 60);
		if (best === null || found.value > best.value) best = found;
	}
	return fromLog(best!.theta, groups);
}

/** A fitted GP posterior over standardised observations. */
export interface GpPosterior {
	layout: FeatureLayout;
	points: Float64Array[];
	hyper: GpHyperparameters;
	/** Cholesky factor of K (noise included). */
	chol: Float64Array;
	/** K⁻¹(y − mean). */
	alpha: Float64Array;
}

/** The posterior given hyperparameters (no fitting): the constant-liar step re-uses this with extra points. */
export function posterior(
	layout: FeatureLayout,
	points: Float64Array[],
	y: ArrayLike<number>,
	hyper: GpHyperparameters
): GpPosterior {
	const n = points.length;
	const groups = layout.groups.length;
	const k = kernelMatrix(pairwiseGroupDistances(layout, points), n, groups, hyper);
	const { l } = choleskyWithJitter(k, n);
	return { layout, points, hyper, chol: l, alpha: choleskySolve(l, n, y) };
}

/** k(x, xᵢ) for every training point. */
export function crossCovariance(
	gp: Pick<GpPosterior, 'layout' | 'points' | 'hyper'>,
	x: Float64Array
): Float64Array {
	const { layout, points, hyper } = gp;
	const scratch = new Float64Array(layout.groups.length);
	const out = new Float64Array(points.length);
	points.forEach((p, i) => {
		groupDistances(layout, x, p, scratch);
		out[i] = hyper.signalVariance * matern52(Math.sqrt(scaledDistanceSquared(scratch, hyper.lengthScales)));
	});
	return out;
}

/**
 * Posterior mean and variance of the latent function at x (standardised units):
 *   μ = k*ᵀα,   σ² = k(x, x) − vᵀv with L·v = k*   (R&W algorithm 2.1). The noise is not added: expected
 * improvement asks about the function, not about one more noisy measurement of it.
 */
export function predict(gp: GpPosterior, x: Float64Array): { mean: number; variance: number } {
	const n = gp.points.length;
	const kStar = crossCovariance(gp, x);
	let mean = 0;
	for (let i = 0; i < n; i++) mean += kStar[i]! * gp.alpha[i]!;
	const v = solveLower(gp.chol, n, kStar);
	let explained = 0;
	for (let i = 0; i < n; i++) explained += v[i]! * v[i]!;
	return { mean, variance: Math.max(0, gp.hyper.signalVariance - explained) };
}
