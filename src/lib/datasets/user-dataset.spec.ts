import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
	decodeUserData,
	decodeUserDataset,
	hashUserData,
	prepareUserDataset,
	type UserDataSource
} from './user-dataset';
import { describeSummary, shortDatasetId } from './user-dataset-info';
import { idxPair } from '../testing/user-test-fixtures';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const sha = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

const CSV = [
	'a,b,label',
	...Array.from({ length: 20 }, (_, i) => `${i},${i % 4},${i % 2 ? 'yes' : 'no'}`)
].join('\n');
const TEXT = 'Call me Ishmael. '.repeat(80);

describe('hashUserData', () => {
	it('hashes text as its bytes, IDX as images then labels, CSV as bytes then the label choice', async () => {
		const text = bytes(TEXT);
		expect(await hashUserData({ kind: 'text', file: { name: 't.txt', bytes: text } })).toBe(
			`text:${sha(text)}`
		);
		const { images, labels } = idxPair(12);
		expect(
			await hashUserData({
				kind: 'idx',
				images: { name: 'i', bytes: images },
				labels: { name: 'l', bytes: labels }
			})
		).toBe(`idx:${sha(images, labels)}`);
		const csv = bytes(CSV);
		const id = await hashUserData({ kind: 'csv', file: { name: 'c.csv', bytes: csv }, labelColumn: 'label' });
		expect(id).toBe(`csv:${sha(csv, bytes('\n#label=label'))}`);
		expect(id).toMatch(/^csv:[0-9a-f]{64}$/);
		// Another label column is another dataset; the file name plays no part.
		expect(
			await hashUserData({ kind: 'csv', file: { name: 'c.csv', bytes: csv }, labelColumn: 'b' })
		).not.toBe(id);
		expect(
			await hashUserData({ kind: 'csv', file: { name: 'other.csv', bytes: csv }, labelColumn: 'label' })
		).toBe(id);
	});
});

describe('decodeUserData', () => {
	it("decodes text for the language model, gzip'd or not", async () => {
		const data = await decodeUserData({ kind: 'text', file: { name: 't.txt', bytes: bytes(TEXT) } });
		expect(data.kind).toBe('text');
		const zipped = await decodeUserData({
			kind: 'text',
			file: { name: 't.txt.gz', bytes: new Uint8Array(gzipSync(bytes(TEXT))) }
		});
		expect(zipped).toEqual(data);
	});

	it('rejects text that is too short or not UTF-8, naming the file', async () => {
		await expect(
			decodeUserData({ kind: 'text', file: { name: 's.txt', bytes: bytes('too short') } })
		).rejects.toThrow('s.txt: 9 characters; a language model needs at least 1000');
		await expect(
			decodeUserData({ kind: 'text', file: { name: 'b.bin', bytes: Uint8Array.from([0xff, 0xfe, 0xc3]) } })
		).rejects.toThrow('b.bin: not valid UTF-8 text');
	});

	it("decodes gzip'd IDX files", async () => {
		const { images, labels } = idxPair(15);
		const data = await decodeUserData({
			kind: 'idx',
			images: { name: 'i.gz', bytes: new Uint8Array(gzipSync(images)) },
			labels: { name: 'l', bytes: labels }
		});
		expect(data.kind === 'classification' && data.image).toEqual({ height: 2, width: 3 });
	});
});

describe('prepareUserDataset', () => {
	it('describes the data and round-trips through the stored form to the same arrays', async () => {
		const source: UserDataSource = {
			kind: 'csv',
			file: { name: 'c.csv', bytes: bytes(CSV) },
			labelColumn: 'label'
		};
		const { record, files, data } = await prepareUserDataset(source, 1234);
		expect(record).toMatchObject({
			id: await hashUserData(source),
			kind: 'csv',
			name: 'c.csv',
			fileNames: ['c.csv'],
			createdAt: 1234,
			byteLength: CSV.length,
			labelColumn: 'label',
			summary: {
				rows: 20,
				trainCount: 16,
				valCount: 4,
				features: 2,
				classes: 2,
				classNames: ['no', 'yes'],
				featureNames: ['a', 'b']
			}
		});
		expect(files.id).toBe(record.id);
		expect(await decodeUserDataset(record, files)).toEqual(data);
		expect(describeSummary('csv', record.summary)).toBe(
			'20 rows · 2 features · 2 classes · 16 train / 4 validation'
		);
	});

	it('stores both IDX files and names the dataset after them', async () => {
		const { images, labels } = idxPair(20);
		const { record, files } = await prepareUserDataset({
			kind: 'idx',
			images: { name: 'train-images', bytes: images },
			labels: { name: 'train-labels', bytes: labels }
		});
		expect(record.name).toBe('train-images + train-labels');
		expect(files.parts.map((p) => p.byteLength)).toEqual([images.length, labels.length]);
		expect(record.summary).toMatchObject({ rows: 20, height: 2, width: 3, classes: 3, features: 6 });
		expect(describeSummary('idx', record.summary)).toBe(
			'20 images · 2×3 pixels · 3 classes · 17 train / 3 validation'
		);
	});

	it('summarises text by characters and vocabulary', async () => {
		const { record } = await prepareUserDataset({
			kind: 'text',
			file: { name: 't.txt', bytes: bytes(TEXT) }
		});
		expect(record.summary).toEqual({ chars: 1360, trainCount: 1224, valCount: 136, vocab: 10 });
		expect(describeSummary('text', record.summary)).toBe('1,360 characters · 10 distinct characters');
	});
});

describe('shortDatasetId', () => {
	it('keeps the kind and 12 hex digits', () => {
		expect(shortDatasetId(`csv:${'ab'.repeat(32)}`)).toBe('csv:abababababab…');
		expect(shortDatasetId('digits')).toBe('digits');
	});
});
