// Loads any bundled dataset by name with the loader its kind needs.
import type { DatasetName } from '$lib/study/trial-config';
import type { TrainingData } from './classification-data';
import { loadImageDataset, type FetchBytes } from './image-dataset';
import { DATASETS } from './registry';
import { loadTabularDataset } from './tabular-dataset';
import { loadTextDataset } from './text-dataset';

export function loadDataset(name: DatasetName, fetchBytes: FetchBytes): Promise<TrainingData> {
	const spec = DATASETS[name];
	if (spec.kind === 'image') return loadImageDataset(spec, fetchBytes);
	if (spec.kind === 'text') return loadTextDataset(spec, fetchBytes);
	return loadTabularDataset(spec, fetchBytes);
}
