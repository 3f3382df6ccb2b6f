// Model download from a stored checkpoint, in a worker of its own (like sample-client.ts): the worker
// is created for one request and terminated after it, so it never waits for a training trial.
import * as Comlink from 'comlink';
import type { ModelExportRequest, TrialWorkerApi } from '../../../workers/protocol';

/** The ZIP (model.json, weights.bin, README.md) of the requested weights. */
export async function exportModelZip(request: ModelExportRequest): Promise<Uint8Array> {
	const worker = new Worker(new URL('../../../workers/trial-worker.ts', import.meta.url), {
		type: 'module',
		name: 'model-export-worker'
	});
	try {
		return await Comlink.wrap<TrialWorkerApi>(worker).exportModel(request);
	} finally {
		worker.terminate();
	}
}
