import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TABULAR_DATASETS, type TabularDatasetName } from './registry';
import { decodeTable, loadTabularDataset, parseTable } from './tabular-dataset';

const small = { features: 2, classes: 3 };
const csv = (...lines: string[]) => lines.join('\n') + '\n';

describe('parseTable', () => {
	it('reads features and labels, tolerating CRLF and a trailing newline', () => {
		const split = parseTable('x0,x1,label\r\n1.5,-2,0\r\n3e2,4,2\r\n', 't.csv', small, 2);
		expect(Array.from(split.inputs)).toEqual([1.5, -2, 300, 4]);
		expect(Array.from(split.labels)).toEqual([0, 2]);
		expect(split.count).toBe(2);
	});

	it('rejects malformed files naming the file, line and column', () => {
		const parse =
			(text: string, count = 1) =>
			() =>
				parseTable(text, 'data/t.csv', small, count);
		expect(parse(csv('x0,x1,label', '1,abc,0'))).toThrow(
			/^data\/t\.csv: line 2, column 2 \(x1\): "abc" is not a finite number$/
		);
		expect(parse(csv('x0,x1,label', '1,,0'))).toThrow(/line 2, column 2 \(x1\): "" is not a finite number/);
		expect(parse(csv('x0,x1,label', '1,Infinity,0'))).toThrow(/"Infinity" is not a finite number/);
		expect(parse(csv('x0,x1,label', '1,2,0', '1,2'), 2)).toThrow(
			/^data\/t\.csv: line 3: 2 columns, expected 3$/
		);
		expect(parse(csv('x0,x1,label', '1,2,3,0'))).toThrow(/line 2: 4 columns, expected 3/);
		expect(parse(csv('x0,x1,label', '1,2,3'))).toThrow(
			/^data\/t\.csv: line 2, column 3 \(label\): 3 is not a class in 0\.\.2$/
		);
		expect(parse(csv('x0,x1,label', '1,2,-1'))).toThrow(/-1 is not a class in 0\.\.2/);
		expect(parse(csv('x0,x1,label', '1,2,1.5'))).toThrow(/1\.5 is not a class in 0\.\.2/);
		expect(parse(csv('x0,label', '1,0'))).toThrow(
			/^data\/t\.csv: line 1: header "x0,label" \(2 columns\) does not match x0…x1,label \(3 columns\)$/
		);
		expect(parse(csv('x0,x1,label', '1,2,0'), 2)).toThrow(/^data\/t\.csv: 1 data rows, expected 2$/);
		expect(parse('')).toThrow(/line 1: header/);
	});
});

describe('bundled tables', () => {
	const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));
	const names = Object.keys(TABULAR_DATASETS) as TabularDatasetName[];

	it.each(names)(
		'%s loads with the registered sizes, every class in both splits, train standardised',
		async (name) => {
			const spec = TABULAR_DATASETS[name];
			const data = await loadTabularDataset(spec, fromStatic);
			expect(data.features).toBe(spec.features);
			expect(data.classes).toBe(spec.classes);
			expect(data.train.count).toBe(spec.trainCount);
			expect(data.val.inputs.length).toBe(spec.valCount * spec.features);
			expect(new Set(data.train.labels).size).toBe(spec.classes);
			expect(new Set(data.val.labels).size).toBe(spec.classes);
			for (let f = 0; f < spec.features; f++) {
				let sum = 0;
				let squares = 0;
				for (let r = 0; r < data.train.count; r++) {
					const x = data.train.inputs[r * spec.features + f]!;
					sum += x;
					squares += x * x;
				}
				expect(sum / data.train.count).toBeCloseTo(0, 4);
				expect(squares / data.train.count).toBeCloseTo(1, 3);
			}
		}
	);

	it('standardises validation with the training statistics', () => {
		const spec = { ...TABULAR_DATASETS.iris, features: 1, classes: 2, trainCount: 2, valCount: 1 };
		const data = decodeTable(spec, csv('x0,label', '1,0', '3,1'), csv('x0,label', '5,1'));
		expect(data.stats).toEqual({ mean: [2], std: [1] });
		expect(Array.from(data.train.inputs)).toEqual([-1, 1]);
		expect(Array.from(data.val.inputs)).toEqual([3]);
	});
});
