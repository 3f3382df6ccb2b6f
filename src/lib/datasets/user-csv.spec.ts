import { describe, expect, it } from 'vitest';
import { csvLines, parseUserCsv, previewCsv, splitCsvLine } from './user-csv';

/** A table of `n` rows: x = row, y = 10·row, label alternating "b"/"a" (so both classes have n/2 rows). */
function table(n: number, header = 'x,y,species'): string {
	const rows = Array.from({ length: n }, (_, i) => `${i},${10 * i},${i % 2 ? 'a' : 'b'}`);
	return [header, ...rows].join('\n') + '\n';
}

/** Replaces line `line` (1-based) of the text. */
function withLine(text: string, line: number, replacement: string): string {
	const lines = text.split('\n');
	lines[line - 1] = replacement;
	return lines.join('\n');
}

describe('splitCsvLine', () => {
	it('splits on commas, trims cells and keeps empty ones', () => {
		expect(splitCsvLine(' 1 , 2,,x ', 1, 't.csv')).toEqual(['1', '2', '', 'x']);
		expect(splitCsvLine('a,', 1, 't.csv')).toEqual(['a', '']);
		expect(splitCsvLine('', 1, 't.csv')).toEqual(['']);
	});

	it('reads quoted cells with commas and doubled quotes inside', () => {
		expect(splitCsvLine('"a, b","say ""hi""" , 3', 1, 't.csv')).toEqual(['a, b', 'say "hi"', '3']);
		expect(splitCsvLine('"",1', 1, 't.csv')).toEqual(['', '1']);
	});

	it('allows blanks before an opening quote and after a closing one, and keeps quotes inside bare cells', () => {
		expect(splitCsvLine(' \t"a, b" ,\t"c" \t, "d"', 1, 't.csv')).toEqual(['a, b', 'c', 'd']);
		expect(splitCsvLine('5 "in",x""y, "1"" x"', 1, 't.csv')).toEqual(['5 "in"', 'x""y', '1" x']);
		// Blanks beside a comma and a doubled quote inside a quoted cell are the cell's own.
		expect(splitCsvLine('"x, ""y"" , z", "w"', 1, 't.csv')).toEqual(['x, "y" , z', 'w']);
	});

	it('rejects an unclosed quote and text after a closing quote, naming line and column', () => {
		expect(() => splitCsvLine('1,"abc', 4, 't.csv')).toThrow(
			't.csv: line 4, column 2: a quoted cell is not closed'
		);
		expect(() => splitCsvLine('"a"b,1', 2, 't.csv')).toThrow(
			'line 2, column 1: text after the closing quote'
		);
		expect(() => splitCsvLine('1, "a" b', 2, 't.csv')).toThrow(
			'line 2, column 2: text after the closing quote'
		);
		expect(() => splitCsvLine('1,"a""', 3, 't.csv')).toThrow('line 3, column 2: a quoted cell is not closed');
		expect(() => splitCsvLine('1,2\r3,4', 5, 't.csv')).toThrow('t.csv: line 5: a line break inside the line');
	});
});

describe('csvLines', () => {
	it('accepts \\r\\n, drops a byte-order mark and ignores one trailing empty line', () => {
		expect(csvLines('\uFEFFa,b\r\n1,2\r\n')).toEqual(['a,b', '1,2']);
		expect(csvLines('a,b\n1,2')).toEqual(['a,b', '1,2']);
		expect(csvLines('a,b\n1,2\n\n')).toEqual(['a,b', '1,2', '']);
	});

	it('ends a line at a lone \\r too, as old spreadsheet exports write them', () => {
		expect(csvLines('a,b\r1,2\r')).toEqual(['a,b', '1,2']);
		expect(csvLines('a,b\r\r\n1,2')).toEqual(['a,b', '', '1,2']);
	});
});

describe('previewCsv', () => {
	it('shows the columns, the first five rows and guesses the last column as the label', () => {
		const preview = previewCsv(table(8), 't.csv');
		expect(preview.columns).toEqual(['x', 'y', 'species']);
		expect(preview.rows).toHaveLength(5);
		expect(preview.rows[0]).toEqual(['0', '0', 'b']);
		expect(preview.guessedLabel).toBe('species');
	});

	it('shows a short table whole, and reports header problems', () => {
		expect(previewCsv('a,b\n1,2\n', 't.csv').rows).toEqual([['1', '2']]);
		expect(() => previewCsv('', 't.csv')).toThrow('t.csv: line 1 is empty');
	});
});

describe('parseUserCsv', () => {
	it('maps labels to sorted classes, holds out 20% of each class and keeps the class names', () => {
		const data = parseUserCsv(table(20), 'iris.csv', 'species');
		expect(data.kind).toBe('classification');
		expect(data.image).toBeUndefined();
		expect(data.classNames).toEqual(['a', 'b']);
		expect(data.featureNames).toEqual(['x', 'y']);
		expect(data.features).toBe(2);
		expect(data.classes).toBe(2);
		expect(data.rows).toBe(20);
		// 10 rows per class → 2 of each held out.
		expect(data.val.count).toBe(4);
		expect(data.train.count).toBe(16);
		expect(Array.from(data.val.labels).sort()).toEqual([0, 0, 1, 1]);
		expect(data.train.inputs).toHaveLength(32);
		expect(data.train.labels).toHaveLength(16);
	});

	it('standardises with the training rows only, and applies the same transform to validation', () => {
		const data = parseUserCsv(table(20), 'iris.csv', 'species');
		const column = (inputs: Float32Array, f: number) => Array.from(inputs).filter((_, i) => i % 2 === f);
		const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
		for (const f of [0, 1]) {
			const train = column(data.train.inputs, f);
			expect(mean(train)).toBeCloseTo(0, 5);
			expect(mean(train.map((v) => v * v))).toBeCloseTo(1, 5);
		}
		// Every row holds x and y = 10x, so recovering x from the stored statistics must give whole row
		// numbers in both splits: the validation rows used the training mean and std too.
		const { mean: m, std: s } = data.stats;
		const rows = [...column(data.train.inputs, 0), ...column(data.val.inputs, 0)].map(
			(z) => z * s[0]! + m[0]!
		);
		expect(rows.map((r) => Math.round(r) + 0).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 20 }, (_, i) => i)
		);
		expect(m[1]).toBeCloseTo(10 * m[0]!, 4);
		// The statistics are those of the 16 training rows, not of all 20 (whose mean is 9.5).
		const trainRows = column(data.train.inputs, 0).map((z) => Math.round(z * s[0]! + m[0]!));
		expect(m[0]).toBeCloseTo(mean(trainRows), 4);
		expect(m[0]).not.toBeCloseTo(9.5, 2);
	});

	it('gives the same split every time (fixed seed)', () => {
		const a = parseUserCsv(table(30), 't.csv', 'species');
		const b = parseUserCsv(table(30), 't.csv', 'species');
		expect(Array.from(a.val.inputs)).toEqual(Array.from(b.val.inputs));
	});

	it('sorts numeric labels as numbers, merging spellings of one number', () => {
		const labels = ['10', '2', '2.0', '10', '2', '10', '2', '10', '2', '10'];
		const csv = ['f,label', ...labels.map((l, i) => `${i},${l}`)].join('\n');
		const data = parseUserCsv(csv, 'n.csv', 'label');
		expect(data.classNames).toEqual(['2', '10']);
		// Row 2 ("2.0") is class 0 like "2"; which split it landed in, its label is 0.
		const all = [...data.train.labels, ...data.val.labels];
		expect(all.filter((l) => l === 0)).toHaveLength(5);
	});

	it('sorts text labels by code unit, independent of the locale', () => {
		const labels = ['b', 'a', 'B', 'b', 'a', 'B', 'b', 'a', 'B', 'b', 'a', 'B'];
		const csv = ['f,label', ...labels.map((l, i) => `${i},${l}`)].join('\n');
		expect(parseUserCsv(csv, 't.csv', 'label').classNames).toEqual(['B', 'a', 'b']);
	});

	it('takes any column as the label, with the others as features in order', () => {
		const csv = ['kind,h,w', ...Array.from({ length: 12 }, (_, i) => `"k ${i % 3}",${i},${i * 2}`)].join(
			'\r\n'
		);
		const data = parseUserCsv(csv, 't.csv', 'kind');
		expect(data.classNames).toEqual(['k 0', 'k 1', 'k 2']);
		expect(data.featureNames).toEqual(['h', 'w']);
		expect(data.val.count).toBe(3);
	});

	it('reads a file with a byte-order mark and lone \\r line endings like the same file with \\n', () => {
		const plain = parseUserCsv(table(20), 't.csv', 'species');
		const mac = parseUserCsv(`\uFEFF${table(20).replace(/\n/g, '\r')}`, 't.csv', 'species');
		expect(Array.from(mac.train.inputs)).toEqual(Array.from(plain.train.inputs));
		expect(mac.featureNames).toEqual(['x', 'y']);
	});

	it('names the line and column of a non-numeric cell', () => {
		const csv = withLine(table(12), 5, '3,abc,a');
		expect(() => parseUserCsv(csv, 'bad.csv', 'species')).toThrow(
			'bad.csv: line 5, column 2 ("y"): "abc" is not a number'
		);
		expect(() => parseUserCsv(withLine(table(12), 3, 'Infinity,1,a'), 'bad.csv', 'species')).toThrow(
			'line 3, column 1 ("x"): "Infinity" is not a number'
		);
	});

	it('names the line and column of a missing value, in a feature or in the label', () => {
		expect(() => parseUserCsv(withLine(table(12), 7, '1,,a'), 'm.csv', 'species')).toThrow(
			'm.csv: line 7, column 2 ("y"): missing value (empty cell)'
		);
		expect(() => parseUserCsv(withLine(table(12), 2, '1,2, '), 'm.csv', 'species')).toThrow(
			'line 2, column 3 ("species"): missing value (empty cell)'
		);
	});

	it('rejects ragged rows and empty lines, naming the line', () => {
		expect(() => parseUserCsv(withLine(table(12), 4, '1,2'), 'r.csv', 'species')).toThrow(
			'r.csv: line 4 has 2 cells but the header names 3 columns'
		);
		expect(() => parseUserCsv(withLine(table(12), 4, '1,2,a,9'), 'r.csv', 'species')).toThrow(
			'line 4 has 4 cells'
		);
		expect(() => parseUserCsv(`${table(12)}\n`, 'r.csv', 'species')).toThrow('line 14 is empty');
	});

	it('rejects a single class', () => {
		const csv = ['x,label', ...Array.from({ length: 12 }, (_, i) => `${i},same`)].join('\n');
		expect(() => parseUserCsv(csv, 'one.csv', 'label')).toThrow(
			'one.csv: the label column "label" holds a single class ("same"); a classifier needs at least two'
		);
	});

	it('rejects too few rows, and too few validation rows after the split', () => {
		expect(() => parseUserCsv(table(9), 'few.csv', 'species')).toThrow(
			'few.csv: only 9 data rows; at least 10 are needed'
		);
		// Every label distinct: no class has two rows, so none can be held out.
		const csv = ['x,id', ...Array.from({ length: 12 }, (_, i) => `${i},row${i}`)].join('\n');
		expect(() => parseUserCsv(csv, 'ids.csv', 'id')).toThrow(/ids\.csv: only 0 validation rows/);
	});

	it('rejects a missing header, unknown label column, and unnamed or repeated columns', () => {
		const noHeader = table(12).split('\n').slice(1).join('\n').replace(/[ab]$/gm, '1');
		expect(() => parseUserCsv(noHeader, 'h.csv', '1')).toThrow('h.csv: line 1 holds only numbers');
		expect(() => parseUserCsv(table(12), 'h.csv', 'kind')).toThrow(
			'h.csv: no column is named "kind" (the columns are "x", "y", "species")'
		);
		expect(() => parseUserCsv(table(12, ',y,species'), 'h.csv', 'species')).toThrow(
			'line 1, column 1: the column has no name'
		);
		expect(() => parseUserCsv(table(12, 'x,x,species'), 'h.csv', 'species')).toThrow(
			'the column name "x" appears twice (columns 1 and 2)'
		);
		expect(() => parseUserCsv('label\n1\n', 'h.csv', 'label')).toThrow('line 1 names 1 column');
	});

	it('rejects a measurement column picked as the label', () => {
		const csv = ['x,y', ...Array.from({ length: 600 }, (_, i) => `${i % 7},${i / 10}`)].join('\n');
		expect(() => parseUserCsv(csv, 'c.csv', 'y')).toThrow(/600 distinct values .*is it a measurement/);
	});
});
