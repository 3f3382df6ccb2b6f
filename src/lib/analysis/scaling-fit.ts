// Fitting a scaling law L(N, D) = E + A·N^(−α) + B·D^(−β) to (parameters, examples seen, loss) points,
// the way Hoffmann et al. (2022) fit their "approach 3" (their section 3.3 and appendix D.2), in our
// words: write A = exp(a), B = exp(b), E = exp(e), so the predicted log loss is the log-sum-exp of
// a − α·ln N, b − β·ln D and e; minimise the sum over points of a Huber loss (δ = 10⁻³) between that
// and the observed ln L, with L-BFGS from every point of a grid of starts, and keep the best. The
// Huber loss makes a few outlying points (a diverged or noisy branch) pull on the fit only linearly.
// Intervals come from refitting bootstrap resamples of the points (seeded, so the same points give the
// same intervals). Pure: no DOM, no worker; the page runs it in the analysis worker, the CLI in Node.
import { Random } from '../math/random';

export interface ScalingPoint {
	/** Trainable parameters of the model. */
	N: number;
	/** Training examples seen (tokens for the language model). */
	D: number;
	/** Final validation loss, in nats. */
	loss: number;
}

export interface ScalingParams {
	E: number;
	A: number;
	alpha: number;
	B: number;
	beta: number;
}

/** A 95 % bootstrap interval: the 2.5th and 97.5th percentiles of the refitted values. */
export type Interval = [number, number];

export interface ScalingFit extends ScalingParams {
	/** Bootstrap intervals of every parameter. */
	intervals: Record<keyof ScalingParams, Interval>;
	/** The Huber objective at the optimum (sum over points). */
	objective: number;
	/** Resamples refitted for the intervals. */
	bootstrap: number;
	/** Seed of the resampling. */
	seed: number;
}

export interface FitOptions {
	/** Huber threshold on the log-loss residual (Hoffmann et al. use 10⁻³). */
	delta?: number;
	/** Bootstrap resamples (0 skips the intervals: each bound is then the point estimate). */
	bootstrap?: number;
	seed?: number;
	/** Starting points of the full fit; the default is the grid below. */
	starts?: readonly Theta[];
}

export const DEFAULT_DELTA = 1e-3;
export const DEFAULT_BOOTSTRAP = 200;
export const DEFAULT_SEED = 0;
/** Fewest points a fit takes: five parameters need at least as many points, and a few to spare. */
export const MIN_POINTS = 6;

/** θ = [a, b, e, α, β]: A = exp a, B = exp b, E = exp e. */
export type Theta = [number, number, number, number, number];

function range(lo: number, hi: number, step: number): number[] {
	const values: number[] = [];
	for (let x = lo; x <= hi + 1e-9; x += step) values.push(Number(x.toFixed(6)));
	return values;
}

/**
 * The grid of starts Hoffmann et al. describe (their appendix D.2): α, β ∈ {0, 0.5, …, 2},
 * e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}: 5 · 5 · 5 · 6 · 6 = 4500 starts.
 */
export function startGrid(): Theta[] {
	const exps = range(0, 2, 0.5);
	const es = range(-1, 1, 0.5);
	const abs = range(0, 25, 5);
	const grid: Theta[] = [];
	for (const a of abs)
		for (const b of abs)
			for (const e of es)
				for (const alpha of exps) for (const beta of exps) grid.push([a, b, e, alpha, beta]);
	return grid;
}

/** The fitted law's loss at (N, D). */
export function predictLoss(p: ScalingParams, N: number, D: number): number {
	return p.E + p.A * N ** -p.alpha + p.B * D ** -p.beta;
}

export function thetaToParams(theta: Theta): ScalingParams {
	const [a, b, e, alpha, beta] = theta;
	return { E: Math.exp(e), A: Math.exp(a), alpha, B: Math.exp(b), beta };
}

interface Prepared {
	logN: Float64Array;
	logD: Float64Array;
	logL: Float64Array;
	/** How many times each point counts (a bootstrap resample repeats points). */
	weight: Float64Array;
}

function prepare(points: readonly ScalingPoint[], weight?: Float64Array): Prepared {
	const n = points.length;
	const prepared: Prepared = {
		logN: new Float64Array(n),
		logD: new Float64Array(n),
		logL: new Float64Array(n),
		weight: weight ?? new Float64Array(n).fill(1)
	};
	points.forEach((p, i) => {
		prepared.logN[i] = Math.log(p.N);
		prepared.logD[i] = Math.log(p.D);
		prepared.logL[i] = Math.log(p.loss);
	});
	return prepared;
}

/** The Huber objective and its gradient with respect to θ (written into `grad`). */
function objective(theta: Theta, data: Prepared, delta: number, grad: Float64Array): number {
	const [a, b, e, alpha, beta] = theta;
	grad.fill(0);
	let total = 0;
	for (let i = 0; i < data.logL.length; i++) {
		const w = data.weight[i]!;
		if (w === 0) continue;
		const t1 = a - alpha * data.logN[i]!;
		const t2 = b - beta * data.logD[i]!;
		const t3 = e;
		const m = Math.max(t1, t2, t3);
		const x1 = Math.exp(t1 - m);
		const x2 = Math.exp(t2 - m);
		const x3 = Math.exp(t3 - m);
		const sum = x1 + x2 + x3;
		const r = m + Math.log(sum) - data.logL[i]!;
		const abs = Math.abs(r);
		total += w * (abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta));
		const slope = w * (abs <= delta ? r : delta * Math.sign(r));
		const s1 = (slope * x1) / sum;
		const s2 = (slope * x2) / sum;
		grad[0] = grad[0]! + s1;
		grad[1] = grad[1]! + s2;
		grad[2] = grad[2]! + (slope * x3) / sum;
		grad[3] = grad[3]! - s1 * data.logN[i]!;
		grad[4] = grad[4]! - s2 * data.logD[i]!;
	}
	return total;
}

const HISTORY = 10;
const MAX_ITERATIONS = 500;

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
	let s = 0;
	for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
	return s;
}

/**
 * L-BFGS (two-loop recursion, 10 pairs) with a backtracking line search on the Armijo condition; a
 * pair whose curvature s·y is not positive is skipped, which keeps the inverse-Hessian estimate
 * positive definite on this only once-differentiable objective. Stops when the gradient or the step
 * is negligible, or after 500 iterations.
 */
function minimize(
	start: Theta,
	data: Prepared,
	delta: number
): { theta: Theta; value: number; iterations: number } {
	const x = Float64Array.from(start);
	const g = new Float64Array(5);
	let f = objective(x as unknown as Theta, data, delta, g);
	const S: Float64Array[] = [];
	const Y: Float64Array[] = [];
	const trial = new Float64Array(5);
	const gTrial = new Float64Array(5);
	let iterations = 0;
	for (; iterations < MAX_ITERATIONS; iterations++) {
		if (Math.sqrt(dot(g, g)) < 1e-10) break;
		// Two-loop recursion: d = −H·g.
		const q = Float64Array.from(g);
		const alphas: number[] = [];
		for (let k = S.length - 1; k >= 0; k--) {
			const rho = 1 / dot(Y[k]!, S[k]!);
			const alphaK = rho * dot(S[k]!, q);
			alphas[k] = alphaK;
			for (let i = 0; i < 5; i++) q[i] = q[i]! - alphaK * Y[k]![i]!;
		}
		if (S.length > 0) {
			const last = S.length - 1;
			const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
			for (let i = 0; i < 5; i++) q[i] = q[i]! * gamma;
		}
		for (let k = 0; k < S.length; k++) {
			const rho = 1 / dot(Y[k]!, S[k]!);
			const beta = rho * dot(Y[k]!, q);
			for (let i = 0; i < 5; i++) q[i] = q[i]! + S[k]![i]! * (alphas[k]! - beta);
		}
		const d = q.map((v) => -v);
		let slope = dot(g, d);
		if (!(slope < 0)) {
			// Not a descent direction: restart from steepest descent.
			S.length = 0;
			Y.length = 0;
			for (let i = 0; i < 5; i++) d[i] = -g[i]!;
			slope = -dot(g, g);
		}
		// First step of steepest descent is scaled so it moves θ by at most 1.
		let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
		let fTrial = Infinity;
		let accepted = false;
		for (let tries = 0; tries < 60; tries++) {
			for (let i = 0; i < 5; i++) trial[i] = x[i]! + step * d[i]!;
			fTrial = objective(trial as unknown as Theta, data, delta, gTrial);
			if (Number.isFinite(fTrial) && fTrial <= f + 1e-4 * step * slope) {
				accepted = true;
				break;
			}
			step *= 0.5;
		}
		if (!accepted) break;
		const s = new Float64Array(5);
		const y = new Float64Array(5);
		for (let i = 0; i < 5; i++) {
			s[i] = trial[i]! - x[i]!;
			y[i] = gTrial[i]! - g[i]!;
		}
		const fPrevious = f;
		x.set(trial);
		g.set(gTrial);
		f = fTrial;
		if (dot(s, y) > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
			S.push(s);
			Y.push(y);
			if (S.length > HISTORY) {
				S.shift();
				Y.shift();
			}
		}
		if (Math.abs(fPrevious - f) <= 1e-15 * Math.max(1, Math.abs(f)) && Math.sqrt(dot(s, s)) < 1e-12) break;
	}
	return { theta: Array.from(x) as Theta, value: f, iterations };
}

/** The best of the fits from each start (ties keep the earlier start, so the result is deterministic). */
function bestOf(starts: readonly Theta[], data: Prepared, delta: number): { theta: Theta; value: number }[] {
	const results = starts.map((start) => minimize(start, data, delta));
	return results
		.map((r, i) => ({ ...r, i }))
		.filter((r) => Number.isFinite(r.value))
		.sort((p, q) => p.value - q.value || p.i - q.i);
}

/** The problem with these points as input to a fit, or null when they can be fitted. */
export function pointsProblem(points: readonly ScalingPoint[]): string | null {
	if (points.length < MIN_POINTS)
		return `a fit needs at least ${MIN_POINTS} points (model size × training length); got ${points.length}`;
	const bad = points.findIndex(
		(p) => !(p.N > 0 && p.D > 0 && p.loss > 0) || ![p.N, p.D, p.loss].every(Number.isFinite)
	);
	if (bad >= 0) return `point ${bad} has N, D and loss that are not all positive finite numbers`;
	if (new Set(points.map((p) => p.N)).size < 2) return 'a fit needs points from at least 2 model sizes';
	if (new Set(points.map((p) => p.D)).size < 2) return 'a fit needs points from at least 2 training lengths';
	return null;
}

function percentile(sorted: readonly number[], q: number): number {
	// Linear interpolation between order statistics (NumPy's default "linear" method).
	const position = q * (sorted.length - 1);
	const lo = Math.floor(position);
	const hi = Math.ceil(position);
	return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

/** How many of the full fit's best optima each bootstrap refit starts from. */
const BOOTSTRAP_STARTS = 4;

/**
 * Fits the law to `points` (see the head of this file) and, with `bootstrap` > 0, refits that many
 * resamples drawn with replacement (seeded) from the best few optima of the full fit, for 95 %
 * percentile intervals. Throws when pointsProblem names a problem.
 */
export function fitScalingLaw(points: readonly ScalingPoint[], options: FitOptions = {}): ScalingFit {
	const problem = pointsProblem(points);
	if (problem) throw new Error(problem);
	const delta = options.delta ?? DEFAULT_DELTA;
	const resamples = options.bootstrap ?? DEFAULT_BOOTSTRAP;
	const seed = options.seed ?? DEFAULT_SEED;
	const data = prepare(points);
	const ranked = bestOf(options.starts ?? startGrid(), data, delta);
	if (ranked.length === 0) throw new Error('no start of the fit reached a finite objective');
	const best = ranked[0]!;
	const params = thetaToParams(best.theta);
	if (!Object.values(params).every(Number.isFinite))
		throw new Error('the fit ran off to infinite parameters; these points do not follow the law');

	// Distinct optima (rounded), best first, as starts for the refits.
	const seeds: Theta[] = [];
	const seen = new Set<string>();
	for (const r of ranked) {
		const key = r.theta.map((t) => t.toFixed(3)).join(',');
		if (seen.has(key)) continue;
		seen.add(key);
		seeds.push(r.theta);
		if (seeds.length === BOOTSTRAP_STARTS) break;
	}

	const keys: (keyof ScalingParams)[] = ['E', 'A', 'alpha', 'B', 'beta'];
	const samples: Record<keyof ScalingParams, number[]> = { E: [], A: [], alpha: [], B: [], beta: [] };
	const random = new Random(seed);
	for (let r = 0; r < resamples; r++) {
		const weight = new Float64Array(points.length);
		for (let i = 0; i < points.length; i++) {
			const pick = random.int(points.length);
			weight[pick] = weight[pick]! + 1;
		}
		// A resample that holds a single size or a single length cannot pin its power law down: skip it
		// (it cannot occur with the usual grid of 6+ sizes × 8 lengths, only with very few points).
		const chosen = points.filter((_, i) => weight[i]! > 0);
		if (new Set(chosen.map((p) => p.N)).size < 2 || new Set(chosen.map((p) => p.D)).size < 2) continue;
		const refit = bestOf(seeds, { ...data, weight }, delta)[0];
		if (!refit) continue;
		const p = thetaToParams(refit.theta);
		if (!keys.every((k) => Number.isFinite(p[k]))) continue;
		for (const k of keys) samples[k].push(p[k]);
	}
	const intervals = {} as Record<keyof ScalingParams, Interval>;
	for (const k of keys) {
		const sorted = samples[k].sort((x, y) => x - y);
		intervals[k] =
			sorted.length === 0 ? [params[k], params[k]] : [percentile(sorted, 0.025), percentile(sorted, 0.975)];
	}
	return { ...params, intervals, objective: best.value, bootstrap: resamples, seed };
}

/**
 * The compute-optimal split of a budget of C floating-point operations with C ≈ 6·N·D: minimising
 * E + A·N^(−α) + B·(C/6N)^(−β) over N gives N* = G·(C/6)^(β/(α+β)) with G = (αA/(βB))^(1/(α+β)), and
 * D* = C/(6N*) (Hoffmann et al., their equation (4) and appendix D.2).
 */
export function computeOptimal(p: ScalingParams, C: number): { N: number; D: number; loss: number } {
	const G = ((p.alpha * p.A) / (p.beta * p.B)) ** (1 / (p.alpha + p.beta));
	const N = G * (C / 6) ** (p.beta / (p.alpha + p.beta));
	const D = C / (6 * N);
	return { N, D, loss: predictLoss(p, N, D) };
}
