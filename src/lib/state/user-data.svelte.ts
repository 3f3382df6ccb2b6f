// The page's view of the user's own datasets: the stored list, an import in progress (and why the last
// one failed), and a deletion that can still be undone. Parsing happens in the data worker; this store
// only lists, deletes and re-puts records with the page's own IndexedDB connection.
import type { UserDatasetFiles, UserDatasetRecord } from '$lib/datasets/user-dataset-info';
import { DataClient } from '$lib/runner/data-client';
import type { LabDb } from '$lib/storage/schema';
import {
	deleteUserDataset,
	getUserDatasetFiles,
	listUserDatasets,
	putUserDataset,
	studiesUsing
} from '$lib/storage/user-datasets';
import type { CsvPreview, DataImportRequest, DataImportResult, ImportPhase } from '$workers/protocol';
import { errorMessage } from '$lib/util/error-message';

/** How long a deleted dataset can still be brought back, in milliseconds. */
export const DATASET_UNDO_MS = 10_000;

export class UserDataState {
	/** Stored datasets, newest first (descriptions only; the files stay in IndexedDB). */
	datasets = $state.raw<UserDatasetRecord[]>([]);
	importing = $state(false);
	/** What the running import is doing; null when none runs. */
	phase = $state<ImportPhase | null>(null);
	/** Why the last preview or import failed (the parser's message, naming file, line and column). */
	error = $state<string | null>(null);
	/** The last successful import. */
	lastImport = $state.raw<DataImportResult | null>(null);
	/** A deleted dataset kept in memory until the undo window closes. */
	pendingDelete = $state.raw<{ record: UserDatasetRecord; files: UserDatasetFiles } | null>(null);
	private undoTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly db: LabDb,
		private readonly client = new DataClient()
	) {}

	async refresh(): Promise<void> {
		this.datasets = await listUserDatasets(this.db);
	}

	/** The header and first rows of a CSV file; null (with `error` set) when it cannot be read. */
	async previewCsv(file: File): Promise<CsvPreview | null> {
		this.error = null;
		try {
			return await this.client.previewCsv(file);
		} catch (error) {
			this.error = errorMessage(error);
			return null;
		}
	}

	/** Imports the files in the worker; null (with `error` set) when they were refused. Nothing is stored then. */
	async importFiles(request: DataImportRequest): Promise<DataImportResult | null> {
		if (this.importing) return null;
		this.importing = true;
		this.error = null;
		this.lastImport = null;
		this.phase = 'reading';
		// Phase reports travel on their own message channel, so one can arrive after the result.
		let finished = false;
		try {
			const result = await this.client.importDataset(request, (phase) => {
				if (!finished) this.phase = phase;
			});
			this.lastImport = result;
			await this.refresh();
			return result;
		} catch (error) {
			this.error = errorMessage(error);
			return null;
		} finally {
			finished = true;
			this.phase = null;
			this.importing = false;
		}
	}

	/** Studies that train on the dataset: the UI asks before deleting data they need. */
	usersOf(id: string): Promise<{ id: string; name: string }[]> {
		return studiesUsing(this.db, id);
	}

	/** Deletes the dataset now and keeps it in memory for DATASET_UNDO_MS so `undoRemove` can put it back. */
	async remove(id: string): Promise<void> {
		const record = this.datasets.find((d) => d.id === id);
		const files = await getUserDatasetFiles(this.db, id);
		this.forgetPendingDelete();
		await deleteUserDataset(this.db, id);
		this.datasets = this.datasets.filter((d) => d.id !== id);
		if (!record || !files) return;
		this.pendingDelete = { record, files };
		this.undoTimer = setTimeout(() => this.forgetPendingDelete(), DATASET_UNDO_MS);
	}

	async undoRemove(): Promise<void> {
		const pending = this.pendingDelete;
		if (!pending) return;
		this.forgetPendingDelete();
		await putUserDataset(this.db, pending.record, pending.files);
		await this.refresh();
	}

	private forgetPendingDelete(): void {
		if (this.undoTimer) clearTimeout(this.undoTimer);
		this.undoTimer = null;
		this.pendingDelete = null;
	}
}

let shared: UserDataState | null = null;

/** The page's one store, so the list and an import in progress survive moving between routes. */
export function getUserData(db: LabDb): UserDataState {
	shared ??= new UserDataState(db);
	return shared;
}
