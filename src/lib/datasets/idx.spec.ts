import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfNeeded, parseIdx } from './idx';
import { decodeSplit, loadImageDataset } from './image-dataset';
import { IMAGE_DATASETS } from './registry';

function idxBytes(dims: number[], data: number[], typeCode = 0x08): Uint8Array {
	const header = Buffer.alloc(4 + 4 * dims.length);
	header[2] = typeCode;
	header[3] = dims.length;
	dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
	return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

describe('parseIdx', () => {
	it('reads dims and data', () => {
		const parsed = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), 'x');
		expect(parsed.dims).toEqual([2, 3]);
		expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('rejects bad magic, unsupported types, truncation and wrong shapes with the file named', () => {
		const good = idxBytes([2, 2], [0, 1, 2, 3]);
		const badMagic = good.slice();
		badMagic[0] = 7;
		expect(() => parseIdx(badMagic, 'a.idx')).toThrow(/a\.idx: bad magic number/);
		expect(() => parseIdx(idxBytes([1], [0], 0x0d), 'b.idx')).toThrow(/element type 0xd/);
		expect(() => parseIdx(good.subarray(0, good.length - 1), 'c.idx')).toThrow(/holds 3/);
		expect(() => parseIdx(good, 'd.idx', [3, 2])).toThrow(/does not match the expected \[3×2\]/);
		expect(() => parseIdx(new Uint8Array([0, 0]), 'e.idx')).toThrow(/only 2 bytes/);
	});
});

describe('gunzipIfNeeded', () => {
	it('decompresses gzip and passes plain bytes through', async () => {
		const plain = idxBytes([1], [9]);
		expect(Array.from(await gunzipIfNeeded(new Uint8Array(gzipSync(plain))))).toEqual(Array.from(plain));
		expect(await gunzipIfNeeded(plain)).toBe(plain);
	});
});

describe('bundled datasets', () => {
	const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));

	it('digits load with the registered sizes, pixels in [0, 1] and every class present', async () => {
		const data = await loadImageDataset(IMAGE_DATASETS.digits, fromStatic);
		expect(data.train.count).toBe(1497);
		expect(data.val.images.length).toBe(300 * 64);
		expect(Math.max(...data.train.images)).toBe(1);
		expect(new Set(data.train.labels).size).toBe(10);
	});

	it('fashion-mnist loads 10k/2k images of 28×28', async () => {
		const data = await loadImageDataset(IMAGE_DATASETS['fashion-mnist'], fromStatic);
		expect(data.train.images.length).toBe(10_000 * 784);
		expect(data.val.labels.length).toBe(2000);
		expect(new Set(data.val.labels).size).toBe(10);
	});

	it('rejects a label outside the class range', () => {
		const spec = IMAGE_DATASETS.digits;
		const images = idxBytes([1, 8, 8], new Array(64).fill(0));
		const labels = idxBytes([1], [12]);
		expect(() => decodeSplit(spec, images, labels, 1, { images: 'i', labels: 'l' })).toThrow(
			/l: label 12 at row 0 is outside 0..9/
		);
	});
});
