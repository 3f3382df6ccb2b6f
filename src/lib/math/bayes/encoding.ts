// How the Gaussian process sees a search space. Every parameter definition (a name defined twice under
// exclusive conditions is two definitions) owns one "slot" in [0, 1) for proposing points, and one group
// of feature columns for the kernel:
//  - float and int: one column, the value's position on the unit interval of its own scale (linear or
//    log). Ints are positioned at the centre of their bin, as valueFromUnit maps them, so a suggestion is
//    rounded to the integer grid before the model ever sees it;
//  - discrete: one ordinal column, the centre of the value's bin in list order;
//  - categorical and bool: one-hot columns scaled by 1/√2, so two different values are at squared distance
//    1 and every pair of values is equally far apart (an exchangeable kernel on the choices).
// A conditional parameter that is inactive in a sample reads 0.5 on its ordinal column, or lights an extra
// "inactive" one-hot column. Each definition has its own kernel length scale.
import { valueFromUnit } from '../sampler';
import type { ParamSpec, ParamValue, Sample, SearchSpace } from '../search-space';

export interface FeatureGroup {
	spec: ParamSpec;
	/** First column of this definition's features. */
	offset: number;
	/** How many columns: 1 for ordinal definitions, one per value (+1 if conditional) for one-hot ones. */
	width: number;
	oneHot: boolean;
}

export interface FeatureLayout {
	space: SearchSpace;
	groups: FeatureGroup[];
	/** Total columns. */
	columns: number;
}

const ONE_HOT_LEVEL = Math.SQRT1_2;
const INACTIVE_POSITION = 0.5;

function choicesOf(spec: ParamSpec): ParamValue[] | null {
	if (spec.type === 'bool') return [false, true];
	if (spec.type === 'categorical') return spec.values;
	return null;
}

export function featureLayout(space: SearchSpace): FeatureLayout {
	const groups: FeatureGroup[] = [];
	let columns = 0;
	for (const spec of space.params) {
		const choices = choicesOf(spec);
		const width = choices === null ? 1 : choices.length + (spec.when === undefined ? 0 : 1);
		groups.push({ spec, offset: columns, width, oneHot: choices !== null });
		columns += width;
	}
	return { space, groups, columns };
}

function conditionsHold(spec: ParamSpec, sample: Sample): boolean {
	if (spec.when === undefined) return true;
	for (const [parent, allowed] of Object.entries(spec.when)) {
		if (!(parent in sample) || !allowed.includes(sample[parent]!)) return false;
	}
	return true;
}

/** Inverse of the linear/log spread of valueFromUnit: where x sits on [lo, hi] in the scale's units. */
function unitOnScale(x: number, lo: number, hi: number, scale: 'linear' | 'log'): number {
	if (scale === 'linear') return (x - lo) / (hi - lo);
	return (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
}

/** The ordinal position in [0, 1] of an active value of a float, int or discrete definition. */
export function ordinalPosition(spec: ParamSpec, value: ParamValue): number {
	switch (spec.type) {
		case 'float':
			return unitOnScale(Number(value), spec.min, spec.max, spec.scale);
		case 'int':
			return unitOnScale(Number(value), spec.min - 0.5, spec.max + 0.5, spec.scale);
		case 'discrete': {
			const at = spec.values.indexOf(Number(value));
			return (Math.max(0, at) + 0.5) / spec.values.length;
		}
		default:
			throw new Error(`Parameter '${spec.name}' is not ordinal`);
	}
}

/** Whether definition `spec` is the one that produced `sample[spec.name]` (its conditions hold). */
function activeIn(spec: ParamSpec, sample: Sample): boolean {
	return spec.name in sample && conditionsHold(spec, sample);
}

/** The feature vector of one sample (a trial's params). */
export function encodeSample(layout: FeatureLayout, sample: Sample): Float64Array {
	const x = new Float64Array(layout.columns);
	for (const group of layout.groups) {
		const { spec, offset } = group;
		const active = activeIn(spec, sample);
		if (!group.oneHot) {
			x[offset] = active ? ordinalPosition(spec, sample[spec.name]!) : INACTIVE_POSITION;
			continue;
		}
		const choices = choicesOf(spec)!;
		const at = active ? choices.indexOf(sample[spec.name]!) : -1;
		// An unknown value (or an inactive definition) lights the extra column when there is one.
		x[offset + (at >= 0 ? at : Math.min(group.width - 1, choices.length))] = ONE_HOT_LEVEL;
	}
	return x;
}

/**
 * The sample that the unit point `u` (one coordinate per definition) stands for: each definition whose
 * conditions hold, settled parents first, takes valueFromUnit of its coordinate.
 */
export function sampleFromSlots(space: SearchSpace, u: ArrayLike<number>): Sample {
	const sample: Sample = {};
	const decided = new Array<boolean>(space.params.length).fill(false);
	const settledName = (name: string): boolean =>
		space.params.every((spec, i) => spec.name !== name || decided[i]);
	for (let progressed = true; progressed;) {
		progressed = false;
		space.params.forEach((spec, i) => {
			if (decided[i]) return;
			if (!Object.keys(spec.when ?? {}).every(settledName)) return;
			decided[i] = true;
			progressed = true;
			if (conditionsHold(spec, sample)) sample[spec.name] = valueFromUnit(spec, u[i]!);
		});
	}
	const ordered: Sample = {};
	for (const spec of space.params)
		if (spec.name in sample && !(spec.name in ordered)) ordered[spec.name] = sample[spec.name]!;
	return ordered;
}
