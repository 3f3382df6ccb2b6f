// Averaged copies of the weights, evaluated beside the raw ones (docs/engineering-notes.md §3; Hägele et
// al. and "learning rates without fortune telling" in docs/references.md).
//
// - EMA (Polyak averaging): avg ← d·avg + (1 − d)·w after every step. The first update copies the
//   weights (avg = w) rather than starting from zero, so no bias correction is needed and early
//   averages do not lean towards the initialisation.
// - SWA: a running uniform average of the weights sampled after step s whenever s ≥ start and
//   (s − start) is a multiple of `every`. A new window is a fresh `init`.
//
// `step` always means the number of optimizer updates completed (OptimizerState.step after apply).

import * as tf from '@tensorflow/tfjs';

import type { AveragerKind, SerializedAverageState } from '../checkpoint-data';

export type { AveragerKind, SerializedAverageState };

export interface AverageState {
	/** How many weight snapshots the average has absorbed. */
	updates: number;
	/** One variable per parameter, parallel to the params. */
	average: tf.Variable[];
}

export interface WeightAverager {
	readonly kind: AveragerKind;
	/** Allocates the average (holding a copy of `params` until the first update). */
	init(params: tf.Tensor[]): AverageState;
	/** Folds the weights after update number `step` into the average, in place; returns `state`. */
	update(params: tf.Tensor[], state: AverageState, step: number): AverageState;
}

export interface SwaOptions {
	/** First step (updates completed) whose weights are sampled. */
	start: number;
	/** Sampling period in steps. */
	every: number;
}

function initAverage(params: tf.Tensor[]): AverageState {
	return { updates: 0, average: params.map((p) => tf.tidy(() => tf.variable(tf.clone(p), false))) };
}

function checkCount(params: tf.Tensor[], state: AverageState): void {
	if (params.length !== state.average.length) {
		throw new Error(`got ${params.length} tensors for an average of ${state.average.length}`);
	}
}

/** Replaces the average with a copy of the weights. */
function copyInto(params: tf.Tensor[], state: AverageState): void {
	tf.tidy(() => state.average.forEach((avg, i) => avg.assign(tf.clone(params[i] as tf.Tensor))));
}

export function createEma(decay: number): WeightAverager {
	if (!(Number.isFinite(decay) && decay >= 0 && decay < 1)) {
		throw new Error(`emaDecay must be in [0, 1) (got ${decay})`);
	}
	return {
		kind: 'ema',
		init: initAverage,
		update(params, state) {
			checkCount(params, state);
			if (state.updates === 0) {
				copyInto(params, state);
			} else {
				tf.tidy(() => {
					const [d, oneMinusD] = tf.unstack(tf.tensor1d([decay, 1 - decay], 'float32')) as [
						tf.Scalar,
						tf.Scalar
					];
					state.average.forEach((avg, i) => {
						avg.assign(tf.add(tf.mul(d, avg), tf.mul(oneMinusD, params[i] as tf.Tensor)));
					});
				});
			}
			state.updates += 1;
			return state;
		}
	};
}

/** Whether SWA samples the weights after update number `step`. */
export function swaSamplesAt(options: SwaOptions, step: number): boolean {
	return step >= options.start && (step - options.start) % options.every === 0;
}

export function createSwa(options: SwaOptions): WeightAverager {
	if (!(Number.isInteger(options.start) && options.start >= 0)) {
		throw new Error(`swaStart must be an integer >= 0 (got ${options.start})`);
	}
	if (!(Number.isInteger(options.every) && options.every >= 1)) {
		throw new Error(`swaEvery must be an integer >= 1 (got ${options.every})`);
	}
	return {
		kind: 'swa',
		init: initAverage,
		update(params, state, step) {
			checkCount(params, state);
			if (!swaSamplesAt(options, step)) return state;
			if (state.updates === 0) {
				copyInto(params, state);
			} else {
				tf.tidy(() => {
					// avg + (w − avg)/(n + 1): the mean of n + 1 samples from the mean of n.
					const weight = tf.scalar(1 / (state.updates + 1));
					state.average.forEach((avg, i) => {
						avg.assign(tf.add(avg, tf.mul(weight, tf.sub(params[i] as tf.Tensor, avg))));
					});
				});
			}
			state.updates += 1;
			return state;
		}
	};
}

export async function exportAverageState(state: AverageState): Promise<SerializedAverageState> {
	// Copy: some backends hand back their own storage.
	const average = await Promise.all(state.average.map(async (v) => new Float32Array(await v.data())));
	return { updates: state.updates, average };
}

/** Rebuilds an average from `exportAverageState`'s output, shaped like `params`. */
export function importAverageState(serialized: SerializedAverageState, params: tf.Tensor[]): AverageState {
	if (serialized.average.length !== params.length) {
		throw new Error(`average holds ${serialized.average.length} arrays for ${params.length} parameters`);
	}
	serialized.average.forEach((data, i) => {
		const size = params[i]?.size;
		if (data.length !== size) throw new Error(`average[${i}] has ${data.length} values, expected ${size}`);
	});
	return {
		updates: serialized.updates,
		average: serialized.average.map((data, i) =>
			tf.tidy(() => tf.variable(tf.tensor(data, (params[i] as tf.Tensor).shape, 'float32'), false))
		)
	};
}

export function disposeAverageState(state: AverageState): void {
	for (const v of state.average) v.dispose();
}

/**
 * Runs `fn` with the averaged weights swapped into `params`, then puts the raw weights back (also when
 * `fn` throws). Use it to evaluate the average with the same model code.
 */
export async function withAveragedWeights<T>(
	params: tf.Variable[],
	state: AverageState,
	fn: () => T | Promise<T>
): Promise<T> {
	if (params.length !== state.average.length) {
		throw new Error(`got ${params.length} params for an average of ${state.average.length}`);
	}
	const saved = params.map((p) => tf.clone(p));
	try {
		params.forEach((p, i) => p.assign(state.average[i] as tf.Variable));
		return await fn();
	} finally {
		params.forEach((p, i) => p.assign(saved[i] as tf.Tensor));
		tf.dispose(saved);
	}
}
