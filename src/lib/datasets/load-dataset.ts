// Loads any bundled dataset by name with the loader its kind needs, as the training loop's common shape.
import type { DatasetName } from '$lib/study/trial-config';
import type { ClassificationData } from './classification-data';
import { loadImageDataset, type FetchBytes } from './image-dataset';
import { DATASETS } from './registry';
import { loadTabularDataset } from './tabular-dataset';

export function loadDataset(name: DatasetName, fetchBytes: FetchBytes): Promise<ClassificationData> {
	const spec = DATASETS[name];
	return spec.kind === 'image' ? loadImageDataset(spec, fetchBytes) : loadTabularDataset(spec, fetchBytes);
}
