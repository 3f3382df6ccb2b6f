// Everything a trial needs to continue exactly where it stopped: weights, optimizer state, the step,
// the data order, weight-averaging state, and the reference loss for divergence checks. Plain data
// (typed arrays), the same for every engine, so it crosses the worker boundary and goes into IndexedDB
// as is. No engine here: an engine turns its own device state into these arrays and back.
import type { BatchOrderState } from '$lib/math/batch-order';
import type { EvalRow } from '$lib/study/metrics';

/** An optimizer's state as plain arrays: updates applied, and per slot one array per parameter. */
export interface SerializedOptimizerState {
	step: number;
	slots: Record<string, Float32Array[]>;
	/**
	 * Σ γᵢ² over the updates applied, in float64: the total weight of a schedule-free optimizer's
	 * running average (optimizer-scalars.ts). Present only for the schedule-free optimizers.
	 */
	rateSquaredSum?: number;
}

export type AveragerKind = 'ema' | 'swa';

/** A weight average as plain arrays: snapshots absorbed, and one array per parameter. */
export interface SerializedAverageState {
	updates: number;
	average: Float32Array[];
}

export interface TrialCheckpoint {
	/** Updates applied when the checkpoint was taken. */
	step: number;
	paramNames: string[];
	params: Float32Array[];
	optimizer: SerializedOptimizerState;
	averagers: { kind: AveragerKind; state: SerializedAverageState }[];
	batchOrder: BatchOrderState;
	/** The step-0 validation loss, which divergence is measured against. */
	initialLoss: number;
	/** The evaluation taken at this step (checkpoints are always taken at an evaluation). */
	evalRow: EvalRow;
}

/** The parameters of a checkpoint, without its optimizer and data-order state. */
export type SavedWeights = Pick<TrialCheckpoint, 'paramNames' | 'params'>;

/** The buffers of a checkpoint, for zero-copy transfer to another thread. */
export function checkpointBuffers(checkpoint: TrialCheckpoint): ArrayBuffer[] {
	const arrays = [
		...checkpoint.params,
		...Object.values(checkpoint.optimizer.slots).flat(),
		...checkpoint.averagers.flatMap((a) => a.state.average)
	];
	return arrays.map((a) => a.buffer as ArrayBuffer);
}

export function checkpointBytes(checkpoint: TrialCheckpoint): number {
	return checkpointBuffers(checkpoint).reduce((sum, b) => sum + b.byteLength, 0);
}
