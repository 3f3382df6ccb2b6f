// Fetches, parses and validates one bundled table (train.csv and val.csv), then standardises its
// features with statistics of the training split. Runs inside the trial worker; parsing is pure.
import { csvParseRows } from 'd3';
import type { ClassificationData, ClassificationSplit } from './classification-data';
import { DatasetFormatError, gunzipIfNeeded } from './idx';
import type { FetchBytes } from './image-dataset';
import type { TabularDatasetSpec } from './registry';
import { standardizeSplits, type FeatureStats } from './standardize';

export interface TabularDataset extends ClassificationData {
	spec: TabularDatasetSpec;
	/** The transform applied to both splits (computed on train), kept so it can be shown or reused. */
	stats: FeatureStats;
}

/** The header line every table file starts with: x0,…,x{features−1},label. */
export function tableHeader(features: number): string[] {
	return [...Array.from({ length: features }, (_, i) => `x${i}`), 'label'];
}

/**
 * Parses one split's CSV text into raw (unstandardised) features and labels. Errors name the file, the
 * line (1-based, the header is line 1) and the column.
 */
export function parseTable(
	text: string,
	source: string,
	spec: Pick<TabularDatasetSpec, 'features' | 'classes'>,
	expectedCount: number
): ClassificationSplit {
	// Trailing line breaks (however many) end the file; d3-dsv would read each extra one as an empty row.
	const lines = csvParseRows(text.replace(/[\r\n]+$/, ''));
	const header = tableHeader(spec.features);
	const columns = header.length;
	const seen = (lines[0] ?? ['']).map((cell) => cell.trim());
	if (seen.length !== columns || seen.some((name, i) => name !== header[i])) {
		const shown = seen.length > 8 ? `${seen.slice(0, 8).join(',')},…` : seen.join(',');
		throw new DatasetFormatError(
			source,
			`line 1: header "${shown}" (${seen.length} columns) does not match x0…x${spec.features - 1},label ` +
				`(${columns} columns)`
		);
	}
	const rows = lines.slice(1);
	if (rows.length !== expectedCount) {
		throw new DatasetFormatError(source, `${rows.length} data rows, expected ${expectedCount}`);
	}
	const inputs = new Float32Array(expectedCount * spec.features);
	const labels = new Int32Array(expectedCount);
	rows.forEach((cells, r) => {
		const line = r + 2;
		if (cells.length !== columns) {
			throw new DatasetFormatError(source, `line ${line}: ${cells.length} columns, expected ${columns}`);
		}
		cells.forEach((cell, c) => {
			const trimmed = cell.trim();
			const value = trimmed === '' ? Number.NaN : Number(trimmed);
			if (!Number.isFinite(value)) {
				const shown = trimmed.length > 20 ? `${trimmed.slice(0, 20)}…` : trimmed;
				throw new DatasetFormatError(
					source,
					`line ${line}, column ${c + 1} (${header[c]}): "${shown}" is not a finite number`
				);
			}
			if (c < spec.features) inputs[r * spec.features + c] = value;
			else if (!Number.isInteger(value) || value < 0 || value >= spec.classes) {
				throw new DatasetFormatError(
					source,
					`line ${line}, column ${c + 1} (label): ${trimmed} is not a class in 0..${spec.classes - 1}`
				);
			} else labels[r] = value;
		});
	});
	return { inputs, labels, count: expectedCount };
}

/** Parses both splits and standardises them with the training split's per-feature mean and std. */
export function decodeTable(spec: TabularDatasetSpec, trainText: string, valText: string): TabularDataset {
	const train = parseTable(trainText, spec.files.train, spec, spec.trainCount);
	const val = parseTable(valText, spec.files.val, spec, spec.valCount);
	const scaled = standardizeSplits(train.inputs, val.inputs, train.count, spec.features);
	return {
		kind: 'classification',
		spec,
		features: spec.features,
		classes: spec.classes,
		train: { ...train, inputs: scaled.train },
		val: { ...val, inputs: scaled.val },
		stats: scaled.stats
	};
}

export async function loadTabularDataset(
	spec: TabularDatasetSpec,
	fetchBytes: FetchBytes
): Promise<TabularDataset> {
	const raw = await Promise.all([spec.files.train, spec.files.val].map(fetchBytes));
	const [train, val] = await Promise.all(raw.map(gunzipIfNeeded));
	const decoder = new TextDecoder('utf-8', { fatal: true });
	return decodeTable(spec, decoder.decode(train), decoder.decode(val));
}
