// A user's images in IDX files (the MNIST family's format): an images file [count × height × width] of
// unsigned bytes and a labels file [count] of class indices. Pure: bytes in (already gunzipped), arrays
// out. Pixels are scaled from 0..255 to [0, 1]; 20% of each class is held out for validation.
import type { ClassificationData } from './classification-data';
import { DatasetFormatError, parseIdx } from './idx';
import { checkRowCount, stratifiedSplit, takeLabels, takeRows } from './user-split';

/** parseIdx reads unsigned bytes only, so the brightest possible pixel is 255. */
const MAX_PIXEL = 255;

export interface UserIdxData extends ClassificationData {
	image: { height: number; width: number };
	/** Images in the files (train + validation). */
	rows: number;
}

export function parseUserIdx(
	imageBytes: Uint8Array,
	labelBytes: Uint8Array,
	sources: { images: string; labels: string }
): UserIdxData {
	const images = parseIdx(imageBytes, sources.images);
	const labels = parseIdx(labelBytes, sources.labels);
	if (images.dims.length !== 3) {
		throw new DatasetFormatError(
			sources.images,
			`an images file holds [count × height × width] (rank 3), this one is [${images.dims.join('×')}]` +
				(images.dims.length === 1 ? '; are the images and labels files swapped?' : '')
		);
	}
	if (labels.dims.length !== 1) {
		throw new DatasetFormatError(
			sources.labels,
			`a labels file holds [count] (rank 1), this one is [${labels.dims.join('×')}]` +
				(labels.dims.length === 3 ? '; are the images and labels files swapped?' : '')
		);
	}
	const [count, height, width] = images.dims as [number, number, number];
	if (labels.dims[0] !== count) {
		throw new DatasetFormatError(
			sources.labels,
			`${labels.dims[0]} labels but ${sources.images} holds ${count} images; the counts must match`
		);
	}
	if (height < 1 || width < 1) {
		throw new DatasetFormatError(sources.images, `images of ${height}×${width} pixels hold nothing`);
	}
	checkRowCount(sources.images, count, 'images');

	const classLabels = Int32Array.from(labels.data);
	let maxLabel = 0;
	for (const label of classLabels) maxLabel = Math.max(maxLabel, label);
	if (new Set(classLabels).size < 2) {
		throw new DatasetFormatError(
			sources.labels,
			`every label is ${classLabels[0]}: a single class; a classifier needs at least two`
		);
	}
	const classes = maxLabel + 1;
	const features = height * width;
	const split = stratifiedSplit(classLabels, classes, sources.labels);
	return {
		kind: 'classification',
		image: { height, width },
		features,
		classes,
		train: {
			inputs: takeRows(images.data, features, split.train, MAX_PIXEL),
			labels: takeLabels(classLabels, split.train),
			count: split.train.length
		},
		val: {
			inputs: takeRows(images.data, features, split.val, MAX_PIXEL),
			labels: takeLabels(classLabels, split.val),
			count: split.val.length
		},
		rows: count
	};
}
