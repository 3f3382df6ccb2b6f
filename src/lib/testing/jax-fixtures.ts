// Small fixtures for the compiled engine's tests and benchmarks: deterministic batches and a one-call
// jax-js start-up (wasm only: in Node 20, init() with no arguments touches `navigator` and throws).
import { init, numpy as np } from '@jax-js/jax';
import type { TrainingData } from '$lib/datasets/classification-data';
import { Random } from '$lib/math/random';

let ready: Promise<unknown> | null = null;

export function initJax(): Promise<unknown> {
	ready ??= init('wasm');
	return ready;
}

/** `count` values from a seeded standard normal. */
export function normals(count: number, seed: number): Float32Array<ArrayBuffer> {
	const random = new Random(seed);
	return Float32Array.from({ length: count }, () => random.normal());
}

/** `count` integer labels in [0, classes). */
export function labels(count: number, classes: number, seed: number): Int32Array<ArrayBuffer> {
	const random = new Random(seed);
	return Int32Array.from({ length: count }, () => random.int(classes));
}

/** Host batch → device arrays: x float32 [rows, ...shape] (or int32 tokens), y int32. */
export function deviceBatch(
	x: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>,
	xShape: number[],
	y: Int32Array<ArrayBuffer>
): { x: np.Array; y: np.Array } {
	const xArray =
		x instanceof Int32Array ? np.array(x, { dtype: np.int32 }).reshape(xShape) : np.array(x).reshape(xShape);
	return { x: xArray, y: np.array(y, { dtype: np.int32 }) };
}

/** Training examples a batch order draws from (text: every window start whose targets fit). */
export function trainCount(data: TrainingData, contextLength: number): number {
	return data.kind === 'text' ? data.train.length - contextLength : data.train.count;
}

/** The batch the TF.js engine gathers for `indices` (device-data.ts), built on the host. */
export function hostBatch(
	data: TrainingData,
	indices: Int32Array,
	contextLength: number
): { x: np.Array; y: np.Array } {
	if (data.kind === 'text') {
		const T = contextLength;
		const x = new Int32Array(indices.length * T);
		const y = new Int32Array(indices.length * T);
		indices.forEach((start, r) => {
			x.set(data.train.subarray(start, start + T), r * T);
			y.set(data.train.subarray(start + 1, start + T + 1), r * T);
		});
		return deviceBatch(x, [indices.length, T], y);
	}
	const f = data.features;
	const x = new Float32Array(indices.length * f);
	indices.forEach((row, r) => x.set(data.train.inputs.subarray(row * f, row * f + f), r * f));
	return deviceBatch(
		x,
		[indices.length, f],
		Int32Array.from(indices, (row) => data.train.labels[row]!)
	);
}
