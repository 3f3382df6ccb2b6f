// Text generation from a stored checkpoint, in a worker of its own so it never waits for (or slows
// down) a trial that is training: the worker is created for one request and terminated after it.
import * as Comlink from 'comlink';
import type { SampleOptions, SavedWeights, TrialWorkerApi } from '../../../workers/protocol';
import type { TrialConfig } from '$lib/study/trial-config';

export async function sampleFromWeights(
	config: TrialConfig,
	weights: SavedWeights,
	options: SampleOptions
): Promise<string> {
	const worker = new Worker(new URL('../../../workers/trial-worker.ts', import.meta.url), {
		type: 'module',
		name: 'sample-worker'
	});
	try {
		const api = Comlink.wrap<TrialWorkerApi>(worker);
		// Plain copies: the stored checkpoint stays intact in the page.
		return await api.sampleText(config, { paramNames: weights.paramNames, params: weights.params }, options);
	} finally {
		worker.terminate();
	}
}
