// The Bayesian optimiser's suggestions for the next trials of a study, as a pure function:
//
//   same space, seed, trial index, goal and ordered history (finished trials with their values or
//   infeasibility, plus the trials still pending) → the same suggestions.
//
// Steps: encode every finished trial (encoding.ts); standardise the feasible values (negated when the goal
// is to maximise, so the model always minimises); fit the GP's hyperparameters (gp.ts) and the feasibility
// classifier (feasibility.ts); then for each of the `count` suggestions maximise EI × P(feasible) over
// scrambled-Halton candidates in the slot cube followed by a local search around the best of them, and add
// the winner to the regression data with a "constant liar" value equal to the best feasible value so far
// (Ginsbourger, Le Riche & Carraro 2010), which pushes the next suggestion of the batch elsewhere. Trials
// still running enter the same way, so parallel workers do not pile onto one point.
import { haltonPoint } from '../halton';
import { Random, streamSeed } from '../random';
import type { Sample, SearchSpace } from '../search-space';
import { constrainedAcquisition } from './acquisition';
import { encodeSample, featureLayout, sampleFromSlots, type FeatureLayout } from './encoding';
import { feasibilityProbability, fitFeasibility, type FeasibilityModel } from './feasibility';
import { fitHyperparameters, posterior, predict, type GpHyperparameters, type GpPosterior } from './gp';

/** One finished trial: its params and objective value, or null when it was infeasible. */
export interface Observation {
	params: Sample;
	value: number | null;
}

export interface SuggestRequest {
	space: SearchSpace;
	/** The study's search seed. */
	seed: number;
	/** Index of the first trial being suggested (each suggestion's randomness derives from its index). */
	index: number;
	count: number;
	goal: 'minimize' | 'maximize';
	/** Finished trials in index order. */
	history: readonly Observation[];
	/** Trials queued or running, in index order: their params enter as constant liars. */
	pending?: readonly Sample[];
	/** Acquisition search effort (defaults suit a worker call of well under a second). */
	candidates?: number;
	fitIterations?: number;
}

export interface Suggestion {
	params: Sample;
	/** The acquisition value, EI × P(feasible), in standardised units (for display). */
	acquisition: number;
	/** The model's predicted value (in the objective's own units) and P(feasible) at the suggestion. */
	predictedValue: number | null;
	feasibility: number;
}

/** Distance below which two encoded points count as the same trial (int and categorical spaces repeat). */
const SAME_POINT = 1e-9;

interface Model {
	layout: FeatureLayout;
	gp: GpPosterior | null;
	hyper: GpHyperparameters | null;
	feasibility: FeasibilityModel | null;
	/** Best standardised feasible value (the EI incumbent), or null before any. */
	best: number | null;
	mean: number;
	scale: number;
	sign: number;
	/** Points the regression GP holds (feasible trials, then liars), and their standardised values. */
	points: Float64Array[];
	values: number[];
	/** Every point already tried or pending, to avoid suggesting a duplicate. */
	taken: Float64Array[];
}

function distanceSquared(a: Float64Array, b: Float64Array): number {
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
	return sum;
}

function buildModel(request: SuggestRequest): Model {
	const layout = featureLayout(request.space);
	const sign = request.goal === 'maximize' ? -1 : 1;
	const encoded = request.history.map((o) => encodeSample(layout, o.params));
	const feasibleIndex = request.history.flatMap((o, i) =>
		o.value !== null && Number.isFinite(o.value) ? [i] : []
	);
	const raw = feasibleIndex.map((i) => sign * request.history[i]!.value!);
	const mean = raw.length === 0 ? 0 : raw.reduce((s, v) => s + v, 0) / raw.length;
	const variance = raw.length < 2 ? 0 : raw.reduce((s, v) => s + (v - mean) ** 2, 0) / (raw.length - 1);
	const scale = variance > 0 ? Math.sqrt(variance) : 1;
	const values = raw.map((v) => (v - mean) / scale);
	const points = feasibleIndex.map((i) => encoded[i]!);
	const hyper =
		points.length === 0
			? null
			: fitHyperparameters(layout, points, values, { iterations: request.fitIterations });
	const feasibility = fitFeasibility(
		layout,
		encoded,
		request.history.map((o) => o.value !== null && Number.isFinite(o.value))
	);
	const model: Model = {
		layout,
		gp: null,
		hyper,
		feasibility,
		best: values.length === 0 ? null : Math.min(...values),
		mean,
		scale,
		sign,
		points,
		values,
		taken: [...encoded]
	};
	for (const params of request.pending ?? []) addLiar(model, encodeSample(layout, params));
	refresh(model);
	return model;
}

/** Adds a pending point with the constant-liar value (the best feasible value), or just marks it taken. */
function addLiar(model: Model, x: Float64Array): void {
	model.taken.push(x);
	if (model.best === null) return;
	model.points.push(x);
	model.values.push(model.best);
}

function refresh(model: Model): void {
	model.gp = model.hyper === null ? null : posterior(model.layout, model.points, model.values, model.hyper);
}

function score(
	model: Model,
	x: Float64Array
): { acquisition: number; mean: number | null; feasibility: number } {
	const feasibility = feasibilityProbability(model.feasibility, x);
	if (model.gp === null || model.best === null) return { acquisition: feasibility, mean: null, feasibility };
	const { mean, variance } = predict(model.gp, x);
	return {
		acquisition: constrainedAcquisition(mean, Math.sqrt(variance), model.best, feasibility),
		mean,
		feasibility
	};
}

interface Candidate {
	u: Float64Array;
	x: Float64Array;
	params: Sample;
	acquisition: number;
	mean: number | null;
	feasibility: number;
}

function evaluate(model: Model, space: SearchSpace, u: Float64Array): Candidate | null {
	const params = sampleFromSlots(space, u);
	const x = encodeSample(model.layout, params);
	if (model.taken.some((t) => distanceSquared(t, x) < SAME_POINT)) return null;
	return { u, x, params, ...score(model, x) };
}

function better(a: Candidate | null, b: Candidate | null): Candidate | null {
	if (a === null) return b;
	if (b === null) return a;
	return b.acquisition > a.acquisition ? b : a;
}

/** Maximises the acquisition: Halton candidates, then a shrinking random local search from the best few. */
function maximiseAcquisition(model: Model, request: SuggestRequest, index: number): Candidate | null {
	const dims = request.space.params.length;
	const seed = streamSeed(request.seed, `bayesian|${index}`);
	const count = request.candidates ?? Math.min(2000, 300 + 100 * dims);
	const pool: Candidate[] = [];
	for (let i = 0; i < count; i++) {
		const c = evaluate(model, request.space, Float64Array.from(haltonPoint(seed, dims, i)));
		if (c) pool.push(c);
	}
	pool.sort((a, b) => b.acquisition - a.acquisition);
	const random = new Random(streamSeed(seed, 'local'));
	let best: Candidate | null = pool[0] ?? null;
	for (const start of pool.slice(0, 5)) {
		let current = start;
		let step = 0.1;
		for (let it = 0; it < 40 && step > 1e-3; it++) {
			const u = new Float64Array(current.u);
			for (let d = 0; d < dims; d++) u[d] = Math.min(1 - 1e-12, Math.max(0, u[d]! + step * random.normal()));
			const next = evaluate(model, request.space, u);
			if (next && next.acquisition > current.acquisition) {
				current = next;
				step *= 1.5;
			} else step *= 0.8;
		}
		best = better(best, current);
	}
	return best;
}

/**
 * `count` suggestions for trials index, index+1, …, given the finished history and the pending trials
 * (see the comment at the top of this file).
 */
export function suggestTrials(request: SuggestRequest): Suggestion[] {
	if (!Number.isInteger(request.count) || request.count < 0) {
		throw new RangeError(`Suggestion count must be a non-negative integer, got ${request.count}`);
	}
	const model = buildModel(request);
	const out: Suggestion[] = [];
	for (let k = 0; k < request.count; k++) {
		const winner = maximiseAcquisition(model, request, request.index + k);
		if (winner === null) throw new Error('Every point of this search space has been tried already');
		out.push({
			params: winner.params,
			acquisition: winner.acquisition,
			predictedValue: winner.mean === null ? null : model.sign * (winner.mean * model.scale + model.mean),
			feasibility: winner.feasibility
		});
		addLiar(model, winner.x);
		refresh(model);
	}
	return out;
}
