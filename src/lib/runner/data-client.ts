// The one owner of the data worker in the page. Parsing and hashing a user's files happen there;
// the page passes File objects (a handle, not a copy of the bytes) and gets back what was stored.
import * as Comlink from 'comlink';
import type {
	CsvPreview,
	DataImportRequest,
	DataImportResult,
	DataWorkerApi,
	ImportPhase
} from '$workers/protocol';

export class DataClient {
	private worker: Worker | null = null;
	private api: Comlink.Remote<DataWorkerApi> | null = null;

	private remote(): Comlink.Remote<DataWorkerApi> {
		if (!this.api) {
			this.worker = new Worker(new URL('../../../workers/data-worker.ts', import.meta.url), {
				type: 'module',
				name: 'data-worker'
			});
			this.api = Comlink.wrap<DataWorkerApi>(this.worker);
		}
		return this.api;
	}

	previewCsv(file: File): Promise<CsvPreview> {
		return this.remote().previewCsv(file);
	}

	importDataset(
		request: DataImportRequest,
		onPhase: (phase: ImportPhase) => void
	): Promise<DataImportResult> {
		return this.remote().importDataset(request, Comlink.proxy(onPhase));
	}

	/** Stops the worker (it starts again on the next call). */
	dispose(): void {
		this.worker?.terminate();
		this.worker = null;
		this.api = null;
	}
}
