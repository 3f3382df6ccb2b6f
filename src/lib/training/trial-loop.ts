// The custom training loop of one trial: seeded init and data order, per-step learning rate from a
// schedule, gradient clipping, the chosen optimizer, periodic evaluation on the whole validation
// split. Step convention: "step t" is measured with the weights after t updates; train rows run
// 0..maxTrainSteps−1 (the loss of the batch that produces update t+1, and the lr it uses), eval rows
// at 0, evalEvery, 2·evalEvery, … and maxTrainSteps.
// Scalars are read back in groups (every READBACK_EVERY steps and at evaluations): each readback
// is a GPU sync, so reading every step would serialise the device.
import * as tf from '@tensorflow/tfjs';
import { BatchOrder } from '$lib/math/batch-order';
import { divergenceReason } from '$lib/math/divergence';
import { cooldownBranch, type CooldownShape } from '$lib/math/schedules';
import { buildSchedule, pickScheduleKeys } from '$lib/math/schedule-config';
import { streamSeed } from '$lib/math/random';
import { emptyTrainRows, type EvalRow, type MetricBatch } from '$lib/study/metrics';
import type { TrialConfig } from '$lib/study/trial-config';
import type { TrainingData } from '$lib/datasets/classification-data';
import { contextLengthOf, createModel } from './create-model';
import { toDevice, type DeviceData } from './device-data';
import type { Model } from './model';
import { evaluateSplit } from './evaluate';
import { clipByGlobalNorm } from './grad-clip';
import { crossEntropyPerExample } from './losses';
import {
	createOptimizer,
	disposeOptimizerState,
	importOptimizerState,
	pickOptimizerKeys,
	type Optimizer,
	type OptimizerState
} from './optimizers';
import { captureCheckpoint, restoreParams } from './checkpoint';
import type { TrialCheckpoint } from './checkpoint-data';
import {
	createEma,
	createSwa,
	disposeAverageState,
	importAverageState,
	withAveragedWeights,
	type WeightAverager
} from './weight-averaging';

export const READBACK_EVERY = 20;
/** Evaluation batches are at least this large (and never smaller than the training batch). */
export const MIN_EVAL_BATCH = 512;
/** For text, evaluation batches hold at least this many tokens (whole windows of contextLength). */
export const MIN_TEXT_EVAL_TOKENS = 4096;

export interface LoopProgress {
	step: number;
	maxTrainSteps: number;
	/** Optimizer steps per second since training started (excludes data loading and setup). */
	stepsPerSecond: number;
}

export interface TrialLoopHooks {
	onMetrics(batch: MetricBatch, progress: LoopProgress): void | Promise<void>;
	shouldStop(): boolean;
	/** Called with a full checkpoint every `checkpointEvery` steps and at the last step. */
	onCheckpoint?(checkpoint: TrialCheckpoint): void | Promise<void>;
}

export interface CheckpointOptions {
	/** Take a checkpoint every this many steps (and at the end); absent = never. */
	every?: number;
	/** Further steps that get a checkpoint (automatic cooldown-branch points). */
	extraSteps?: number[];
	/** Continue from this checkpoint instead of starting at step 0. */
	resumeFrom?: TrialCheckpoint;
	/** Run as a cooldown branch: the base schedule (over its own horizon) decayed from `fromStep`. */
	cooldown?: CooldownSpec;
}

export interface CooldownSpec {
	fromStep: number;
	length: number;
	shape: CooldownShape;
	finalFraction: number;
	baseTotalSteps: number;
}

export type LoopOutcome =
	| { status: 'completed'; steps: number }
	| { status: 'stopped'; steps: number }
	| { status: 'infeasible'; steps: number; reason: string };

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
		const clip = clipByGlobalNorm(
			model.params.map((p) => grads[p.name]!),
			config.gradClipNorm
		);
		optimizer.apply(model.params, clip.grads, optState, lr);
		return tf.stack([value, clip.norm, clip.clipped]) as tf.Tensor1D;
	});
}

export async function runTrialLoop(
	config: TrialConfig,
	data: TrainingData,
	hooks: TrialLoopHooks,
	checkpoints: CheckpointOptions = {}
): Promise<LoopOutcome> {
	const resume = checkpoints.resumeFrom;
	const cooldown = checkpoints.cooldown;
	const base = buildSchedule(pickScheduleKeys(config), cooldown?.baseTotalSteps ?? config.maxTrainSteps);
	const schedule = cooldown
		? cooldownBranch(base, cooldown.fromStep, cooldown.length, cooldown.shape, cooldown.finalFraction)
		: base;
	const optimizer = createOptimizer(pickOptimizerKeys(config));
	// The dataset stays resident on the device; each step uploads only the batch's indices.
	const device = toDevice(data, contextLengthOf(config));
	const classes = device.classes;
	const val = device.val;
	const model = (() => {
		try {
			return createModel(config, data, streamSeed(config.seed, 'init'));
		} catch (error) {
			device.dispose();
			throw error;
		}
	})();
	const forEval = (x: tf.Tensor2D) => model.forward(x, false);
	const dropoutSeed = streamSeed(config.seed, 'dropout');
	const smoothing = config.labelSmoothing ?? 0;
	const isText = data.kind === 'text';
	const order = new BatchOrder(device.trainCount, streamSeed(config.seed, 'data-order'), resume?.batchOrder);
	if (resume) restoreParams(resume, model.paramNames, model.params);
	const optState = resume
		? importOptimizerState(resume.optimizer, model.params)
		: optimizer.init(model.params);
	const parts: StepParts = { config, model, device, optimizer, optState, dropoutSeed, smoothing };
	const averagers = createAveragers(config).map((averager) => {
		const saved = resume?.averagers.find((a) => a.kind === averager.kind);
		return {
			averager,
			state: saved ? importAverageState(saved.state, model.params) : averager.init(model.params)
		};
	});
	// A text row is a whole window (contextLength labels), so fewer rows make a comparable batch.
	const minEvalRows = isText ? Math.ceil(MIN_TEXT_EVAL_TOKENS / contextLengthOf(config)) : MIN_EVAL_BATCH;
	const evalBatch = Math.max(minEvalRows, config.batchSize);

	const pending: { step: number; lr: number; scalars: tf.Tensor }[] = [];
	let rows = emptyTrainRows();
	let evals: EvalRow[] = [];
	const started = performance.now();

	const evaluate = async (step: number) => {
		const result = await evaluateSplit(forEval, val, classes, evalBatch);
		const row: EvalRow = { step, valLoss: result.loss, valAccuracy: result.accuracy };
		if (isText) row.valBitsPerChar = result.loss / Math.LN2;
		for (const { averager, state } of averagers) {
			if (state.updates === 0) continue; // nothing averaged yet (SWA before its start)
			const averaged = await withAveragedWeights(model.params, state, () =>
				evaluateSplit(forEval, val, classes, evalBatch)
			);
			row[`${averager.kind}ValLoss`] = averaged.loss;
			row[`${averager.kind}ValAccuracy`] = averaged.accuracy;
		}
		evals.push(row);
	};

	let initialLoss = resume?.initialLoss ?? Number.NaN;
	const startStep = resume?.step ?? 0;
	const checkpointEvery = checkpoints.every;

	const checkpoint = async (step: number, evalRow: EvalRow) => {
		if (!hooks.onCheckpoint) return;
		await hooks.onCheckpoint(
			await captureCheckpoint({
				step,
				paramNames: model.paramNames,
				params: model.params,
				optimizer: optState,
				averagers: averagers.map(({ averager, state }) => ({ kind: averager.kind, state })),
				batchOrder: order.getState(),
				initialLoss,
				evalRow
			})
		);
	};
	const warmupSteps = config.warmupSteps ?? 0;

	/** Reads back pending scalars in one sync; returns why the trial diverged, if it did. */
	const drain = async (): Promise<string | null> => {
		if (pending.length === 0) return null;
		const stacked = tf.stack(pending.map((p) => p.scalars));
		const values = await stacked.data();
		stacked.dispose();
		let diverged: string | null = null;
		pending.forEach((p, i) => {
			const loss = values[3 * i]!;
			rows.step.push(p.step);
			rows.loss.push(loss);
			rows.lr.push(p.lr);
			rows.gradNorm.push(values[3 * i + 1]!);
			rows.clipped.push(values[3 * i + 2]!);
			diverged ??= divergenceReason(p.step, loss, initialLoss, warmupSteps);
			p.scalars.dispose();
		});
		pending.length = 0;
		return diverged;
	};

	const publish = async (step: number) => {
		const batch = { train: rows, evals };
		rows = emptyTrainRows();
		evals = [];
		const seconds = (performance.now() - started) / 1000;
		await hooks.onMetrics(batch, {
			step,
			maxTrainSteps: config.maxTrainSteps,
			stepsPerSecond: seconds > 0 ? (step - startStep) / seconds : 0
		});
	};

	try {
		if (!resume) {
			await evaluate(0);
			initialLoss = evals[0]!.valLoss;
		}
		for (let step = startStep; step < config.maxTrainSteps; step++) {
			const lr = schedule(step);
			const indices = order.nextBatch(config.batchSize);
			const scalars = trainStep(parts, step, lr, indices);
			pending.push({ step, lr, scalars });
			const done = step + 1;
			for (const { averager, state } of averagers) averager.update(model.params, state, done);

			const isLast = done === config.maxTrainSteps;
			const isCheckpoint =
				(checkpointEvery !== undefined && (done % checkpointEvery === 0 || isLast)) ||
				(checkpoints.extraSteps?.includes(done) ?? false);
			// Checkpoints are always taken at an evaluation, so each one has its objective value.
			const isEval = done % config.evalEvery === 0 || isLast || isCheckpoint;
			if (isEval || pending.length >= READBACK_EVERY) {
				const diverged = await drain();
				if (diverged) {
					await publish(done);
					return { status: 'infeasible', steps: done, reason: diverged };
				}
				if (isEval) await evaluate(done);
				const evalRow = evals[evals.length - 1];
				await publish(done);
				if (isCheckpoint && evalRow) await checkpoint(done, evalRow);
				if (hooks.shouldStop()) return { status: 'stopped', steps: done };
			}
		}
		return { status: 'completed', steps: config.maxTrainSteps };
	} finally {
		for (const p of pending) p.scalars.dispose();
		disposeOptimizerState(optState);
		for (const { state } of averagers) disposeAverageState(state);
		model.dispose();
		device.dispose();
	}
}
