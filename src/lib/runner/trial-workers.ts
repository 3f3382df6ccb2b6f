// The one owner of trial workers in the page: training, sampling and model export all get their trial
// worker here. A training slot (TrialClient) keeps one worker across trials, so its backend starts and
// its shaders compile once; sampling and export each get a worker started for one request and stopped
// after it, so they never wait for (or slow down) a trial that is training.
import type { ModelExportRequest, SampleOptions, SavedWeights } from '$workers/protocol';
import type { SplitScore } from '$lib/training/engine';
import type { TrialConfig } from '$lib/study/trial-config';
import { LazyWorker, type WorkerApi } from './spawn-worker';

// Which weights of a checkpoint a model download can hold (raw, EMA, SWA): the page offers these before
// it asks a worker for the ZIP. The choice is engine-neutral, so it is passed on from training/.
export { availableWeights, weightsOf, type ExportedWeights } from '$lib/training/export/weights';
// Checkpoint averaging is pure data too: the page averages stored checkpoints, a worker scores them.
export {
	averageCheckpoints,
	type CheckpointAverage,
	type StepWindow
} from '$lib/training/checkpoint-average';
export type { TrialCheckpoint } from '$lib/training/checkpoint-data';

class TrialWorkers {
	/** The worker of one training slot: started on its first call, started afresh after a crash or `dispose`. */
	forSlot(): LazyWorker<'trial'> {
		return new LazyWorker('trial');
	}

	/** Text generated from stored weights. */
	sample(config: TrialConfig, weights: SavedWeights, options: SampleOptions): Promise<string> {
		// Plain copies: the stored checkpoint stays intact in the page.
		const copy = { paramNames: weights.paramNames, params: weights.params };
		return this.once('sample-worker', (api) => api.sampleText(config, copy, options));
	}

	/** The ZIP (model.json, weights.bin, README.md) of the requested weights. */
	exportModel(request: ModelExportRequest): Promise<Uint8Array> {
		return this.once('model-export-worker', (api) => api.exportModel(request));
	}

	/** Validation loss and accuracy of the weights (a checkpoint average). */
	evaluateWeights(config: TrialConfig, weights: SavedWeights): Promise<SplitScore> {
		const copy = { paramNames: weights.paramNames, params: weights.params };
		return this.once('evaluate-worker', (api) => api.evaluateWeights(config, copy));
	}

	private async once<T>(name: string, fn: (api: WorkerApi<'trial'>) => Promise<T>): Promise<T> {
		const worker = new LazyWorker('trial', name);
		try {
			return await worker.call(fn);
		} finally {
			worker.dispose();
		}
	}
}

export const trialWorkers = new TrialWorkers();

/** Text generation from a stored checkpoint (see `TrialWorkers.sample`). */
export function sampleFromWeights(
	config: TrialConfig,
	weights: SavedWeights,
	options: SampleOptions
): Promise<string> {
	return trialWorkers.sample(config, weights, options);
}

/** Model download from a stored checkpoint (see `TrialWorkers.exportModel`). */
export function exportModelZip(request: ModelExportRequest): Promise<Uint8Array> {
	return trialWorkers.exportModel(request);
}

/** Scores weights on the validation split in a worker (see `TrialWorkers.evaluateWeights`). */
export function scoreWeights(config: TrialConfig, weights: SavedWeights): Promise<SplitScore> {
	return trialWorkers.evaluateWeights(config, weights);
}
