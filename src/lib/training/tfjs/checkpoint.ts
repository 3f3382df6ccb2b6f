// Copying parameters off the device for a checkpoint and putting a checkpoint's back (the data shape
// is in ../checkpoint-data.ts, which the page can import without loading tfjs).
import * as tf from '@tensorflow/tfjs';
import type { SavedWeights } from '../checkpoint-data';

/** The parameters' values, copied: some backends hand back views of their own storage. */
export function captureParams(params: tf.Variable[]): Promise<Float32Array[]> {
	return Promise.all(params.map(async (p) => new Float32Array(await p.data())));
}

/** Overwrites freshly initialised parameters with a checkpoint's, checking names and sizes first. */
export function restoreParams(checkpoint: SavedWeights, names: string[], params: tf.Variable[]): void {
	if (checkpoint.paramNames.join() !== names.join()) {
		throw new Error(
			`the checkpoint holds parameters [${checkpoint.paramNames.join(', ')}] but the model has [${names.join(', ')}]`
		);
	}
	params.forEach((p, i) => {
		const values = checkpoint.params[i]!;
		if (values.length !== p.size) {
			throw new Error(`checkpoint parameter ${names[i]} has ${values.length} values, the model ${p.size}`);
		}
		tf.tidy(() => p.assign(tf.tensor(values, p.shape, 'float32')));
	});
}
