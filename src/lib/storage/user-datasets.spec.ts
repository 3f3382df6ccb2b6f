import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { UserDatasetFiles, UserDatasetRecord } from '$lib/datasets/user-dataset-info';
import type { UserDatasetId } from '$lib/study/trial-config';
import { openLabDb, type StudyRecord } from './schema';
import {
	deleteUserDataset,
	getUserDataset,
	getUserDatasetFiles,
	listUserDatasets,
	putUserDataset,
	studiesUsing
} from './user-datasets';

let counter = 0;
const freshDb = () => openLabDb(`user-datasets-${++counter}`);

const idOf = (digit: string): UserDatasetId => `csv:${digit.repeat(64)}`;

function dataset(
	id: UserDatasetId,
	createdAt: number
): { record: UserDatasetRecord; files: UserDatasetFiles } {
	return {
		record: {
			id,
			kind: 'csv',
			name: `${createdAt}.csv`,
			fileNames: [`${createdAt}.csv`],
			createdAt,
			byteLength: 3,
			labelColumn: 'y',
			summary: { rows: 10, trainCount: 8, valCount: 2, features: 1, classes: 2 }
		},
		files: { id, parts: [new Uint8Array([1, 2, 3]).buffer] }
	};
}

function study(id: string, name: string, dataset: string, createdAt: number): StudyRecord {
	return {
		id,
		createdAt,
		updatedAt: createdAt,
		status: 'draft',
		imported: false,
		definition: { name, workload: { dataset, model: 'mlp' } } as unknown as StudyRecord['definition']
	};
}

describe('user dataset storage', () => {
	it('puts, lists newest first, reads the files back and deletes both halves', async () => {
		const db = await freshDb();
		const a = dataset(idOf('a'), 1);
		const b = dataset(idOf('b'), 2);
		await putUserDataset(db, a.record, a.files);
		await putUserDataset(db, b.record, b.files);
		expect((await listUserDatasets(db)).map((d) => d.name)).toEqual(['2.csv', '1.csv']);
		expect(await getUserDataset(db, idOf('a'))).toEqual(a.record);
		expect([...new Uint8Array((await getUserDatasetFiles(db, idOf('a')))!.parts[0]!)]).toEqual([1, 2, 3]);
		await deleteUserDataset(db, idOf('a'));
		expect(await getUserDataset(db, idOf('a'))).toBeUndefined();
		expect(await getUserDatasetFiles(db, idOf('a'))).toBeUndefined();
		expect(await db.count('dataset-files')).toBe(1);
		db.close();
	});

	it('refuses files stored under another id, writing nothing', async () => {
		const db = await freshDb();
		const a = dataset(idOf('a'), 1);
		await expect(putUserDataset(db, a.record, { ...a.files, id: idOf('c') })).rejects.toThrow(
			/stored as csv:ccc/
		);
		expect(await db.count('datasets')).toBe(0);
		db.close();
	});

	it('lists the studies that train on a dataset', async () => {
		const db = await freshDb();
		await db.put('studies', study('s1', 'old', idOf('a'), 1));
		await db.put('studies', study('s2', 'other data', 'iris', 2));
		await db.put('studies', study('s3', 'new', idOf('a'), 3));
		expect(await studiesUsing(db, idOf('a'))).toEqual([
			{ id: 's3', name: 'new' },
			{ id: 's1', name: 'old' }
		]);
		expect(await studiesUsing(db, idOf('b'))).toEqual([]);
		db.close();
	});
});
