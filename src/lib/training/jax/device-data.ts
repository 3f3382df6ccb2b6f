// A dataset in the shape the compiled engine's trainer consumes: the training examples a batch order
// draws from, one training batch gathered for given example indices (the same rows, or text windows,
// as the TF.js engine's device data gathers), and the validation split cut into batches of one fixed
// shape, the last padded and masked, so evaluation is compiled once per batch size.
// Training batches are gathered on the host and uploaded: in jax-js 0.1.25 on wasm, gathering rows of
// a device-resident dataset (np.take) made the whole runTrialLoop slower than copying the rows here
// (digits MLP, batch 128: 301 against 337 steps/s; Fashion-MNIST: 151 against 160, medians of 3), and a
// text window's token positions are as many values as its tokens. Validation batches stay on the device.
import { numpy as np } from '@jax-js/jax';
import type { TrainingData } from '$lib/datasets/classification-data';
import { checkContextFits, validationWindows } from '../text-windows';

/** One validation batch on the device: inputs, labels and a float mask with 0 on padding labels. */
export interface EvalBatch {
	x: np.Array;
	y: np.Array;
	mask: np.Array;
}

/** A training batch on the host: x (row-major, shape xShape) and its labels. */
export interface HostBatch {
	x: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
	xShape: number[];
	y: Int32Array<ArrayBuffer>;
}

export interface JaxDeviceData {
	/** Output classes of the model (the vocabulary size for text). */
	classes: number;
	/** Training examples the batch order draws from (window starts for text). */
	trainCount: number;
	/** The training batch for `indices`: x float32 [n, features] or int32 [n, T], y int32 labels; caller owns. */
	batch(indices: Int32Array): { x: np.Array; y: np.Array };
	/** The same batch on the host (x's shape without a leading axis is xShape), for batched trials. */
	hostBatch(indices: Int32Array): HostBatch;
	/** Validation labels in all (rows × labels per row). */
	valLabels: number;
	/** The validation split in batches of `rows` rows (built once per size, kept until dispose). */
	evalBatches(rows: number): EvalBatch[];
	dispose(): void;
}

export function toJaxDevice(data: TrainingData, contextLength: number): JaxDeviceData {
	return data.kind === 'text' ? textData(data, contextLength) : classificationData(data);
}

/** Host split → fixed-shape device batches: rows [start, start + rows) padded with zeros, mask 0 there. */
function cutBatches(
	x: Float32Array | Int32Array,
	y: Int32Array,
	count: number,
	rowWidth: number,
	labelsPerRow: number,
	rows: number
): EvalBatch[] {
	const batches: EvalBatch[] = [];
	for (let start = 0; start < count; start += rows) {
		const size = Math.min(rows, count - start);
		const xs = x instanceof Int32Array ? new Int32Array(rows * rowWidth) : new Float32Array(rows * rowWidth);
		xs.set(x.subarray(start * rowWidth, (start + size) * rowWidth));
		const ys = new Int32Array(rows * labelsPerRow);
		ys.set(y.subarray(start * labelsPerRow, (start + size) * labelsPerRow));
		const mask = new Float32Array(rows * labelsPerRow);
		mask.fill(1, 0, size * labelsPerRow);
		batches.push({
			x: (xs instanceof Int32Array ? np.array(xs, { dtype: np.int32 }) : np.array(xs)).reshape([
				rows,
				rowWidth
			]),
			y: np.array(ys, { dtype: np.int32 }),
			mask: np.array(mask)
		});
	}
	return batches;
}

function batchCache(build: (rows: number) => EvalBatch[]) {
	const cache = new Map<number, EvalBatch[]>();
	return {
		get(rows: number): EvalBatch[] {
			let batches = cache.get(rows);
			if (!batches) {
				batches = build(rows);
				cache.set(rows, batches);
			}
			return batches;
		},
		dispose(): void {
			for (const b of [...cache.values()].flat()) for (const a of [b.x, b.y, b.mask]) a.dispose();
			cache.clear();
		}
	};
}

function classificationData(data: Extract<TrainingData, { kind: 'classification' }>): JaxDeviceData {
	const f = data.features;
	const evals = batchCache((rows) =>
		cutBatches(data.val.inputs, data.val.labels, data.val.count, f, 1, rows)
	);
	const hostBatch = (indices: Int32Array): HostBatch => {
		const n = indices.length;
		const x = new Float32Array(n * f);
		indices.forEach((row, r) => x.set(data.train.inputs.subarray(row * f, row * f + f), r * f));
		const y = Int32Array.from(indices, (row) => data.train.labels[row]!);
		return { x, xShape: [n, f], y };
	};
	return {
		classes: data.classes,
		trainCount: data.train.count,
		batch(indices) {
			const { x, xShape, y } = hostBatch(indices);
			return { x: np.array(x).reshape(xShape), y: np.array(y, { dtype: np.int32 }) };
		},
		hostBatch,
		valLabels: data.val.count,
		evalBatches: (rows) => evals.get(rows),
		dispose: () => evals.dispose()
	};
}

function textData(data: Extract<TrainingData, { kind: 'text' }>, contextLength: number): JaxDeviceData {
	const T = contextLength;
	checkContextFits(data, T);
	const windows = validationWindows(data.val, T);
	const evals = batchCache((rows) => cutBatches(windows.x, windows.y, windows.count, T, T, rows));
	const hostBatch = (indices: Int32Array): HostBatch => {
		const n = indices.length;
		const x = new Int32Array(n * T);
		const y = new Int32Array(n * T);
		indices.forEach((start, r) => {
			x.set(data.train.subarray(start, start + T), r * T);
			y.set(data.train.subarray(start + 1, start + T + 1), r * T);
		});
		return { x, xShape: [n, T], y };
	};
	return {
		classes: data.vocab.length,
		// Every start whose window and next-token targets fit inside the training text.
		trainCount: data.train.length - T,
		batch(indices) {
			const { x, xShape, y } = hostBatch(indices);
			return {
				x: np.array(x, { dtype: np.int32 }).reshape(xShape),
				y: np.array(y, { dtype: np.int32 })
			};
		},
		hostBatch,
		valLabels: windows.count * T,
		evalBatches: (rows) => evals.get(rows),
		dispose: () => evals.dispose()
	};
}
