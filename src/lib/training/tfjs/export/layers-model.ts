// Turns a trial's saved weights into a standard TensorFlow.js Layers model (model.json + weights.bin)
// that `tf.loadLayersModel` reads. The lab's models are written with explicit variables (models/mlp.ts,
// models/cnn.ts); here the same architecture is rebuilt from stock `tf.layers` and the weights are copied in,
// in the same order: for every layer its kernel, then its bias. The CNN's im2col kernel is already
// stored as [3, 3, in, out], the layout of `tf.layers.conv2d`, so it goes in unchanged. Dropout is
// left out (it does nothing at inference). The model outputs logits: apply tf.softmax for probabilities.
// The transformer has no stock layer for causal self-attention: transformer-graph.ts writes it as a
// GraphModel instead.
import * as tf from '@tensorflow/tfjs';
import type { TrialConfig } from '$lib/study/trial-config';
import type { SavedWeights } from '../../checkpoint-data';
import { MODEL_DEFAULTS } from '../../model-spec';

/** What the exported model is fed, taken from the dataset the trial trained on. */
export interface ExportInput {
	/** Values per example (pixels of an image, columns of a table). */
	features: number;
	classes: number;
	/** Set for images. */
	image?: { height: number; width: number };
}

export interface ExportedModelFiles {
	/** model.json: the topology and the weights manifest, pointing at weights.bin. */
	modelJson: string;
	/** weights.bin: every weight as little-endian float32, in the manifest's order. */
	weights: Uint8Array;
	/** Input shape of one example, without the batch axis. */
	inputShape: number[];
}

function checkWeights(weights: SavedWeights, expected: { name: string; size: number }[]): void {
	const names = expected.map((e) => e.name);
	if (weights.paramNames.join() !== names.join()) {
		throw new Error(
			`the checkpoint holds parameters [${weights.paramNames.join(', ')}], the model needs [${names.join(', ')}]`
		);
	}
	expected.forEach((e, i) => {
		const got = weights.params[i]!.length;
		if (got !== e.size) throw new Error(`parameter ${e.name} has ${got} values, the model needs ${e.size}`);
	});
}

/** The Layers model of an MLP or CNN trial with the given weights (the caller disposes it). */
export function buildLayersModel(
	config: TrialConfig,
	input: ExportInput,
	weights: SavedWeights
): tf.LayersModel {
	if (config.model === 'transformer') {
		throw new Error('the transformer has no Layers form; transformer-graph.ts writes it as a graph model');
	}
	const model = tf.sequential({ name: `tuning_lab_${config.model}` });
	const expected: { name: string; size: number; shape: number[] }[] = [];
	if (config.model === 'cnn') {
		if (!input.image) throw new Error('the cnn model needs image data');
		const { height, width } = input.image;
		const filters = config.cnnWidth ?? MODEL_DEFAULTS.cnnWidth;
		const blocks = config.cnnDepth ?? MODEL_DEFAULTS.cnnDepth;
		let channels = 1;
		let [h, w] = [height, width];
		for (let b = 0; b < blocks; b++) {
			const out = filters * 2 ** b;
			model.add(
				tf.layers.conv2d({
					name: `conv${b}`,
					filters: out,
					kernelSize: 3,
					padding: 'same',
					activation: 'relu',
					...(b === 0 ? { inputShape: [height, width, 1] } : {})
				})
			);
			// 2×2, stride 2, 'valid': an odd last row or column is dropped, as in cnn.ts.
			model.add(tf.layers.maxPooling2d({ name: `pool${b}`, poolSize: 2, strides: 2, padding: 'valid' }));
			expected.push(
				{ name: `conv${b}/kernel`, size: 9 * channels * out, shape: [3, 3, channels, out] },
				{ name: `conv${b}/bias`, size: out, shape: [out] }
			);
			channels = out;
			[h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
		}
		// Row-major [h, w, channels] → a vector, the order cnn.ts flattens in.
		model.add(tf.layers.flatten({ name: 'flatten' }));
		model.add(tf.layers.dense({ name: 'output', units: input.classes }));
		const flat = h * w * channels;
		expected.push(
			{ name: 'output/kernel', size: flat * input.classes, shape: [flat, input.classes] },
			{ name: 'output/bias', size: input.classes, shape: [input.classes] }
		);
	} else {
		let fanIn = input.features;
		for (let layer = 0; layer <= config.depth; layer++) {
			const isOutput = layer === config.depth;
			const units = isOutput ? input.classes : config.hiddenWidth;
			const name = isOutput ? 'output' : `hidden${layer}`;
			model.add(
				tf.layers.dense({
					name,
					units,
					activation: isOutput ? 'linear' : 'relu',
					...(layer === 0 ? { inputShape: [input.features] } : {})
				})
			);
			expected.push(
				{ name: `${name}/kernel`, size: fanIn * units, shape: [fanIn, units] },
				{ name: `${name}/bias`, size: units, shape: [units] }
			);
			fanIn = units;
		}
	}
	checkWeights(weights, expected);
	const tensors = expected.map((e, i) => tf.tensor(weights.params[i]!, e.shape, 'float32'));
	model.setWeights(tensors);
	tf.dispose(tensors);
	return model;
}

function joinBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
	const parts = (Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b));
	const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

/** model.json and weights.bin of the trial's model with these weights. */
export async function exportLayersModel(
	config: TrialConfig,
	input: ExportInput,
	weights: SavedWeights
): Promise<ExportedModelFiles> {
	const model = buildLayersModel(config, input, weights);
	try {
		let files: Omit<ExportedModelFiles, 'inputShape'> | null = null;
		await model.save(
			tf.io.withSaveHandler(async (artifacts) => {
				// The layout tfjs's own file savers write (tf.io.browserDownloads): model.json points at weights.bin.
				const json = {
					modelTopology: artifacts.modelTopology,
					format: artifacts.format ?? 'layers-model',
					generatedBy: artifacts.generatedBy,
					convertedBy: artifacts.convertedBy ?? null,
					weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }]
				};
				files = {
					modelJson: JSON.stringify(json),
					weights: joinBuffers(artifacts.weightData ?? new ArrayBuffer(0))
				};
				return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
			})
		);
		if (!files) throw new Error('tfjs did not hand over the saved model');
		const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1) as number[];
		return { ...(files as Omit<ExportedModelFiles, 'inputShape'>), inputShape };
	} finally {
		model.dispose();
	}
}
