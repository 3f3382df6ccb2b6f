// EMA and SWA copies of the weights for the compiled engine, updated inside the compiled step. The
// rules are those of the TF.js engine (weight-averaging.ts): the first update copies the weights;
// then EMA: avg ← d·avg + (1 − d)·w after every step; SWA: avg ← avg + (w − avg)/(n + 1) after step s
// whenever s ≥ start and (s − start) is a multiple of `every`. Which case applies is host bookkeeping
// (update counts), passed in as per-step flags, so the compiled step never changes.
import { numpy as np } from '@jax-js/jax';
import type { Coefficient } from './optimizers';

export type AveragerKind = 'ema' | 'swa';

export type AveragerConfig = { kind: 'ema'; decay: number } | { kind: 'swa'; start: number; every: number };

/** Number of per-step scalars each averager reads. */
export const AVERAGER_COEFFICIENTS = 3;

export function checkAverager(config: AveragerConfig): void {
	if (config.kind === 'ema' && !(Number.isFinite(config.decay) && config.decay >= 0 && config.decay < 1)) {
		throw new Error(`emaDecay must be in [0, 1) (got ${config.decay})`);
	}
	if (config.kind === 'swa') {
		if (!(Number.isInteger(config.start) && config.start >= 0))
			throw new Error(`swaStart must be an integer >= 0`);
		if (!(Number.isInteger(config.every) && config.every >= 1))
			throw new Error(`swaEvery must be an integer >= 1`);
	}
}

/** Whether SWA samples the weights after update number `step`. */
export function swaSamplesAt(config: { start: number; every: number }, step: number): boolean {
	return step >= config.start && (step - config.start) % config.every === 0;
}

/**
 * The scalars for the update after step `step` (updates completed) given `updates` snapshots so far,
 * and whether this update absorbs a snapshot. EMA: [copy, d, 1 − d]; SWA: [sample, copy, 1/(n + 1)].
 */
export function averagerCoefficients(
	config: AveragerConfig,
	updates: number,
	step: number
): { values: number[]; absorbs: boolean } {
	const copy = updates === 0 ? 1 : 0;
	if (config.kind === 'ema') return { values: [copy, config.decay, 1 - config.decay], absorbs: true };
	const sample = swaSamplesAt(config, step);
	return { values: [sample ? 1 : 0, copy, 1 / (updates + 1)], absorbs: sample };
}

/** The new average of one parameter; consumes `average` and `weights`. */
export function updateAverage(
	kind: AveragerKind,
	average: np.Array,
	weights: np.Array,
	c: Coefficient
): np.Array {
	if (kind === 'ema') {
		const blended = c(1).mul(average).add(c(2).mul(weights.ref));
		return np.where(c(0).greater(0.5), weights, blended);
	}
	const moved = average.ref.add(c(2).mul(weights.ref.sub(average.ref)));
	return np.where(c(0).greater(0.5), np.where(c(1).greater(0.5), weights, moved), average);
}
