// Picks the raw, EMA or SWA weights out of a stored checkpoint for export. Plain data, no engine, so
// the page can call it before handing the weights to a worker.
import type { SavedWeights, TrialCheckpoint } from '../checkpoint-data';

/**
 * Which weights are exported: a checkpoint's own, one of its running averages, or the average of
 * several kept checkpoints (checkpoint-average.ts).
 */
export type ExportedWeights = 'raw' | 'ema' | 'swa' | 'average';

/** Which weights a checkpoint can give: always the raw ones, and each average that has sampled once. */
export function availableWeights(
	checkpoint: Pick<TrialCheckpoint, 'averagers'>
): Exclude<ExportedWeights, 'average'>[] {
	return ['raw', ...checkpoint.averagers.filter((a) => a.state.updates > 0).map((a) => a.kind)];
}

export function weightsOf(
	checkpoint: TrialCheckpoint,
	which: Exclude<ExportedWeights, 'average'>
): SavedWeights {
	if (which === 'raw') return { paramNames: checkpoint.paramNames, params: checkpoint.params };
	const averager = checkpoint.averagers.find((a) => a.kind === which);
	if (!averager || averager.state.updates === 0) {
		throw new Error(`the checkpoint at step ${checkpoint.step} holds no ${which.toUpperCase()} weights`);
	}
	return { paramNames: checkpoint.paramNames, params: averager.state.average };
}
