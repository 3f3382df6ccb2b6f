import { describe, expect, it } from 'vitest';
import { parseUserIdx } from './user-idx';
import { idxPair } from '../testing/user-test-fixtures';

const names = { images: 'img.idx', labels: 'lab.idx' };

describe('parseUserIdx', () => {
	it('decodes images scaled to [0, 1], with the image size, classes and a stratified split', () => {
		const { images, labels } = idxPair(20);
		const data = parseUserIdx(images, labels, names);
		expect(data.kind).toBe('classification');
		expect(data.image).toEqual({ height: 2, width: 3 });
		expect(data.features).toBe(6);
		expect(data.classes).toBe(3);
		expect(data.rows).toBe(20);
		// Classes of 7, 7 and 6 images → 1 held out each.
		expect(data.val.count).toBe(3);
		expect(data.train.count).toBe(17);
		expect(data.train.inputs).toHaveLength(17 * 6);
		// Each image keeps its pixels and its label together: image i is all i·10/255 with label i mod 3.
		for (const split of [data.train, data.val]) {
			for (let r = 0; r < split.count; r++) {
				const i = Math.round((split.inputs[r * 6]! * 255) / 10);
				expect(split.inputs[r * 6 + 5]).toBeCloseTo((i * 10) / 255, 6);
				expect(split.labels[r]).toBe(i % 3);
			}
		}
		expect(Math.max(...data.train.inputs, ...data.val.inputs)).toBeLessThanOrEqual(1);
	});

	it('counts classes as the largest label + 1, gaps included', () => {
		const { images, labels } = idxPair(12, (i) => (i % 2 ? 4 : 0));
		expect(parseUserIdx(images, labels, names).classes).toBe(5);
	});

	it('rejects mismatched counts, naming both files', () => {
		const a = idxPair(20);
		const b = idxPair(12);
		expect(() => parseUserIdx(a.images, b.labels, names)).toThrow(
			'lab.idx: 12 labels but img.idx holds 20 images; the counts must match'
		);
	});

	it('rejects a bad magic number, naming the file', () => {
		const { images, labels } = idxPair(12);
		const bad = images.slice();
		bad[1] = 3;
		expect(() => parseUserIdx(bad, labels, names)).toThrow('img.idx: bad magic number');
	});

	it('notices swapped files', () => {
		const { images, labels } = idxPair(12);
		expect(() => parseUserIdx(labels, images, names)).toThrow(
			/img\.idx: an images file holds \[count × height × width\].*\[12\]; are the images and labels files swapped/
		);
		expect(() => parseUserIdx(images, images, names)).toThrow(/lab\.idx: a labels file holds \[count\]/);
	});

	it('rejects a single class and too few images', () => {
		const one = idxPair(12, () => 7);
		expect(() => parseUserIdx(one.images, one.labels, names)).toThrow(
			'lab.idx: every label is 7: a single class; a classifier needs at least two'
		);
		const few = idxPair(9);
		expect(() => parseUserIdx(few.images, few.labels, names)).toThrow('img.idx: only 9 images; at least 10');
	});
});
