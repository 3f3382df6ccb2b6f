// The train/validation split of a user's labelled rows (CSV tables and IDX images). A user's file comes
// as one set, so the lab holds out a fixed share of each class. The shuffle is seeded with a constant,
// so the same file always gives the same split: a resumed or re-run study sees the same validation rows.
import { DatasetFormatError } from './idx';
import { permutation, Random } from '$lib/math/random';

/** Share of each class held out for validation. */
export const VAL_FRACTION = 0.2;
/** Fewer data rows than this cannot train and validate anything meaningful. */
export const MIN_ROWS = 10;
/** Fewer validation rows than this make validation accuracy meaningless. */
export const MIN_VAL_ROWS = 2;
/** Never changed: changing it would move rows between splits of already-stored datasets. */
export const SPLIT_SEED = 7;

export interface SplitIndices {
	/** Row indices in ascending order (file order). */
	train: Uint32Array;
	val: Uint32Array;
}

/** Rows of one class that go to validation: 20% rounded, at least 1 once the class has 2 rows. */
export function valRowsOfClass(n: number): number {
	return n >= 2 ? Math.max(1, Math.round(n * VAL_FRACTION)) : 0;
}

/** Errors when there are too few rows overall; call before splitting. */
export function checkRowCount(source: string, rows: number, what = 'data rows'): void {
	if (rows < MIN_ROWS)
		throw new DatasetFormatError(source, `only ${rows} ${what}; at least ${MIN_ROWS} are needed`);
}

/**
 * Holds out `valRowsOfClass` rows of each class, chosen by a seeded shuffle (classes in index order
 * share one generator). Errors, naming `source`, when fewer than MIN_VAL_ROWS rows end up held out.
 */
export function stratifiedSplit(
	labels: Int32Array,
	classes: number,
	source: string,
	seed = SPLIT_SEED
): SplitIndices {
	const byClass: number[][] = Array.from({ length: classes }, () => []);
	labels.forEach((label, row) => byClass[label]!.push(row));
	const random = new Random(seed);
	const isVal = new Uint8Array(labels.length);
	let valCount = 0;
	for (const rows of byClass) {
		const take = valRowsOfClass(rows.length);
		const order = permutation(rows.length, random);
		for (let i = 0; i < take; i++) isVal[rows[order[i]!]!] = 1;
		valCount += take;
	}
	if (valCount < MIN_VAL_ROWS) {
		throw new DatasetFormatError(
			source,
			`only ${valCount} validation row${valCount === 1 ? '' : 's'} after holding out ` +
				`${100 * VAL_FRACTION}% of each class; at least ${MIN_VAL_ROWS} are needed (add rows)`
		);
	}
	const train = new Uint32Array(labels.length - valCount);
	const val = new Uint32Array(valCount);
	let t = 0;
	let v = 0;
	for (let row = 0; row < labels.length; row++) {
		if (isVal[row]) val[v++] = row;
		else train[t++] = row;
	}
	return { train, val };
}

/** The chosen rows of a count × features row-major matrix, as a new matrix, each value ÷ `divisor`. */
export function takeRows(
	inputs: ArrayLike<number>,
	features: number,
	rows: Uint32Array,
	divisor = 1
): Float32Array {
	const out = new Float32Array(rows.length * features);
	rows.forEach((row, i) => {
		const from = row * features;
		for (let f = 0; f < features; f++) out[i * features + f] = inputs[from + f]! / divisor;
	});
	return out;
}

export function takeLabels(labels: Int32Array, rows: Uint32Array): Int32Array {
	return Int32Array.from(rows, (row) => labels[row]!);
}
