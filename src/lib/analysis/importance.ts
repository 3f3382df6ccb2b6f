// Hyperparameter importance: how much of the objective's spread across a study each searched parameter
// explains on its own.
//
// Method: functional ANOVA (fANOVA) on a random-forest surrogate, after Hutter, Hoos & Leyton-Brown,
// "An Efficient Approach for Assessing Hyperparameter Importance" (ICML 2014), the default importance
// evaluator of Optuna too. Steps:
//  1. Every searched parameter is mapped to [0, 1] (the unit cube): linear ranges linearly, log ranges
//     by the logarithm, categorical / bool values (and discrete values on a band axis) as equal bands with
//     the trial at the band's centre. A conditional parameter that is inactive in some trials gets an extra
//     band [0.8, 1] for "inactive"; its active range is squeezed into [0, 0.8).
//  2. A forest of regression trees (bootstrap resamples, every parameter considered at every split,
//     seeded so the answer is reproducible) is fit to the feasible trials' objective values. Infeasible
//     trials and trials without a value of the chosen metric are left out: they have no number to explain.
//  3. Each tree is a piecewise-constant function on boxes of the unit cube, so its fANOVA decomposition
//     under the uniform measure is exact: the total variance V is Σ vol·(v − μ)² over leaves, and the main
//     effect of parameter i is the variance over xᵢ of the tree's average over all other parameters,
//     Vᵢ = ∫ (f̄ᵢ(xᵢ) − μ)² dxᵢ, computed interval by interval between the tree's split points on i.
//  4. A parameter's importance is Vᵢ / V averaged over the trees: the share of the objective's variance
//     that the parameter's main effect explains (first-order Sobol index of the surrogate), in [0, 1].
// Assumptions and limits: main effects only (shares of interactions are not reported, so the shares sum
// to ≤ 1); the uniform measure over the search space is what quasi-random search samples, so it matches
// the study; categories are treated as ordered bands (a tree can only split them in that order); with few
// trials a tree also fits noise, which inflates unimportant parameters a little. Pure: no DOM, no tfjs.

import { pairAxes, type PairAxis } from '../math/param-axes';
import { Random } from '../math/random';
import type { ParamValue } from '../math/search-space';
import type { Study } from '../study/study';
import { trialValue, type ObjectiveChoice } from './objective';

export interface ParamImportance {
	name: string;
	/** Share of the objective's variance explained by this parameter's main effect, 0..1. */
	importance: number;
}

export interface ForestOptions {
	/** Number of trees (default 32). */
	trees?: number;
	/** Smallest number of (bootstrap) samples in a leaf (default 2). */
	minLeaf?: number;
	/** Deepest split level (default 16). */
	maxDepth?: number;
	/** Seeds the bootstrap resamples (default 1). */
	seed?: number;
}

/** Fewer usable trials than this and no surrogate is fitted: every importance is 0. */
export const MIN_TRIALS_FOR_IMPORTANCE = 4;

/** Where the "inactive" band of a conditional parameter starts on its unit axis. */
const INACTIVE_FROM = 0.8;

function valueKey(value: ParamValue): string {
	return `${typeof value}:${String(value)}`;
}

/**
 * A value's coordinate in [0, 1] on its parameter's axis (see header, step 1); undefined when the value
 * is not on the axis (out of a log range's domain, or an unknown category).
 */
export function unitCoordinate(axis: PairAxis, value: ParamValue): number | undefined {
	if (axis.kind === 'band') {
		const k = axis.values.findIndex((v) => valueKey(v) === valueKey(value));
		return k < 0 ? undefined : (k + 0.5) / axis.values.length;
	}
	if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
	if (axis.max === axis.min) return 0.5;
	if (axis.kind === 'log') {
		if (value <= 0) return undefined;
		return clamp01((Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min)));
	}
	return clamp01((value - axis.min) / (axis.max - axis.min));
}

function clamp01(u: number): number {
	return Math.min(1, Math.max(0, u));
}

/** A leaf of a fitted tree: a box [lo, hi) of the unit cube and the mean objective of its samples. */
export interface Leaf {
	lo: Float64Array;
	hi: Float64Array;
	value: number;
}

/**
 * Fits one regression tree by exhaustive variance-reduction splits (CART) on the rows `rows` of `xs`
 * (each row a point of the unit cube) with targets `ys`, and returns its leaves.
 */
export function fitTree(
	xs: readonly Float64Array[],
	ys: readonly number[],
	rows: readonly number[],
	options: { minLeaf: number; maxDepth: number }
): Leaf[] {
	const d = xs[0]?.length ?? 0;
	const leaves: Leaf[] = [];
	const grow = (node: number[], lo: Float64Array, hi: Float64Array, depth: number) => {
		let sum = 0;
		let sumSq = 0;
		for (const r of node) {
			sum += ys[r]!;
			sumSq += ys[r]! * ys[r]!;
		}
		const n = node.length;
		const mean = sum / n;
		const sse = sumSq - sum * mean;
		// Relative tolerance: a node whose targets agree to float precision has nothing left to explain.
		const flat = sse <= 1e-12 * Math.max(1, sumSq);
		if (flat || depth >= options.maxDepth || n < 2 * options.minLeaf) {
			leaves.push({ lo, hi, value: mean });
			return;
		}
		let bestGain = 0;
		let bestDim = -1;
		let bestCut = 0;
		for (let j = 0; j < d; j++) {
			const sorted = [...node].sort((a, b) => xs[a]![j]! - xs[b]![j]!);
			let leftSum = 0;
			let leftSq = 0;
			for (let k = 0; k < n - 1; k++) {
				const y = ys[sorted[k]!]!;
				leftSum += y;
				leftSq += y * y;
				const left = k + 1;
				const right = n - left;
				if (left < options.minLeaf || right < options.minLeaf) continue;
				const here = xs[sorted[k]!]![j]!;
				const next = xs[sorted[k + 1]!]![j]!;
				if (next <= here) continue; // equal coordinates cannot be separated
				const rightSum = sum - leftSum;
				const rightSq = sumSq - leftSq;
				const childSse = leftSq - (leftSum * leftSum) / left + rightSq - (rightSum * rightSum) / right;
				const gain = sse - childSse;
				if (gain > bestGain + 1e-12 * Math.max(1, sumSq)) {
					bestGain = gain;
					bestDim = j;
					bestCut = (here + next) / 2;
				}
			}
		}
		if (bestDim < 0) {
			leaves.push({ lo, hi, value: mean });
			return;
		}
		const leftRows = node.filter((r) => xs[r]![bestDim]! < bestCut);
		const rightRows = node.filter((r) => xs[r]![bestDim]! >= bestCut);
		const leftHi = hi.slice();
		leftHi[bestDim] = bestCut;
		const rightLo = lo.slice();
		rightLo[bestDim] = bestCut;
		grow(leftRows, lo, leftHi, depth + 1);
		grow(rightRows, rightLo, hi, depth + 1);
	};
	grow([...rows], new Float64Array(d).fill(0), new Float64Array(d).fill(1), 0);
	return leaves;
}

/**
 * Exact fANOVA of one piecewise-constant tree under the uniform measure on [0, 1]^d: the total variance
 * and, per dimension, the variance of its main effect (see header, step 3).
 */
export function treeVariances(leaves: readonly Leaf[], d: number): { total: number; main: number[] } {
	const volumes = leaves.map((leaf) => {
		let v = 1;
		for (let j = 0; j < d; j++) v *= leaf.hi[j]! - leaf.lo[j]!;
		return v;
	});
	let mean = 0;
	leaves.forEach((leaf, k) => (mean += volumes[k]! * leaf.value));
	let total = 0;
	leaves.forEach((leaf, k) => (total += volumes[k]! * (leaf.value - mean) ** 2));
	const main: number[] = [];
	for (let i = 0; i < d; i++) {
		const cuts = new Set<number>([0, 1]);
		for (const leaf of leaves) {
			cuts.add(leaf.lo[i]!);
			cuts.add(leaf.hi[i]!);
		}
		const edges = [...cuts].sort((a, b) => a - b);
		let variance = 0;
		for (let e = 0; e + 1 < edges.length; e++) {
			const a = edges[e]!;
			const b = edges[e + 1]!;
			const mid = (a + b) / 2;
			// Average of the tree over all other dimensions with xᵢ fixed inside (a, b).
			let marginal = 0;
			leaves.forEach((leaf, k) => {
				if (leaf.lo[i]! <= mid && mid < leaf.hi[i]!) {
					marginal += (leaf.value * volumes[k]!) / (leaf.hi[i]! - leaf.lo[i]!);
				}
			});
			variance += (b - a) * (marginal - mean) ** 2;
		}
		main.push(variance);
	}
	return { total, main };
}

/**
 * Main-effect shares (Vᵢ / V averaged over the forest's trees) of a regression problem already in the
 * unit cube: `xs` rows of d coordinates, `ys` targets. Trees with no variance (a constant fit) are skipped.
 */
export function forestImportance(
	xs: readonly Float64Array[],
	ys: readonly number[],
	options: ForestOptions = {}
): number[] {
	const d = xs[0]?.length ?? 0;
	const shares = new Array<number>(d).fill(0);
	const n = xs.length;
	if (n < MIN_TRIALS_FOR_IMPORTANCE || d === 0) return shares;
	const random = new Random(options.seed ?? 1);
	const trees = options.trees ?? 32;
	const treeOptions = { minLeaf: options.minLeaf ?? 2, maxDepth: options.maxDepth ?? 16 };
	let counted = 0;
	for (let t = 0; t < trees; t++) {
		const rows = Array.from({ length: n }, () => random.int(n));
		const { total, main } = treeVariances(fitTree(xs, ys, rows, treeOptions), d);
		if (!(total > 0)) continue;
		counted += 1;
		main.forEach((v, i) => (shares[i]! += Math.min(1, v / total)));
	}
	return counted === 0 ? shares : shares.map((s) => s / counted);
}

/**
 * Importance of every searched parameter (one entry per distinct name) for the objective `choice`,
 * sorted by importance, largest first (ties by name). Called by the analysis worker.
 */
export function computeImportance(
	study: Study,
	choice: ObjectiveChoice,
	options: ForestOptions = {}
): ParamImportance[] {
	const axes = pairAxes(study.params);
	const xs: Float64Array[] = [];
	const ys: number[] = [];
	const sometimesInactive = new Set<string>();
	// Only finished trials are evidence, as in every other plot: a running, cancelled or failed trial's
	// value is a loss mid-run, not the study's fixed budget. Infeasible trials have no value to explain.
	const usable = study.trials.filter(
		(trial) => trial.status === 'completed' && trialValue(trial, choice) !== null
	);
	for (const trial of usable) {
		for (const axis of axes) if (trial.params[axis.name] === undefined) sometimesInactive.add(axis.name);
	}
	for (const trial of usable) {
		const row = new Float64Array(axes.length);
		let ok = true;
		axes.forEach((axis, j) => {
			const value = trial.params[axis.name];
			if (value === undefined) {
				row[j] = (INACTIVE_FROM + 1) / 2;
				return;
			}
			const u = unitCoordinate(axis, value);
			if (u === undefined) ok = false;
			else row[j] = sometimesInactive.has(axis.name) ? u * INACTIVE_FROM : u;
		});
		if (!ok) continue;
		xs.push(row);
		ys.push(trialValue(trial, choice)!.value);
	}
	const shares = forestImportance(xs, ys, options);
	// With no usable trial the forest sees no columns at all: every parameter then explains nothing.
	return axes
		.map((axis, j) => ({ name: axis.name, importance: shares[j] ?? 0 }))
		.sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
}
