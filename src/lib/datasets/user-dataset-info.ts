// What the lab keeps about a user's own dataset, apart from its bytes: light enough for the page to
// list without loading any parser. The files themselves live in a separate store (see storage/schema.ts)
// so that listing datasets never reads megabytes of file content.
//
// Dataset ids are `${kind}:${sha256 hex}` (trial-config.ts). What is hashed:
// - text: the file's bytes as picked (gzip'd or not);
// - idx: the images file's bytes followed by the labels file's bytes;
// - csv: the file's bytes followed by the UTF-8 bytes of "\n#label=" + the label column's name, because
//   the same table with another label column is another dataset.
import type { UserDataKind, UserDatasetId } from '$lib/study/trial-config';

export interface UserDatasetSummary {
	/** CSV: data rows; IDX: images. Absent for text. */
	rows?: number;
	/** Text: characters (code points) after \r\n → \n. Absent for tables and images. */
	chars?: number;
	/** Rows (characters for text) in each split. */
	trainCount: number;
	valCount: number;
	/** Values per row: feature columns of a table, height × width pixels of an image. */
	features?: number;
	classes?: number;
	/** CSV: the label values, one per class index. */
	classNames?: string[];
	/** CSV: the feature columns, in order. */
	featureNames?: string[];
	/** IDX: image size in pixels. */
	height?: number;
	width?: number;
	/** Text: distinct characters. */
	vocab?: number;
}

/** One stored dataset, without its files. Key: `id`. */
export interface UserDatasetRecord {
	id: UserDatasetId;
	kind: UserDataKind;
	/** The original file name; for IDX "images-file + labels-file". */
	name: string;
	/** The original file names, in the order of the stored parts. */
	fileNames: string[];
	/** Milliseconds since the epoch. */
	createdAt: number;
	/** Total size of the stored files, in bytes. */
	byteLength: number;
	/** CSV: the column holding the class labels. */
	labelColumn?: string;
	summary: UserDatasetSummary;
}

/** The files of one dataset exactly as imported. Key: `id`. csv/text: [file]; idx: [images, labels]. */
export interface UserDatasetFiles {
	id: UserDatasetId;
	parts: ArrayBuffer[];
}

/** The id cut to a readable length ("csv:1a2b3c4d5e6f…"): 48 bits of hash tell datasets apart by eye. */
export function shortDatasetId(id: string): string {
	const colon = id.indexOf(':');
	return colon < 0 || id.length <= colon + 13 ? id : `${id.slice(0, colon + 13)}…`;
}

const KIND_LABELS: Record<UserDataKind, string> = {
	csv: 'CSV table',
	text: 'plain text',
	idx: 'IDX images'
};

export function userDataKindLabel(kind: UserDataKind): string {
	return KIND_LABELS[kind];
}

/** One line describing what a dataset holds, e.g. "150 rows · 4 features · 3 classes". */
export function describeSummary(kind: UserDataKind, s: UserDatasetSummary): string {
	const count = (n: number, one: string, many = `${one}s`) =>
		`${n.toLocaleString('en')} ${n === 1 ? one : many}`;
	if (kind === 'text') {
		return [count(s.chars ?? 0, 'character'), count(s.vocab ?? 0, 'distinct character')].join(' · ');
	}
	const parts = [count(s.rows ?? 0, kind === 'idx' ? 'image' : 'row')];
	if (kind === 'idx') parts.push(`${s.height}×${s.width} pixels`);
	else parts.push(count(s.features ?? 0, 'feature'));
	parts.push(count(s.classes ?? 0, 'class', 'classes'));
	parts.push(`${s.trainCount.toLocaleString('en')} train / ${s.valCount.toLocaleString('en')} validation`);
	return parts.join(' · ');
}
