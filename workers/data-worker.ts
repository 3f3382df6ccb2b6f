// The module worker that reads users' dataset files. Exposes DataWorkerApi (workers/protocol.ts).
// It opens its own IndexedDB connection per import and closes it after, so it never holds the
// database open against a later schema upgrade.
import * as Comlink from 'comlink';
import { importUserDataset, previewCsvFile } from '$lib/datasets/user-import';
import { openLabDb } from '$lib/storage/schema';
import type { DataWorkerApi } from './protocol';

const api: DataWorkerApi = {
	previewCsv: (file) => previewCsvFile(file),
	async importDataset(request, onPhase) {
		const db = await openLabDb();
		try {
			return await importUserDataset(db, request, (phase) => void onPhase(phase));
		} finally {
			db.close();
		}
	}
};

Comlink.expose(api);
