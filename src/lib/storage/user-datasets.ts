// Users' own datasets in IndexedDB: the description in `datasets`, the files in `dataset-files`, always
// written and deleted together in one transaction so a dataset is either fully there or not at all.
// Works with any connection, the page's or a worker's.
import type { UserDatasetFiles, UserDatasetRecord } from '$lib/datasets/user-dataset-info';
import type { LabDb } from './schema';

export async function putUserDataset(
	db: LabDb,
	record: UserDatasetRecord,
	files: UserDatasetFiles
): Promise<void> {
	if (record.id !== files.id) throw new Error(`dataset ${record.id}: its files are stored as ${files.id}`);
	const tx = db.transaction(['datasets', 'dataset-files'], 'readwrite');
	// A failed put aborts the whole transaction, so neither half is left behind.
	await Promise.all([
		tx.objectStore('datasets').put(record),
		tx.objectStore('dataset-files').put(files),
		tx.done
	]);
}

export function getUserDataset(db: LabDb, id: string): Promise<UserDatasetRecord | undefined> {
	return db.get('datasets', id);
}

export function getUserDatasetFiles(db: LabDb, id: string): Promise<UserDatasetFiles | undefined> {
	return db.get('dataset-files', id);
}

/** Every stored dataset, without its files, newest first. */
export async function listUserDatasets(db: LabDb): Promise<UserDatasetRecord[]> {
	return (await db.getAll('datasets')).sort((a, b) => b.createdAt - a.createdAt);
}

export async function deleteUserDataset(db: LabDb, id: string): Promise<void> {
	const tx = db.transaction(['datasets', 'dataset-files'], 'readwrite');
	await Promise.all([
		tx.objectStore('datasets').delete(id),
		tx.objectStore('dataset-files').delete(id),
		tx.done
	]);
}

/** The studies whose workload trains on the dataset, newest first (deleting it would strand them). */
export async function studiesUsing(db: LabDb, id: string): Promise<{ id: string; name: string }[]> {
	const studies = await db.getAllFromIndex('studies', 'by-created');
	return studies
		.reverse()
		.filter((s) => String(s.definition.workload?.dataset) === id)
		.map((s) => ({ id: s.id, name: s.definition.name }));
}
