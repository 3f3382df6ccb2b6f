// Fetches, decompresses and validates one bundled image dataset. Runs inside the trial worker.
import type { ClassificationData, ClassificationSplit } from './classification-data';
import { DatasetFormatError, gunzipIfNeeded, parseIdx } from './idx';
import type { ImageDatasetSpec } from './registry';

export interface ImageSplit extends ClassificationSplit {
	/** count × (height·width) pixels scaled to [0, 1]; the same array as `inputs`. */
	images: Float32Array;
}

export interface ImageDataset extends ClassificationData {
	spec: ImageDatasetSpec;
	train: ImageSplit;
	val: ImageSplit;
}

export type FetchBytes = (path: string) => Promise<Uint8Array>;

export function decodeSplit(
	spec: ImageDatasetSpec,
	imageBytes: Uint8Array,
	labelBytes: Uint8Array,
	count: number,
	sources: { images: string; labels: string }
): ImageSplit {
	const images = parseIdx(imageBytes, sources.images, [count, spec.height, spec.width]);
	const labels = parseIdx(labelBytes, sources.labels, [count]);
	const scaled = new Float32Array(images.data.length);
	for (let i = 0; i < scaled.length; i++) scaled[i] = images.data[i]! / spec.maxPixel;
	const ints = new Int32Array(count);
	for (let i = 0; i < count; i++) {
		const label = labels.data[i]!;
		if (label >= spec.classes) {
			throw new DatasetFormatError(
				sources.labels,
				`label ${label} at row ${i} is outside 0..${spec.classes - 1}`
			);
		}
		ints[i] = label;
	}
	return { images: scaled, inputs: scaled, labels: ints, count };
}

export async function loadImageDataset(
	spec: ImageDatasetSpec,
	fetchBytes: FetchBytes
): Promise<ImageDataset> {
	const f = spec.files;
	const raw = await Promise.all([f.trainImages, f.trainLabels, f.valImages, f.valLabels].map(fetchBytes));
	const [trainImages, trainLabels, valImages, valLabels] = await Promise.all(raw.map(gunzipIfNeeded));
	return {
		kind: 'classification',
		spec,
		image: { height: spec.height, width: spec.width },
		features: spec.height * spec.width,
		classes: spec.classes,
		train: decodeSplit(spec, trainImages!, trainLabels!, spec.trainCount, {
			images: f.trainImages,
			labels: f.trainLabels
		}),
		val: decodeSplit(spec, valImages!, valLabels!, spec.valCount, {
			images: f.valImages,
			labels: f.valLabels
		})
	};
}

/** Fetches a file next to the app (works in the page and in a worker), with a clear error on HTTP failure. */
export function fetchFromOrigin(base: string): FetchBytes {
	return async (path) => {
		const url = new URL(path, base);
		const response = await fetch(url);
		if (!response.ok) throw new Error(`could not load ${url.pathname}: HTTP ${response.status}`);
		return new Uint8Array(await response.arrayBuffer());
	};
}
