// The one shape the training loop reads, whatever the dataset's kind: rows of float features and
// integer class labels. Image and tabular loaders both produce it.
import type { TextData } from './text-data';

export interface ClassificationSplit {
	/** count × features values, row-major, ready to feed to the model. */
	inputs: Float32Array;
	/** One class index in 0..classes−1 per row. */
	labels: Int32Array;
	count: number;
}

export interface ClassificationData {
	kind: 'classification';
	/** Set for images: rows are height × width pixels, row-major (the CNN reshapes them). */
	image?: { height: number; width: number };
	/** Values per row (pixels of an image, columns of a table). */
	features: number;
	classes: number;
	train: ClassificationSplit;
	val: ClassificationSplit;
}

/** Whatever a dataset decodes to: labelled rows for the classifiers, or tokens for the language model. */
export type TrainingData = ClassificationData | TextData;
