// Taking a checkpoint from live tensors and putting one back (tfjs side; the data shape is in
// checkpoint-data.ts, which the page can import without loading tfjs).
import * as tf from '@tensorflow/tfjs';
import type { BatchOrderState } from '$lib/math/batch-order';
import type { EvalRow } from '$lib/study/metrics';
import type { TrialCheckpoint } from './checkpoint-data';
import { exportOptimizerState, type OptimizerState } from './optimizers';
import { exportAverageState, type AverageState, type AveragerKind } from './weight-averaging';

export async function captureCheckpoint(parts: {
	step: number;
	paramNames: string[];
	params: tf.Variable[];
	optimizer: OptimizerState;
	averagers: { kind: AveragerKind; state: AverageState }[];
	batchOrder: BatchOrderState;
	initialLoss: number;
	evalRow: EvalRow;
}): Promise<TrialCheckpoint> {
	// Copies: some backends hand back views of their own storage.
	const params = await Promise.all(parts.params.map(async (p) => new Float32Array(await p.data())));
	return {
		step: parts.step,
		paramNames: [...parts.paramNames],
		params,
		optimizer: await exportOptimizerState(parts.optimizer),
		averagers: await Promise.all(
			parts.averagers.map(async ({ kind, state }) => ({ kind, state: await exportAverageState(state) }))
		),
		batchOrder: { ...parts.batchOrder },
		initialLoss: parts.initialLoss,
		evalRow: { ...parts.evalRow }
	};
}

/** Overwrites freshly initialised parameters with a checkpoint's, checking names and sizes first. */
export function restoreParams(
	checkpoint: Pick<TrialCheckpoint, 'paramNames' | 'params'>,
	names: string[],
	params: tf.Variable[]
): void {
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
