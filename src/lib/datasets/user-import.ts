// Importing a user's dataset: read the picked files, validate and hash them, store them. Runs in the
// data worker (workers/data-worker.ts), so parsing a large file never blocks the page.
import type { LabDb } from '$lib/storage/schema';
import { getUserDataset, putUserDataset } from '$lib/storage/user-datasets';
import { gunzipIfNeeded } from './idx';
import { decodeUtf8 } from './text-dataset';
import { previewCsv, type CsvPreview } from './user-csv';
import { prepareUserDataset, type NamedBytes, type UserDataSource } from './user-dataset';
import type { UserDatasetRecord } from './user-dataset-info';

/** Larger files are refused before reading: the lab holds a dataset in memory several times over. */
export const MAX_USER_FILE_BYTES = 200 * 1024 * 1024;
/** The preview reads only this much of a CSV file (bytes): enough for the header and the first rows. */
const PREVIEW_BYTES = 1 << 20;

/** The files as picked in the page; File objects cross to the worker without copying their content. */
export type DataImportRequest =
	| { kind: 'csv'; file: File; labelColumn: string }
	| { kind: 'text'; file: File }
	| { kind: 'idx'; images: File; labels: File };

export type ImportPhase = 'reading' | 'checking' | 'storing';

export interface DataImportResult {
	record: UserDatasetRecord;
	/** True when the same data was already stored; nothing was written then. */
	existed: boolean;
}

function checkSize(file: File): void {
	if (file.size > MAX_USER_FILE_BYTES) {
		throw new Error(
			`${file.name}: ${(file.size / 1e6).toFixed(0)} MB is too large (limit ${MAX_USER_FILE_BYTES / 1e6} MB)`
		);
	}
}

async function read(file: File): Promise<NamedBytes> {
	checkSize(file);
	return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

export async function readRequest(request: DataImportRequest): Promise<UserDataSource> {
	if (request.kind === 'idx') {
		const [images, labels] = await Promise.all([read(request.images), read(request.labels)]);
		return { kind: 'idx', images, labels };
	}
	const file = await read(request.file);
	return request.kind === 'csv'
		? { kind: 'csv', file, labelColumn: request.labelColumn }
		: { kind: 'text', file };
}

/** The header and first rows of a CSV file, reading only its start (gzip'd files are read whole). */
export async function previewCsvFile(file: File): Promise<CsvPreview> {
	checkSize(file);
	let bytes: Uint8Array = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
	let complete = file.size <= PREVIEW_BYTES;
	if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
		bytes = await gunzipIfNeeded(new Uint8Array(await file.arrayBuffer()));
		complete = true;
	}
	let text: string;
	if (complete) text = decodeUtf8(bytes, file.name);
	else {
		// The cut may fall inside a character and a line: decode leniently and drop the partial last line.
		text = new TextDecoder().decode(bytes);
		text = text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
	}
	return previewCsv(text, file.name);
}

/** Validates, hashes and stores the dataset; errors say what is wrong with which file, line and column. */
export async function importUserDataset(
	db: LabDb,
	request: DataImportRequest,
	onPhase: (phase: ImportPhase) => void = () => undefined,
	now = Date.now()
): Promise<DataImportResult> {
	onPhase('reading');
	const source = await readRequest(request);
	onPhase('checking');
	const { record, files } = await prepareUserDataset(source, now);
	const existing = await getUserDataset(db, record.id);
	if (existing) return { record: existing, existed: true };
	onPhase('storing');
	await putUserDataset(db, record, files);
	return { record, existed: false };
}
