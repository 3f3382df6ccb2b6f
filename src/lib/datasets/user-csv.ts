// A user's CSV table: a header row naming the columns, one column of class labels (any strings or
// numbers), every other column numeric. Pure: text in, arrays out. Errors name the file, the line
// (1-based; the header is line 1) and the column, so the user can find the cell in a spreadsheet.
//
// Cells are separated by commas; a cell may be wrapped in double quotes (a doubled quote inside stands
// for one quote), but a quoted cell cannot span lines. Whitespace around a cell is ignored.
import { csvParseRows } from 'd3';
import type { ClassificationData } from './classification-data';
import { DatasetFormatError } from './idx';
import { standardizeSplits, type FeatureStats } from './standardize';
import { checkRowCount, stratifiedSplit, takeLabels, takeRows } from './user-split';

/** More distinct labels than this is almost surely a measurement column picked as the label. */
export const MAX_CSV_CLASSES = 256;
/** Data rows the import preview shows. */
export const PREVIEW_ROWS = 5;

export interface UserCsvData extends ClassificationData {
	/** The label value of each class index. */
	classNames: string[];
	featureNames: string[];
	/** The standardisation applied to both splits (train-split statistics). */
	stats: FeatureStats;
	/** Data rows in the file (train + validation). */
	rows: number;
}

export interface CsvPreview {
	columns: string[];
	/** The first data rows, cell by cell as written (trimmed, quotes removed). */
	rows: string[][];
	/** The column proposed as the label: the last one. */
	guessedLabel: string;
}

/**
 * Lines of the text without line endings: \r\n, \n and a lone \r each end a line (as they end a row for
 * d3-dsv, and a line in an editor); one final empty line is ignored.
 */
export function csvLines(text: string): string[] {
	const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
	if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
	return lines;
}

/**
 * Splits one line into trimmed cells. `line` is the 1-based line number, for errors. d3-dsv reads the
 * cells; blanks around a quoted cell are allowed here, and an unclosed quote or text after a closing
 * quote is an error naming the line and column.
 */
export function splitCsvLine(text: string, line: number, source: string): string[] {
	// Without a doubled quote no quote sits inside a closed quoted cell, so every run of blanks between
	// a comma (or the line's ends) and a quote lies around a cell: drop them all in one pass instead of
	// one d3 reading per run below (a line of `"a", "b", …` would be read once per cell).
	if (text.includes('"') && !text.includes('""')) {
		text = text.replace(/(^|,)[ \t]+(?=")/g, '$1').replace(/"[ \t]+(?=,|$)/g, '"');
	}
	for (;;) {
		const rows = csvParseRows(text);
		const cells = rows[0] ?? [''];
		// Without a quote d3 cannot misread the line (the common case, kept fast).
		const blanks = text.includes('"') ? blanksBesideQuotes(text, cells, line, source) : null;
		if (blanks) {
			text = text.slice(0, blanks.start) + text.slice(blanks.end);
			continue;
		}
		if (rows.length > 1) {
			// csvLines ends a line at every line break d3 knows; only a caller passing raw text gets here.
			throw new DatasetFormatError(source, `line ${line}: a line break inside the line`);
		}
		return cells.map((cell) => cell.trim());
	}
}

/**
 * d3-dsv reads a cell as quoted only when the quote is its very first character, and takes the one
 * character after the closing quote as the separator, whatever it is. This walks d3's cells along the
 * text to check that reading: it returns the first run of blanks that sits before an opening quote or
 * after a closing one (d3 misread the line; without those blanks it reads it right), throws for an
 * unclosed quote or text after a closing quote, and returns null when d3's cells stand.
 */
function blanksBesideQuotes(
	text: string,
	cells: string[],
	line: number,
	source: string
): { start: number; end: number } | null {
	let at = 0; // where the current cell starts in `text`
	for (let c = 0; c < cells.length; c++) {
		const cell = cells[c]!;
		if (text[at] !== '"') {
			const lead = cell[0] === ' ' || cell[0] === '\t' ? /^[ \t]+"/.exec(cell) : null;
			if (lead) return { start: at, end: at + lead[0].length - 1 };
			at += cell.length + 1;
			continue;
		}
		// One past the closing quote: the quotes around the cell and one more for each doubled quote.
		let end = at + 2 + cell.length;
		for (let q = cell.indexOf('"'); q >= 0; q = cell.indexOf('"', q + 1)) end++;
		if (end > text.length || text[end - 1] !== '"') {
			throw new DatasetFormatError(
				source,
				`line ${line}, column ${c + 1}: a quoted cell is not closed (quoted cells cannot span lines)`
			);
		}
		let next = end;
		while (text[next] === ' ' || text[next] === '\t') next++;
		if (next < text.length && text[next] !== ',') {
			throw new DatasetFormatError(
				source,
				`line ${line}, column ${c + 1}: text after the closing quote of a quoted cell`
			);
		}
		if (next > end) return { start: end, end: next };
		at = end + 1;
	}
	return null;
}

const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));
const shown = (cell: string) => (cell.length > 24 ? `${cell.slice(0, 24)}…` : cell);

/** Checks the header (line 1) and returns the column names. */
function readHeader(lines: string[], source: string): string[] {
	if (lines.length === 0 || lines[0]!.trim() === '') {
		throw new DatasetFormatError(source, 'line 1 is empty; the first line must name the columns');
	}
	const columns = splitCsvLine(lines[0]!, 1, source);
	if (columns.length < 2) {
		throw new DatasetFormatError(
			source,
			`line 1 names ${columns.length} column; a table needs at least one feature column and a label ` +
				'column, separated by commas'
		);
	}
	if (columns.every(isNumber)) {
		throw new DatasetFormatError(
			source,
			`line 1 holds only numbers ("${columns.slice(0, 3).map(shown).join('", "')}"…); the first line ` +
				'must be a header naming the columns'
		);
	}
	const seen = new Map<string, number>();
	columns.forEach((name, c) => {
		if (name === '') {
			throw new DatasetFormatError(
				source,
				`line 1, column ${c + 1}: the column has no name; name every column`
			);
		}
		const first = seen.get(name);
		if (first !== undefined) {
			throw new DatasetFormatError(
				source,
				`line 1: the column name "${shown(name)}" appears twice (columns ${first + 1} and ${c + 1})`
			);
		}
		seen.set(name, c);
	});
	return columns;
}

/** The header and the first rows, for choosing the label column before importing. */
export function previewCsv(text: string, source: string, maxRows = PREVIEW_ROWS): CsvPreview {
	const lines = csvLines(text);
	const columns = readHeader(lines, source);
	const rows = lines.slice(1, 1 + maxRows).map((text, r) => splitCsvLine(text, r + 2, source));
	return { columns, rows, guessedLabel: columns[columns.length - 1]! };
}

/**
 * Class index of every label: distinct values sorted numerically when all are numbers, else by UTF-16
 * code units (not the locale's collation, so the class order is the same in every browser).
 */
function classMapping(values: string[]): { classNames: string[]; classOf: Map<string, number> } {
	const numeric = values.every(isNumber);
	// Numeric labels are compared as numbers, so "1" and "1.0" are one class, named as written first.
	const key = (v: string) => (numeric ? String(Number(v)) : v);
	const firstSpelling = new Map<string, string>();
	for (const v of values) if (!firstSpelling.has(key(v))) firstSpelling.set(key(v), v);
	const keys = [...firstSpelling.keys()].sort(
		numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0)
	);
	const index = new Map(keys.map((k, i) => [k, i]));
	const classOf = new Map(values.map((v) => [v, index.get(key(v))!]));
	return { classNames: keys.map((k) => firstSpelling.get(k)!), classOf };
}

/**
 * Parses the whole table with `labelColumn` as the class label, holds out 20% of each class for
 * validation and standardises the features with the training rows' statistics.
 */
export function parseUserCsv(text: string, source: string, labelColumn: string): UserCsvData {
	const lines = csvLines(text);
	const columns = readHeader(lines, source);
	const labelIndex = columns.indexOf(labelColumn);
	if (labelIndex < 0) {
		throw new DatasetFormatError(
			source,
			`no column is named "${shown(labelColumn)}" (the columns are ${columns.map((c) => `"${shown(c)}"`).join(', ')})`
		);
	}
	const featureNames = columns.filter((_, c) => c !== labelIndex);
	const features = featureNames.length;
	const count = lines.length - 1;
	checkRowCount(source, count);

	const inputs = new Float32Array(count * features);
	const labelText: string[] = new Array(count);
	for (let r = 0; r < count; r++) {
		const line = r + 2;
		const text = lines[r + 1]!;
		if (text.trim() === '') {
			throw new DatasetFormatError(source, `line ${line} is empty; remove empty lines between rows`);
		}
		const cells = splitCsvLine(text, line, source);
		if (cells.length !== columns.length) {
			throw new DatasetFormatError(
				source,
				`line ${line} has ${cells.length} cells but the header names ${columns.length} columns`
			);
		}
		let f = 0;
		for (let c = 0; c < cells.length; c++) {
			const cell = cells[c]!;
			const where = `line ${line}, column ${c + 1} ("${shown(columns[c]!)}")`;
			if (cell === '') throw new DatasetFormatError(source, `${where}: missing value (empty cell)`);
			if (c === labelIndex) {
				labelText[r] = cell;
				continue;
			}
			const value = Number(cell);
			if (!Number.isFinite(value)) {
				throw new DatasetFormatError(source, `${where}: "${shown(cell)}" is not a number`);
			}
			inputs[r * features + f++] = value;
		}
	}

	const { classNames, classOf } = classMapping(labelText);
	if (classNames.length < 2) {
		throw new DatasetFormatError(
			source,
			`the label column "${shown(labelColumn)}" holds a single class ("${shown(classNames[0]!)}"); ` +
				'a classifier needs at least two'
		);
	}
	if (classNames.length > MAX_CSV_CLASSES) {
		throw new DatasetFormatError(
			source,
			`the label column "${shown(labelColumn)}" holds ${classNames.length} distinct values (at most ` +
				`${MAX_CSV_CLASSES} classes); is it a measurement rather than a class?`
		);
	}
	const labels = Int32Array.from(labelText, (v) => classOf.get(v)!);
	const split = stratifiedSplit(labels, classNames.length, source);
	const scaled = standardizeSplits(
		takeRows(inputs, features, split.train),
		takeRows(inputs, features, split.val),
		split.train.length,
		features
	);
	return {
		kind: 'classification',
		features,
		classes: classNames.length,
		train: { inputs: scaled.train, labels: takeLabels(labels, split.train), count: split.train.length },
		val: { inputs: scaled.val, labels: takeLabels(labels, split.val), count: split.val.length },
		classNames,
		featureNames,
		stats: scaled.stats,
		rows: count
	};
}
