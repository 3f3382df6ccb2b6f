// A dataset resident on the device, in the shape the training loop consumes: a count of training
// examples for the batch order, a way to gather one batch from example indices, and a validation split
// cut into rows. Classification rows are examples; for text, a training example is the window that
// starts at a given position, and validation rows are the non-overlapping windows of the held-out text.
import * as tf from '@tensorflow/tfjs';
import type { TrainingData } from '$lib/datasets/classification-data';
import { checkContextFits, validationWindows } from '../text-windows';

export interface SplitTensors {
	/** Model inputs, one row per example: [n, features] floats or [n, context] token ids. */
	x: tf.Tensor2D;
	/** Labels, [n] for classifiers or [n, context] next tokens; flattened they match the logits' rows. */
	y: tf.Tensor1D | tf.Tensor2D;
	count: number;
}

export interface DeviceData {
	/** Output classes of the model (the vocabulary size for text). */
	classes: number;
	/** Training examples the batch order draws from. */
	trainCount: number;
	/** Gathers one training batch; call inside tf.tidy. */
	batch(indices: tf.Tensor1D): { x: tf.Tensor2D; y: tf.Tensor1D };
	val: SplitTensors;
	dispose(): void;
}

/**
 * tf.gather(x, indices) along axis 0, as gatherND: the same copy, but tfjs-wasm's GatherV2 walks every
 * element through generic index arithmetic, a slow path (what gatherND costs per step is the
 * `profile MLP: kernel GatherNd` row of docs/BENCHMARKS.md). Indices of any shape S give a result of
 * shape S + x.shape[1:].
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
	return tf.gatherND(x, tf.expandDims(indices, -1));
}

export function toDevice(data: TrainingData, contextLength: number): DeviceData {
	return data.kind === 'text' ? textToDevice(data, contextLength) : classificationToDevice(data);
}

function classificationToDevice(data: Extract<TrainingData, { kind: 'classification' }>): DeviceData {
	const trainX = tf.tensor2d(data.train.inputs, [data.train.count, data.features]);
	const trainY = tf.tensor1d(data.train.labels, 'int32');
	const val: SplitTensors = {
		x: tf.tensor2d(data.val.inputs, [data.val.count, data.features]),
		y: tf.tensor1d(data.val.labels, 'int32'),
		count: data.val.count
	};
	return {
		classes: data.classes,
		trainCount: data.train.count,
		batch: (indices) => ({
			x: gatherRows(trainX, indices) as tf.Tensor2D,
			y: gatherRows(trainY, indices) as tf.Tensor1D
		}),
		val,
		dispose: () => tf.dispose([trainX, trainY, val.x, val.y])
	};
}

function textToDevice(data: Extract<TrainingData, { kind: 'text' }>, contextLength: number): DeviceData {
	const T = contextLength;
	checkContextFits(data, T);
	const tokens = tf.tensor1d(data.train, 'int32');
	// Offsets 0..T of a window; a batch's positions are its starts plus these.
	const offsets = tf.tidy(() => tf.range(0, T + 1, 1, 'int32').reshape([1, T + 1]));
	const windows = validationWindows(data.val, T);
	const val: SplitTensors = {
		x: tf.tensor2d(windows.x, [windows.count, T], 'int32'),
		y: tf.tensor2d(windows.y, [windows.count, T], 'int32'),
		count: windows.count
	};
	return {
		classes: data.vocab.length,
		// Every start whose window and next-token targets fit inside the training text.
		trainCount: data.train.length - T,
		batch: (indices) => {
			const positions = tf.add(indices.reshape([-1, 1]), offsets);
			const window = gatherRows(tokens, positions) as unknown as tf.Tensor2D;
			const n = indices.shape[0];
			return {
				x: window.slice([0, 0], [n, T]),
				y: window.slice([0, 1], [n, T]).reshape([-1]) as tf.Tensor1D
			};
		},
		val,
		dispose: () => tf.dispose([tokens, offsets, val.x, val.y])
	};
}
