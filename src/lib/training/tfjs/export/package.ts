// The downloaded model's ZIP: the files of a Layers model (MLP, CNN; layers-model.ts) or of a graph
// model (the transformer; transformer-graph.ts), its README, and for text models the vocabulary
// that maps characters to token ids. Runs in a worker (workers/trial-worker.ts).
import type { TrainingData } from '$lib/datasets/classification-data';
import type { ModelExportRequest } from '../../engine';
import { zipStored, type ZipEntry } from '../../export/zip';
import { exportLayersModel } from './layers-model';
import { modelReadme } from './readme';
import { exportTransformer } from './transformer-graph';

export async function modelPackage(request: ModelExportRequest, data: TrainingData): Promise<Uint8Array> {
	const { config } = request;
	const encoder = new TextEncoder();
	let files: ZipEntry[];
	let inputShape: number[];
	let classes: number;
	if (config.model === 'transformer') {
		if (data.kind !== 'text') throw new Error(`the transformer needs a text dataset, not ${config.dataset}`);
		const graph = exportTransformer(config, data.vocab.length, request.weights);
		files = [
			{ name: 'model.json', data: encoder.encode(graph.modelJson) },
			{ name: 'weights.bin', data: graph.weights },
			{ name: 'vocabulary.json', data: encoder.encode(JSON.stringify(data.vocab)) }
		];
		inputShape = [graph.contextLength];
		classes = data.vocab.length;
	} else {
		if (data.kind !== 'classification') throw new Error(`${config.dataset} is not a classification dataset`);
		const layers = await exportLayersModel(
			config,
			{ features: data.features, classes: data.classes, image: data.image },
			request.weights
		);
		files = [
			{ name: 'model.json', data: encoder.encode(layers.modelJson) },
			{ name: 'weights.bin', data: layers.weights }
		];
		inputShape = layers.inputShape;
		classes = data.classes;
	}
	const readme = modelReadme({
		trialLabel: request.trialLabel,
		studyName: request.studyName,
		config,
		step: request.step,
		weights: request.which,
		evalRow: request.evalRow,
		inputShape,
		classes,
		exportedAt: new Date()
	});
	return zipStored([...files, { name: 'README.md', data: encoder.encode(readme) }]);
}
