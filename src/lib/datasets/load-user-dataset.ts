// Loads a user's dataset for training, from this browser's IndexedDB. Called in the trial worker (idb
// works in workers); it opens its own connection and closes it once the files are read.
import { DB_NAME, openLabDb } from '$lib/storage/schema';
import { getUserDataset, getUserDatasetFiles } from '$lib/storage/user-datasets';
import type { UserDatasetId } from '$lib/study/trial-config';
import type { TrainingData } from './classification-data';
import { decodeUserDataset } from './user-dataset';
import { shortDatasetId } from './user-dataset-info';

export async function loadUserDataset(id: UserDatasetId, dbName = DB_NAME): Promise<TrainingData> {
	const db = await openLabDb(dbName);
	let found;
	try {
		const [record, files] = await Promise.all([getUserDataset(db, id), getUserDatasetFiles(db, id)]);
		found = record && files ? { record, files } : undefined;
	} finally {
		db.close();
	}
	if (!found) {
		// A study names its data only by content hash, so the original file name is not known here.
		throw new Error(
			`dataset ${shortDatasetId(id)} is not in this browser's storage; import its file on the "Your data" ` +
				'panel first (its file name is unknown: a study names its data only by content hash)'
		);
	}
	return decodeUserDataset(found.record, found.files);
}
