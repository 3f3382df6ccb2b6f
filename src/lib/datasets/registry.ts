// The bundled image datasets: where their files are (under static/) and what shape they must have.
import type { DatasetName } from '$lib/study/trial-config';

export interface ImageDatasetSpec {
	name: DatasetName;
	label: string;
	height: number;
	width: number;
	classes: number;
	/** Largest pixel value in the file; pixels are divided by it so inputs lie in [0, 1]. */
	maxPixel: number;
	trainCount: number;
	valCount: number;
	files: { trainImages: string; trainLabels: string; valImages: string; valLabels: string };
}

function filesFor(folder: string) {
	return {
		trainImages: `datasets/${folder}/train-images.idx.gz`,
		trainLabels: `datasets/${folder}/train-labels.idx.gz`,
		valImages: `datasets/${folder}/val-images.idx.gz`,
		valLabels: `datasets/${folder}/val-labels.idx.gz`
	};
}

export const IMAGE_DATASETS: Record<DatasetName, ImageDatasetSpec> = {
	digits: {
		name: 'digits',
		label: 'Digits 8×8 (1,497 train / 300 validation)',
		height: 8,
		width: 8,
		classes: 10,
		maxPixel: 16,
		trainCount: 1497,
		valCount: 300,
		files: filesFor('digits')
	},
	'fashion-mnist': {
		name: 'fashion-mnist',
		label: 'Fashion-MNIST 28×28 (10,000 train / 2,000 validation)',
		height: 28,
		width: 28,
		classes: 10,
		maxPixel: 255,
		trainCount: 10_000,
		valCount: 2_000,
		files: filesFor('fashion-mnist')
	}
};
