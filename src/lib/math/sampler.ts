// Turns a search space into trials: quasi-random (scrambled Halton), pseudo-random, or a small grid.
//
// Quasi-random and random trials are pure functions of (space, seed, trial index): trial i never depends on
// how many trials were drawn before it in this call, so a study resumed at trial k (`start: k`) continues
// exactly where a full run would have been.
//
// How a trial is built:
//  1. Scientific categoricals (role 'scientific' on a categorical, bool or discrete parameter whose
//     conditions mention only other such parameters) are not sampled but stratified: the trial index
//     walks through their value combinations in a fixed balanced order, so after any number of trials each
//     value has an equal share (±1). The trial's rank inside its combination ("branch") is what the next
//     level sees, so nested scientific parameters are balanced inside each branch too.
//  2. Every other parameter that can be active in the branch gets one coordinate of that branch's own
//     scrambled Halton sequence, indexed by the rank: the points each branch receives are themselves a
//     low-discrepancy set over the branch's dimensions. Definitions that share a name (the same name under
//     different, mutually exclusive conditions) share one coordinate.
//  3. Parameters are then settled parents-first: one whose conditions fail is left out of the sample.
// Nuisance categoricals are ordinary Halton coordinates; a scientific categorical whose condition names a
// nuisance parameter cannot be balanced ahead of time and is sampled as an ordinary coordinate too.

import { haltonPoint } from './halton';
import { permutation, Random, streamSeed } from './random';
import type { ParamSpec, ParamValue, Sample, SamplerAlgorithm, SearchSpace } from './search-space';

export interface SampleTrialsOptions {
	algorithm: SamplerAlgorithm;
	/** Required: the same seed always gives the same trials. Grid search ignores it. */
	seed: number;
	/** Number of trials to return. */
	count: number;
	/** Index of the first trial returned (default 0): resume a study at trial `start`. */
	start?: number;
	/**
	 * Grid only: the study's whole trial budget, which sets the grid's resolution (default `start + count`,
	 * so a resumed call passing the remaining count sees the same grid as the full run did).
	 */
	total?: number;
}

type FiniteSpec = Extract<ParamSpec, { type: 'categorical' | 'discrete' | 'bool' }>;

function isEnumerated(spec: ParamSpec): spec is FiniteSpec {
	return spec.type === 'categorical' || spec.type === 'discrete' || spec.type === 'bool';
}

/** The values of a categorical, discrete or bool parameter, in the order that unit-cube bins map to. */
function finiteValues(spec: FiniteSpec): ParamValue[] {
	return spec.type === 'bool' ? [false, true] : spec.values;
}

/**
 * Maps u ∈ [0, 1) to a value of `spec` (docs/engineering-notes.md §3, as Vizier's converter does):
 *  - float: `lo + u(hi − lo)`, or `exp(ln lo + u(ln hi − ln lo))` on a log scale;
 *  - int: the same on bounds widened by half a step, then rounded, so every integer owns a bin of equal
 *    width in the scale's own units (linear: equal shares; log: shares shrinking like the log scale);
 *  - discrete, categorical: `values[floor(u·n)]`; bool: the categorical [false, true].
 */
export function valueFromUnit(spec: ParamSpec, u: number): ParamValue {
	switch (spec.type) {
		case 'float':
			return clamp(spread(spec.min, spec.max, spec.scale, u), spec.min, spec.max);
		case 'int':
			return clamp(Math.round(spread(spec.min - 0.5, spec.max + 0.5, spec.scale, u)), spec.min, spec.max);
		default: {
			const values = finiteValues(spec);
			return values[Math.min(values.length - 1, Math.floor(u * values.length))]!;
		}
	}
}

function spread(lo: number, hi: number, scale: 'linear' | 'log', u: number): number {
	if (scale === 'linear') return lo + u * (hi - lo);
	const logLo = Math.log(lo);
	return Math.exp(logLo + u * (Math.log(hi) - logLo));
}

function clamp(x: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, x));
}

function conditionsHold(spec: ParamSpec, sample: Sample): boolean {
	if (spec.when === undefined) return true;
	for (const [parent, allowed] of Object.entries(spec.when)) {
		if (!(parent in sample) || !allowed.includes(sample[parent]!)) return false;
	}
	return true;
}

function parentsOf(spec: ParamSpec): string[] {
	return spec.when === undefined ? [] : Object.keys(spec.when);
}

/** The parameters of `space` whose conditions hold given the values already in `partial`, in space order. */
export function activeParams(space: SearchSpace, partial: Sample): ParamSpec[] {
	return space.params.filter((spec) => conditionsHold(spec, partial));
}

function quote(value: ParamValue): string {
	return typeof value === 'string' ? `'${value}'` : String(value);
}

function couldTake(spec: ParamSpec, value: ParamValue): boolean {
	if (spec.type === 'int') {
		return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max;
	}
	return spec.type !== 'float' && finiteValues(spec).includes(value);
}

/** True when some parent is named by both conditions with no value in common, so both cannot hold at once. */
function mutuallyExclusive(a: ParamSpec, b: ParamSpec): boolean {
	if (a.when === undefined || b.when === undefined) return false;
	for (const [parent, values] of Object.entries(a.when)) {
		const other = b.when[parent];
		if (other !== undefined && !values.some((v) => other.includes(v))) return true;
	}
	return false;
}

function groupByName(space: SearchSpace): Map<string, ParamSpec[]> {
	const byName = new Map<string, ParamSpec[]>();
	for (const spec of space.params) {
		const group = byName.get(spec.name);
		if (group === undefined) byName.set(spec.name, [spec]);
		else group.push(spec);
	}
	return byName;
}

/**
 * Problems that stop `space` from being sampled, one message per problem, each naming the parameter:
 * bounds (min ≥ max, a log scale reaching 0 or below, non-integer int bounds), empty or repeated value
 * lists, conditions naming an unknown parent, a value the parent cannot take or a continuous parent,
 * conditions that form a cycle, and one name defined twice under conditions that can hold together.
 * An empty list means the space is fine.
 */
export function validateSpaceForSampling(space: SearchSpace): string[] {
	const messages: string[] = [];
	const byName = groupByName(space);

	for (const spec of space.params) {
		const label = `Parameter '${spec.name}'`;
		if (spec.name === '') messages.push('A parameter has an empty name');
		if (spec.type === 'float' || spec.type === 'int') {
			if (!Number.isFinite(spec.min) || !Number.isFinite(spec.max)) {
				messages.push(`${label}: bounds must be finite numbers, got min ${spec.min} and max ${spec.max}`);
			} else if (spec.min >= spec.max) {
				messages.push(`${label}: min (${spec.min}) must be less than max (${spec.max})`);
			}
			if (spec.scale === 'log' && !(spec.min > 0)) {
				messages.push(`${label}: a log scale needs min > 0, got ${spec.min}`);
			}
			if (spec.type === 'int' && !(Number.isInteger(spec.min) && Number.isInteger(spec.max))) {
				messages.push(`${label}: an int parameter needs integer bounds, got ${spec.min} and ${spec.max}`);
			}
		} else if (spec.type !== 'bool') {
			if (spec.values.length === 0) messages.push(`${label}: the list of values is empty`);
			const seen = new Set<ParamValue>();
			for (const value of spec.values) {
				if (seen.has(value)) messages.push(`${label}: value ${quote(value)} is listed more than once`);
				seen.add(value);
				if (spec.type === 'discrete' && !Number.isFinite(value)) {
					messages.push(`${label}: discrete values must be finite numbers, got ${value}`);
				}
			}
		}

		for (const [parent, allowed] of Object.entries(spec.when ?? {})) {
			const parents = byName.get(parent);
			if (parent === spec.name) continue; // reported as a cycle below
			if (parents === undefined) {
				messages.push(`${label}: its condition names '${parent}', which is not a parameter of this space`);
				continue;
			}
			if (allowed.length === 0) {
				messages.push(`${label}: its condition on '${parent}' lists no values, so it is never active`);
			}
			if (parents.some((p) => p.type === 'float')) {
				messages.push(
					`${label}: its condition names '${parent}', a float; conditions need a categorical, bool, ` +
						'discrete or int parent'
				);
				continue;
			}
			for (const value of allowed) {
				if (!parents.some((p) => couldTake(p, value))) {
					messages.push(
						`${label}: its condition expects '${parent}' = ${quote(value)}, a value it cannot take`
					);
				}
			}
		}
	}

	for (const [name, group] of byName) {
		for (let i = 0; i < group.length; i++) {
			for (let j = i + 1; j < group.length; j++) {
				if (!mutuallyExclusive(group[i]!, group[j]!)) {
					// 1-based positions in the parameter list, so the two definitions can be told apart.
					const first = space.params.indexOf(group[i]!) + 1;
					const second = space.params.indexOf(group[j]!) + 1;
					messages.push(
						`Parameter '${name}' is defined more than once (parameters #${first} and #${second}) with ` +
							'conditions that can hold together; give each definition a condition on a shared parent ' +
							'with values the others do not list'
					);
				}
			}
		}
	}

	messages.push(...conditionCycles(byName));
	return messages;
}

/** One message per cycle in the "child → parents" graph of names, e.g. "a → b → a". */
function conditionCycles(byName: Map<string, ParamSpec[]>): string[] {
	const parentNames = (name: string): string[] => [
		...new Set((byName.get(name) ?? []).flatMap((spec) => parentsOf(spec)))
	];
	const state = new Map<string, 'open' | 'done'>();
	const path: string[] = [];
	const cycles: string[] = [];
	const visit = (name: string): void => {
		state.set(name, 'open');
		path.push(name);
		for (const parent of parentNames(name)) {
			if (!byName.has(parent)) continue;
			const seen = state.get(parent);
			if (seen === 'open') {
				const loop = [...path.slice(path.indexOf(parent)), parent].map((n) => `'${n}'`).join(' → ');
				cycles.push(`Parameter '${parent}': its conditions form a cycle (${loop})`);
			} else if (seen === undefined) {
				visit(parent);
			}
		}
		path.pop();
		state.set(name, 'done');
	};
	for (const name of byName.keys()) if (!state.has(name)) visit(name);
	return cycles;
}

/**
 * Names that are stratified rather than sampled: every definition is a scientific categorical, bool or
 * discrete parameter whose condition parents are themselves stratified.
 */
function stratifiedNames(byName: Map<string, ParamSpec[]>): Set<string> {
	const names = new Set<string>();
	for (const [name, group] of byName) {
		if (group.every((spec) => spec.role === 'scientific' && isEnumerated(spec))) names.add(name);
	}
	let changed = true;
	while (changed) {
		changed = false;
		for (const name of names) {
			if (byName.get(name)!.some((spec) => parentsOf(spec).some((parent) => !names.has(parent)))) {
				names.delete(name);
				changed = true;
			}
		}
	}
	return names;
}

function greatestCommonDivisor(a: number, b: number): number {
	while (b !== 0) [a, b] = [b, a % b];
	return a;
}

/**
 * Cell `k` (0 ≤ k < Π sizes) of an order of the product of factors in which every factor alone is
 * balanced on every prefix (each value within one of every other value's count), and the order repeats
 * with period Π sizes. Built one factor at a time: with P cells so far, cell k pairs cell (k mod P) of the
 * earlier order with value (k + ⌊k / lcm(P, n)⌋) mod n of the new factor. Both parts advance by one per
 * step, which keeps each balanced; the shift after every lcm(P, n) steps moves to the next residue class
 * mod gcd(P, n), so all P·n pairs appear once per period.
 */
export function balancedCell(k: number, sizes: readonly number[]): number[] {
	const digits: number[] = [];
	let cells = 1;
	for (const n of sizes) cells *= n;
	if (!Number.isInteger(k) || k < 0)
		throw new RangeError(`Cell index must be a non-negative integer, got ${k}`);
	let index = cells === 0 ? 0 : k % cells;
	// Unwind from the last factor: each step recovers the new factor's digit and the earlier order's index.
	let product = cells;
	for (let f = sizes.length - 1; f >= 0; f--) {
		const n = sizes[f]!;
		product /= n;
		const period = (product / greatestCommonDivisor(product, n)) * n;
		digits[f] = (index + Math.floor(index / period)) % n;
		index %= product;
	}
	return digits;
}

interface Plan {
	space: SearchSpace;
	byName: Map<string, ParamSpec[]>;
	stratified: Set<string>;
	/** Names in order of first appearance, for ordering the keys of each sample. */
	names: string[];
}

function makePlan(space: SearchSpace): Plan {
	const byName = groupByName(space);
	return { space, byName, stratified: stratifiedNames(byName), names: [...byName.keys()] };
}

function sampleOne(plan: Plan, algorithm: 'quasi-random' | 'random', seed: number, trial: number): Sample {
	const { space, byName, stratified } = plan;
	const sample: Sample = {};
	const decided = new Set<ParamSpec>();
	const settled = (name: string): boolean => byName.get(name)!.every((spec) => decided.has(spec));
	let rank = trial;
	let branch = '';

	// 1. Stratify scientific categoricals, one level of the condition tree at a time.
	for (;;) {
		const pending = space.params.filter((spec) => stratified.has(spec.name) && !decided.has(spec));
		if (pending.length === 0) break;
		const ready = pending.filter((spec) => parentsOf(spec).every(settled));
		if (ready.length === 0) throw new Error('Search space conditions form a cycle');
		const level: FiniteSpec[] = [];
		for (const spec of ready) {
			decided.add(spec);
			if (conditionsHold(spec, sample)) level.push(spec as FiniteSpec);
		}
		if (level.length === 0) continue;
		const sizes = level.map((spec) => finiteValues(spec).length);
		const cells = sizes.reduce((a, b) => a * b, 1);
		const digits = balancedCell(rank, sizes);
		for (const [f, spec] of level.entries()) {
			// A seeded relabelling of the values, so trial 0 does not always get each list's first value.
			const values = finiteValues(spec);
			const order = permutation(values.length, new Random(streamSeed(seed, `strata|${branch}|${spec.name}`)));
			sample[spec.name] = values[order[digits[f]!]!]!;
		}
		rank = Math.floor(rank / cells);
		branch += JSON.stringify(level.map((spec) => [spec.name, sample[spec.name]!]));
	}

	// 2. The branch's coordinates: one per name that can still become active here.
	const possible = new Set<ParamSpec>();
	const reachable = (name: string): boolean =>
		stratified.has(name) ? name in sample : byName.get(name)!.some((spec) => possible.has(spec));
	for (let grown = true; grown;) {
		grown = false;
		for (const spec of space.params) {
			if (decided.has(spec) || possible.has(spec)) continue;
			const ok = Object.entries(spec.when ?? {}).every(
				([parent, allowed]) =>
					reachable(parent) && (!stratified.has(parent) || allowed.includes(sample[parent]!))
			);
			if (ok) {
				possible.add(spec);
				grown = true;
			}
		}
	}
	const slots = new Map<string, number>();
	for (const spec of space.params)
		if (possible.has(spec) && !slots.has(spec.name)) slots.set(spec.name, slots.size);
	let unit: number[];
	if (algorithm === 'quasi-random') {
		unit = slots.size === 0 ? [] : haltonPoint(streamSeed(seed, `quasi-random|${branch}`), slots.size, rank);
	} else {
		const random = new Random(streamSeed(seed, `trial-${trial}`));
		unit = Array.from({ length: slots.size }, () => random.next());
	}

	// 3. Settle the rest parents-first; a definition that cannot be active here is settled as absent.
	for (const spec of space.params) if (!possible.has(spec)) decided.add(spec);
	for (let progressed = true; progressed;) {
		progressed = false;
		for (const spec of space.params) {
			if (decided.has(spec) || !parentsOf(spec).every(settled)) continue;
			decided.add(spec);
			progressed = true;
			if (conditionsHold(spec, sample)) sample[spec.name] = valueFromUnit(spec, unit[slots.get(spec.name)!]!);
		}
	}
	if (decided.size < space.params.length) throw new Error('Search space conditions form a cycle');

	const ordered: Sample = {};
	for (const name of plan.names) if (name in sample) ordered[name] = sample[name]!;
	return ordered;
}

/** Largest a·b ≤ budget with a ≤ capA, b ≤ capB and the two sides as even as the caps allow. */
function gridSides(budget: number, capA: number, capB: number): [number, number] {
	let a = Math.max(1, Math.min(capA, Math.floor(Math.sqrt(budget))));
	const b = Math.max(1, Math.min(capB, Math.floor(budget / a)));
	a = Math.max(1, Math.min(capA, Math.floor(budget / b)));
	return [a, b];
}

/** `m` values of a float or int axis at the centres of m equal bins of the unit interval (log-spaced on a log scale). */
function axisValues(spec: ParamSpec, m: number): ParamValue[] {
	const values: ParamValue[] = [];
	for (let k = 0; k < m; k++) {
		const value = valueFromUnit(spec, (k + 0.5) / m);
		if (!values.includes(value)) values.push(value);
	}
	return values;
}

function gridTrials(space: SearchSpace, start: number, count: number, total: number): Sample[] {
	const specs = space.params;
	if (specs.length > 2) {
		throw new Error(
			`Grid search is limited to 2 parameters, and this space has ${specs.length} ` +
				`(${specs.map((s) => s.name).join(', ')}). The tuning playbook advises against grid search beyond ` +
				"two dimensions (Bergstra & Bengio 2012): use 'quasi-random' instead."
		);
	}
	const conditional = specs.find((spec) => spec.when !== undefined);
	if (conditional !== undefined) {
		throw new Error(
			`Grid search does not support conditional parameters ('${conditional.name}' has a condition): ` +
				"use 'quasi-random' instead."
		);
	}
	if (!Number.isInteger(total) || total < 1)
		throw new RangeError(`Grid total must be a positive integer, got ${total}`);

	const cells = specs.filter(isEnumerated).reduce((product, spec) => product * finiteValues(spec).length, 1);
	const budget = Math.floor(total / cells);
	if (budget < 1) {
		throw new Error(
			`Grid search over these values needs at least ${cells} trials, but the budget is ${total}`
		);
	}
	const capacity = (spec: ParamSpec): number => (spec.type === 'int' ? spec.max - spec.min + 1 : Infinity);
	const ranged = specs.filter((spec) => !isEnumerated(spec));
	const sides =
		ranged.length === 2
			? gridSides(budget, capacity(ranged[0]!), capacity(ranged[1]!))
			: ranged.map((spec) => Math.min(budget, capacity(spec)));
	const axes = specs.map((spec) =>
		isEnumerated(spec) ? finiteValues(spec) : axisValues(spec, sides[ranged.indexOf(spec)]!)
	);

	const size = axes.reduce((product, axis) => product * axis.length, 1);
	const trials: Sample[] = [];
	for (let i = start; i < Math.min(start + count, size); i++) {
		// Row-major: the last parameter varies fastest.
		const sample: Sample = {};
		let rest = i;
		for (let a = axes.length - 1; a >= 0; a--) {
			const axis = axes[a]!;
			sample[specs[a]!.name] = axis[rest % axis.length]!;
			rest = Math.floor(rest / axis.length);
		}
		const ordered: Sample = {};
		for (const spec of specs) ordered[spec.name] = sample[spec.name]!;
		trials.push(ordered);
	}
	return trials;
}

/**
 * Trials `start … start+count−1` of the study defined by `space`, `seed` and `algorithm`. Each sample holds
 * only the parameters active for that trial. Throws an Error listing the problems when the space is invalid
 * (see `validateSpaceForSampling`), and for grid search over more than two parameters.
 *
 * Grid search returns the points of one fixed grid sized for `total` trials (floats and ints split the
 * budget left per categorical combination as evenly as possible, e.g. 8 × 8 for 64; categoricals list
 * every value), so it may return fewer than `count` trials when the budget does not factor exactly.
 */
export function sampleTrials(space: SearchSpace, options: SampleTrialsOptions): Sample[] {
	const { algorithm, seed, count } = options;
	const start = options.start ?? 0;
	if (!Number.isSafeInteger(count) || count < 0) {
		throw new RangeError(`Trial count must be a non-negative integer, got ${count}`);
	}
	if (!Number.isSafeInteger(start) || start < 0) {
		throw new RangeError(`First trial index must be a non-negative integer, got ${start}`);
	}
	if (!Number.isFinite(seed)) throw new RangeError(`Sampler seed must be a finite number, got ${seed}`);
	const problems = validateSpaceForSampling(space);
	if (problems.length > 0) throw new Error(`The search space cannot be sampled:\n- ${problems.join('\n- ')}`);

	if (algorithm === 'grid') return gridTrials(space, start, count, options.total ?? start + count);
	if (algorithm !== 'quasi-random' && algorithm !== 'random' && algorithm !== 'bayesian') {
		throw new Error(
			`Unknown sampler algorithm '${String(algorithm)}': use quasi-random, random, grid or bayesian`
		);
	}
	const plan = makePlan(space);
	const trials: Sample[] = [];
	// A bayesian study's initial design is the quasi-random sequence of the same seed.
	const drawn = algorithm === 'bayesian' ? 'quasi-random' : algorithm;
	for (let i = start; i < start + count; i++) trials.push(sampleOne(plan, drawn, seed, i));
	return trials;
}
