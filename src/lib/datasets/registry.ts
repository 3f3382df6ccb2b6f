// The bundled datasets: where their files are (under static/), what shape they must have, and which
// loader reads them (`kind`).
import type { DatasetName } from '$lib/study/trial-config';

export type ImageDatasetName = Extract<DatasetName, 'digits' | 'fashion-mnist'>;
export type TextDatasetName = Extract<DatasetName, 'moby-dick'>;
export type TabularDatasetName = Exclude<DatasetName, ImageDatasetName | TextDatasetName>;

export interface ImageDatasetSpec {
	kind: 'image';
	name: ImageDatasetName;
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

export const IMAGE_DATASETS: Record<ImageDatasetName, ImageDatasetSpec> = {
	digits: {
		kind: 'image',
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
		kind: 'image',
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

/** A table of numeric features and an integer class column (train.csv and val.csv, see NOTICE.md). */
export interface TabularDatasetSpec {
	kind: 'tabular';
	name: TabularDatasetName;
	label: string;
	/** Feature columns; the files have these plus a final `label` column. */
	features: number;
	classes: number;
	/** What each class index means, from the source data. */
	classNames: readonly string[];
	trainCount: number;
	valCount: number;
	files: { train: string; val: string };
}

function tableFiles(folder: string) {
	return { train: `datasets/${folder}/train.csv`, val: `datasets/${folder}/val.csv` };
}

export const TABULAR_DATASETS: Record<TabularDatasetName, TabularDatasetSpec> = {
	'breast-cancer': {
		kind: 'tabular',
		name: 'breast-cancer',
		label: 'Breast cancer, 30 features (456 train / 113 validation)',
		features: 30,
		classes: 2,
		classNames: ['malignant', 'benign'],
		trainCount: 456,
		valCount: 113,
		files: tableFiles('breast-cancer')
	},
	iris: {
		kind: 'tabular',
		name: 'iris',
		label: 'Iris, 4 features (120 train / 30 validation)',
		features: 4,
		classes: 3,
		classNames: ['setosa', 'versicolor', 'virginica'],
		trainCount: 120,
		valCount: 30,
		files: tableFiles('iris')
	},
	wine: {
		kind: 'tabular',
		name: 'wine',
		label: 'Wine, 13 features (142 train / 36 validation)',
		features: 13,
		classes: 3,
		classNames: ['class_0', 'class_1', 'class_2'],
		trainCount: 142,
		valCount: 36,
		files: tableFiles('wine')
	}
};

/** Plain text for the character-level language model, split by position (see text-data.ts). */
export interface TextDatasetSpec {
	kind: 'text';
	name: TextDatasetName;
	label: string;
	/** Characters in the file after decoding (checked on load). */
	chars: number;
	/** Distinct characters in the file: the vocabulary, and so the model's input and output sizes. */
	vocab: number;
	file: string;
}

export const TEXT_DATASETS: Record<TextDatasetName, TextDatasetSpec> = {
	'moby-dick': {
		kind: 'text',
		name: 'moby-dick',
		label: 'Moby-Dick, characters (first 90% train / last 10% validation)',
		chars: 1_190_317,
		vocab: 83,
		file: 'datasets/moby-dick/moby-dick.txt.gz'
	}
};

export type DatasetSpec = ImageDatasetSpec | TextDatasetSpec | TabularDatasetSpec;

/** Every bundled dataset by name, images first (the order pickers list them in). */
export const DATASETS: Record<DatasetName, DatasetSpec> = {
	...IMAGE_DATASETS,
	...TEXT_DATASETS,
	...TABULAR_DATASETS
};
