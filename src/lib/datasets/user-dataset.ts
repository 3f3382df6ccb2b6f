// Decoding and naming a user's dataset: from the files as picked to the arrays the training loop reads,
// and to the content hash that names the dataset in trial configurations and exported studies.
// Pure apart from Web Crypto and DecompressionStream (both in workers and Node 20); runs in the data
// worker at import and in the trial worker before training, never on the page's main thread.
//
// Hashes (see user-dataset-info.ts): text = SHA-256(file); idx = SHA-256(images ‖ labels);
// csv = SHA-256(file ‖ UTF-8("\n#label=" + labelColumn)).
import type { UserDataKind, UserDatasetId } from '$lib/study/trial-config';
import { sha256Hex } from '$lib/util/sha256';
import type { TrainingData } from './classification-data';
import { gunzipIfNeeded } from './idx';
import { encodeText } from './text-data';
import { decodeUtf8 } from './text-dataset';
import { parseUserCsv } from './user-csv';
import type { UserDatasetFiles, UserDatasetRecord, UserDatasetSummary } from './user-dataset-info';
import { parseUserIdx } from './user-idx';

export interface NamedBytes {
	name: string;
	bytes: Uint8Array;
}

/** The files of a dataset as the user picked them (possibly gzip'd). */
export type UserDataSource =
	| { kind: 'csv'; file: NamedBytes; labelColumn: string }
	| { kind: 'text'; file: NamedBytes }
	| { kind: 'idx'; images: NamedBytes; labels: NamedBytes };

export function sourceFiles(source: UserDataSource): NamedBytes[] {
	return source.kind === 'idx' ? [source.images, source.labels] : [source.file];
}

/** The dataset's id: its kind and the SHA-256 of its content (and, for CSV, of its label column). */
export async function hashUserData(source: UserDataSource): Promise<UserDatasetId> {
	const parts = sourceFiles(source).map((f) => f.bytes);
	if (source.kind === 'csv') parts.push(new TextEncoder().encode(`\n#label=${source.labelColumn}`));
	let content: Uint8Array;
	if (parts.length === 1) content = parts[0]!;
	else {
		// Web Crypto has no incremental digest, so the parts are hashed as one buffer.
		content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
		let at = 0;
		for (const p of parts) {
			content.set(p, at);
			at += p.length;
		}
	}
	return `${source.kind}:${await sha256Hex(content)}`;
}

/** Parses and validates the files; throws DatasetFormatError (naming file, line, column) when they are unusable. */
export async function decodeUserData(source: UserDataSource): Promise<TrainingData> {
	if (source.kind === 'idx') {
		const [images, labels] = await Promise.all([
			gunzipIfNeeded(source.images.bytes),
			gunzipIfNeeded(source.labels.bytes)
		]);
		return parseUserIdx(images, labels, { images: source.images.name, labels: source.labels.name });
	}
	const text = decodeUtf8(await gunzipIfNeeded(source.file.bytes), source.file.name);
	if (source.kind === 'text') return encodeText(text, source.file.name);
	return parseUserCsv(text, source.file.name, source.labelColumn);
}

/** What the dataset list shows about decoded data. */
export function summarize(data: TrainingData): UserDatasetSummary {
	if (data.kind === 'text') {
		const chars = data.train.length + data.val.length;
		return { chars, trainCount: data.train.length, valCount: data.val.length, vocab: data.vocab.length };
	}
	const summary: UserDatasetSummary = {
		rows: data.train.count + data.val.count,
		trainCount: data.train.count,
		valCount: data.val.count,
		features: data.features,
		classes: data.classes
	};
	if (data.image) Object.assign(summary, data.image);
	if ('classNames' in data) summary.classNames = data.classNames as string[];
	if ('featureNames' in data) summary.featureNames = data.featureNames as string[];
	return summary;
}

/** Validates, hashes and describes a dataset, ready to store with its files as picked. */
export async function prepareUserDataset(
	source: UserDataSource,
	createdAt = Date.now()
): Promise<{ record: UserDatasetRecord; files: UserDatasetFiles; data: TrainingData }> {
	const data = await decodeUserData(source);
	const id = await hashUserData(source);
	const named = sourceFiles(source);
	const record: UserDatasetRecord = {
		id,
		kind: source.kind,
		name: named.map((f) => f.name).join(' + '),
		fileNames: named.map((f) => f.name),
		createdAt,
		byteLength: named.reduce((n, f) => n + f.bytes.length, 0),
		summary: summarize(data)
	};
	if (source.kind === 'csv') record.labelColumn = source.labelColumn;
	// A view of a whole buffer (a file as read) is stored as it is; a view of part of one is copied out.
	const parts = named.map((f) =>
		f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength
			? (f.bytes.buffer as ArrayBuffer)
			: (f.bytes.slice().buffer as ArrayBuffer)
	);
	return { record, files: { id, parts }, data };
}

/** Rebuilds the picked files from a stored record. */
export function storedSource(record: UserDatasetRecord, files: UserDatasetFiles): UserDataSource {
	const part = (i: number): NamedBytes => {
		const buffer = files.parts[i];
		if (!buffer) throw new Error(`dataset ${record.id}: stored file ${i + 1} is missing`);
		return { name: record.fileNames[i] ?? record.name, bytes: new Uint8Array(buffer) };
	};
	const kind: UserDataKind = record.kind;
	if (kind === 'idx') return { kind, images: part(0), labels: part(1) };
	if (kind === 'text') return { kind, file: part(0) };
	if (record.labelColumn === undefined) throw new Error(`dataset ${record.id}: no label column is stored`);
	return { kind, file: part(0), labelColumn: record.labelColumn };
}

/** Decodes a stored dataset for training: the same parse as at import, from the stored files. */
export function decodeUserDataset(record: UserDatasetRecord, files: UserDatasetFiles): Promise<TrainingData> {
	return decodeUserData(storedSource(record, files));
}
