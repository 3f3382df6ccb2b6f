// Builds the tfjs model a ModelSpec describes (model-spec.ts), with seeded initial parameters.
import type { TrainingData } from '$lib/datasets/classification-data';
import type { TrialConfig } from '$lib/study/trial-config';
import { modelSpecOf, type ModelSpec } from '../../model-spec';
import { createCnn } from './cnn';
import { createMlp } from './mlp';
import type { Model } from './model';
import { createTransformer } from './transformer';

export function buildModel(spec: ModelSpec, seed: number): Model {
	if (spec.kind === 'transformer') return createTransformer(spec, seed);
	if (spec.kind === 'cnn') return createCnn(spec, seed);
	return createMlp(spec, seed);
}

/** The model a trial configuration names, sized for the data it will train on. */
export function createModel(config: TrialConfig, data: TrainingData, seed: number): Model {
	return buildModel(modelSpecOf(config, data), seed);
}
