// The one owner of the data worker in the page. Parsing and hashing a user's files happen there;
// the page passes File objects (a handle, not a copy of the bytes) and gets back what was stored.
import * as Comlink from 'comlink';
import type { CsvPreview, DataImportRequest, DataImportResult, ImportPhase } from '$workers/protocol';
import { LazyWorker } from './spawn-worker';

export class DataClient {
	private readonly worker = new LazyWorker('data');

	previewCsv(file: File): Promise<CsvPreview> {
		return this.worker.call((api) => api.previewCsv(file));
	}

	importDataset(
		request: DataImportRequest,
		onPhase: (phase: ImportPhase) => void
	): Promise<DataImportResult> {
		return this.worker.call((api) => api.importDataset(request, Comlink.proxy(onPhase)));
	}

	/** Stops the worker (it starts again on the next call). */
	dispose(): void {
		this.worker.dispose();
	}
}
