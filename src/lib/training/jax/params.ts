// Named parameters of the compiled engine: the same names, shapes, creation order and initial values
// as the TF.js models (mlp.ts, cnn.ts, transformer.ts), so a checkpoint is a list of named Float32Arrays
// that either engine can load. Initial values come from the same seeded generator in the same order.
import { numpy as np } from '@jax-js/jax';
import { Random } from '$lib/math/random';

/** One parameter: its checkpoint name, shape, and initial value (a constant, or normal with this std). */
export interface ParamSpec {
	name: string;
	shape: number[];
	init: 'zeros' | 'ones' | { std: number };
}

export function sizeOf(shape: number[]): number {
	return shape.reduce((a, b) => a * b, 1);
}

/** Initial values in spec order, drawing normals from one generator seeded with `seed` (as TF.js does). */
export function initialValues(specs: ParamSpec[], seed: number): Float32Array[] {
	const random = new Random(seed);
	return specs.map(({ shape, init }) => {
		const values = new Float32Array(sizeOf(shape));
		if (init === 'ones') values.fill(1);
		else if (init !== 'zeros') for (let i = 0; i < values.length; i++) values[i] = random.normal() * init.std;
		return values;
	});
}

/** Device arrays from host values, checking each against its spec. */
export function toArrays(specs: ParamSpec[], values: Float32Array[]): np.Array[] {
	if (values.length !== specs.length) {
		throw new Error(`got ${values.length} arrays for ${specs.length} parameters`);
	}
	return specs.map((spec, i) => {
		const data = values[i]!;
		if (data.length !== sizeOf(spec.shape)) {
			throw new Error(`${spec.name} has ${data.length} values, expected ${sizeOf(spec.shape)}`);
		}
		// A copy: the device must never alias a caller's buffer (a checkpoint may be reused).
		return np.array(new Float32Array(data)).reshape(spec.shape);
	});
}

/** Reads arrays back to fresh host Float32Arrays without consuming them. */
export async function toHost(arrays: np.Array[]): Promise<Float32Array[]> {
	return Promise.all(arrays.map(async (a) => new Float32Array(await a.ref.data())));
}

/** Looks parameters up by name inside a model function; throws on a name the model does not have. */
export function byName(specs: ParamSpec[], arrays: np.Array[]): (name: string) => np.Array {
	const index = new Map(specs.map((s, i) => [s.name, i]));
	return (name) => {
		const i = index.get(name);
		if (i === undefined) throw new Error(`no parameter named ${name}`);
		return arrays[i]!;
	};
}
