// The tfjs Trainer (engine.ts): a trial's model, optimizer, weight averages and device-resident data,
// and the training step itself: forward, loss, gradients, clipping, update. Every step runs inside
// tf.tidy; its scalars stay on the device until the trial loop reads a group of them back at once.
import * as tf from '@tensorflow/tfjs';
import type { TrainingData } from '$lib/datasets/classification-data';
import { streamSeed } from '$lib/math/random';
import type { TrialConfig } from '$lib/study/trial-config';
import type { Evaluation, StepScalars, Trainer, TrainerState } from '../engine';
import { contextLengthOf } from '../model-spec';
import { captureParams, restoreParams } from './checkpoint';
import { toDevice, type DeviceData } from './device-data';
import { evaluateSplit } from './evaluate';
import { clipByGlobalNorm } from './grad-clip';
import { crossEntropyPerExample } from './losses';
import { createModel } from './models/create-model';
import type { Model } from './models/model';
import {
	createOptimizer,
	disposeOptimizerState,
	exportOptimizerState,
	importOptimizerState,
	pickOptimizerKeys,
	type Optimizer,
	type OptimizerState
} from './optimizers';
import {
	createEma,
	createSwa,
	disposeAverageState,
	exportAverageState,
	importAverageState,
	withAveragedWeights,
	type AverageState,
	type WeightAverager
} from './weight-averaging';

function createAveragers(config: TrialConfig): WeightAverager[] {
	const averagers: WeightAverager[] = [];
	if (config.emaDecay !== undefined) averagers.push(createEma(config.emaDecay));
	if (config.swaEvery !== undefined)
		averagers.push(createSwa({ start: config.swaStart ?? 0, every: config.swaEvery }));
	return averagers;
}

/** What one training step needs; the trial loop and the backend probe build the same parts. */
export interface StepParts {
	config: TrialConfig;
	model: Model;
	device: DeviceData;
	optimizer: Optimizer;
	optState: OptimizerState;
	dropoutSeed: number;
	smoothing: number;
}

/**
 * One optimizer step on the batch `indices`: forward, loss, gradients, clipping, update. Returns the
 * device scalars [loss, gradient norm, clipped] (caller disposes) without reading them back.
 */
export function trainStep(parts: StepParts, step: number, lr: number, indices: Int32Array): tf.Tensor1D {
	const { config, model, device, optimizer, optState } = parts;
	return tf.tidy(() => {
		const { x, y } = device.batch(tf.tensor1d(indices, 'int32'));
		// Schedule-free rules take the gradient at y, not at the weights x: swap y into the variables for
		// the forward and backward pass, then put x back before the update (the clones keep x's values).
		const point = optimizer.gradientPoint(model.params, optState);
		const weights = point ? model.params.map((p) => p.clone()) : null;
		if (point) model.params.forEach((p, i) => p.assign(point[i]!));
		const { value, grads } = tf.variableGrads(
			() =>
				tf.mean(
					crossEntropyPerExample(
						model.forward(x, true, parts.dropoutSeed + step),
						y,
						device.classes,
						parts.smoothing
					)
				) as tf.Scalar,
			model.params
		);
		if (weights) model.params.forEach((p, i) => p.assign(weights[i]!));
		const clip = clipByGlobalNorm(
			model.params.map((p) => grads[p.name]!),
			config.gradClipNorm
		);
		optimizer.apply(model.params, clip.grads, optState, lr);
		return tf.stack([value, clip.norm, clip.clipped]) as tf.Tensor1D;
	});
}

/**
 * A trainer for `config` on `data` on the current tfjs backend: the model seeded from the config's
 * `init` stream (or `resume`'s weights), the optimizer and averages fresh (or `resume`'s).
 */
export function createTfjsTrainer(config: TrialConfig, data: TrainingData, resume?: TrainerState): Trainer {
	const optimizer = createOptimizer(pickOptimizerKeys(config));
	// The dataset stays resident on the device; each step uploads only the batch's indices.
	const device = toDevice(data, contextLengthOf(config));
	const model = (() => {
		try {
			return createModel(config, data, streamSeed(config.seed, 'init'));
		} catch (error) {
			device.dispose();
			throw error;
		}
	})();
	const averagers: { averager: WeightAverager; state: AverageState }[] = [];
	let optState: OptimizerState | undefined;
	try {
		if (resume) restoreParams(resume, model.paramNames, model.params);
		optState = resume ? importOptimizerState(resume.optimizer, model.params) : optimizer.init(model.params);
		for (const averager of createAveragers(config)) {
			const saved = resume?.averagers.find((a) => a.kind === averager.kind);
			const state = saved ? importAverageState(saved.state, model.params) : averager.init(model.params);
			averagers.push({ averager, state });
		}
	} catch (error) {
		// A checkpoint that does not fit the model, or bad averaging settings: free what was built.
		if (optState) disposeOptimizerState(optState);
		for (const { state } of averagers) disposeAverageState(state);
		model.dispose();
		device.dispose();
		throw error;
	}
	const parts: StepParts = {
		config,
		model,
		device,
		optimizer,
		optState,
		dropoutSeed: streamSeed(config.seed, 'dropout'),
		smoothing: config.labelSmoothing ?? 0
	};
	const forEval = (x: tf.Tensor2D) => model.forward(x, false);
	/** [loss, gradient norm, clipped] of each step not read back yet. */
	const pending: tf.Tensor[] = [];

	return {
		trainCount: device.trainCount,

		step(step, learningRate, indices) {
			pending.push(trainStep(parts, step, learningRate, indices));
			const done = step + 1;
			for (const { averager, state } of averagers) averager.update(model.params, state, done);
		},

		async readback(): Promise<StepScalars[]> {
			if (pending.length === 0) return [];
			const stacked = tf.stack(pending);
			const values = await stacked.data();
			stacked.dispose();
			const scalars = pending.map((_, i) => ({
				loss: values[3 * i]!,
				gradNorm: values[3 * i + 1]!,
				clipped: values[3 * i + 2]!
			}));
			tf.dispose(pending);
			pending.length = 0;
			return scalars;
		},

		async evaluate(batchSize): Promise<Evaluation> {
			const raw = await evaluateSplit(forEval, device.val, device.classes, batchSize);
			const averages: Evaluation['averages'] = [];
			for (const { averager, state } of averagers) {
				if (state.updates === 0) continue; // nothing averaged yet (SWA before its start)
				const averaged = await withAveragedWeights(model.params, state, () =>
					evaluateSplit(forEval, device.val, device.classes, batchSize)
				);
				averages.push({ kind: averager.kind, ...averaged });
			}
			return { ...raw, averages };
		},

		async save(): Promise<TrainerState> {
			return {
				paramNames: [...model.paramNames],
				params: await captureParams(model.params),
				optimizer: await exportOptimizerState(parts.optState),
				averagers: await Promise.all(
					averagers.map(async ({ averager, state }) => ({
						kind: averager.kind,
						state: await exportAverageState(state)
					}))
				)
			};
		},

		dispose() {
			tf.dispose(pending);
			pending.length = 0;
			disposeOptimizerState(parts.optState);
			for (const { state } of averagers) disposeAverageState(state);
			model.dispose();
			device.dispose();
		}
	};
}
