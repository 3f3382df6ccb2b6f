import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLabDb } from '$lib/storage/schema';
import { listUserDatasets } from '$lib/storage/user-datasets';
import { loadUserDataset } from './load-user-dataset';
import { decodeUserData } from './user-dataset';
import { importUserDataset, previewCsvFile, type ImportPhase } from './user-import';
import { idxPair } from '../testing/user-test-fixtures';

let counter = 0;
const dbName = () => `user-import-${++counter}`;

const CSV = [
	'h,w,kind',
	...Array.from({ length: 15 }, (_, i) => `${i},${i * i},${['x', 'y', 'z'][i % 3]}`)
].join('\n');

describe('importUserDataset', () => {
	it('validates, stores and reports phases; the same data again is found, not stored twice', async () => {
		const name = dbName();
		const db = await openLabDb(name);
		const phases: ImportPhase[] = [];
		const file = new File([CSV], 'shapes.csv');
		const first = await importUserDataset(
			db,
			{ kind: 'csv', file, labelColumn: 'kind' },
			(p) => phases.push(p),
			5
		);
		expect(phases).toEqual(['reading', 'checking', 'storing']);
		expect(first.existed).toBe(false);
		expect(first.record).toMatchObject({
			name: 'shapes.csv',
			createdAt: 5,
			summary: { rows: 15, classes: 3 }
		});
		const again = await importUserDataset(db, {
			kind: 'csv',
			file: new File([CSV], 'copy.csv'),
			labelColumn: 'kind'
		});
		expect(again).toEqual({ record: first.record, existed: true });
		expect(await listUserDatasets(db)).toHaveLength(1);
		db.close();

		// The trial worker's loader reads it back to exactly what the import decoded.
		const loaded = await loadUserDataset(first.record.id, name);
		const direct = await decodeUserData({
			kind: 'csv',
			file: { name: 'shapes.csv', bytes: new Uint8Array(Buffer.from(CSV)) },
			labelColumn: 'kind'
		});
		expect(loaded).toEqual(direct);
	});

	it('stores nothing when a cell is bad, and says where', async () => {
		const db = await openLabDb(dbName());
		const bad = CSV.replace('\n3,9,x', '\n3,nine,x');
		await expect(
			importUserDataset(db, { kind: 'csv', file: new File([bad], 'bad.csv'), labelColumn: 'kind' })
		).rejects.toThrow('bad.csv: line 5, column 2 ("w"): "nine" is not a number');
		expect(await db.count('datasets')).toBe(0);
		expect(await db.count('dataset-files')).toBe(0);
		db.close();
	});

	it('imports IDX pairs and text', async () => {
		const name = dbName();
		const db = await openLabDb(name);
		const { images, labels } = idxPair(20);
		const idx = await importUserDataset(db, {
			kind: 'idx',
			images: new File([images], 'images.idx'),
			labels: new File([labels], 'labels.idx')
		});
		expect(idx.record.id).toMatch(/^idx:[0-9a-f]{64}$/);
		const text = await importUserDataset(db, {
			kind: 'text',
			file: new File(['abc\r\n'.repeat(300)], 'a.txt')
		});
		expect(text.record.summary.chars).toBe(1200);
		db.close();
		const loaded = await loadUserDataset(idx.record.id, name);
		expect(loaded.kind === 'classification' && loaded.image).toEqual({ height: 2, width: 3 });
	});
});

describe('loadUserDataset', () => {
	it('says the dataset is missing and how to bring it back', async () => {
		const name = dbName();
		(await openLabDb(name)).close();
		await expect(loadUserDataset(`text:${'9'.repeat(64)}`, name)).rejects.toThrow(
			/dataset text:999999999999… is not in this browser's storage; import its file on the "Your data" panel first \(its file name is unknown/
		);
	});
});

describe('previewCsvFile', () => {
	it('reads only the start of a large file and drops the cut last line', async () => {
		const row = `${'1'.repeat(1000)},2,a\n`;
		const big = `a,b,c\n${row.repeat(1200)}`;
		const preview = await previewCsvFile(new File([big], 'big.csv'));
		expect(preview.columns).toEqual(['a', 'b', 'c']);
		expect(preview.rows).toHaveLength(5);
		expect(preview.guessedLabel).toBe('c');
	});

	it('reports a file without a header line', async () => {
		await expect(previewCsvFile(new File(['1,2\n3,4\n'], 'n.csv'))).rejects.toThrow(
			'n.csv: line 1 holds only numbers'
		);
	});
});
