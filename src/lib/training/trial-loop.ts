// The training loop of one trial, the same for every engine: per-step learning rate from a schedule,
// seeded data order, periodic evaluation on the whole validation split, divergence checks, checkpoints.
// The engine's Trainer (engine.ts) does the device work: the step itself (forward, loss, gradients,
// clipping, the chosen optimizer, weight averages), evaluation and copying state off the device.
// Step convention: "step t" is measured with the weights after t updates; train rows run
// 0..maxTrainSteps−1 (the loss of the batch that produces update t+1, and the lr it uses), eval rows
// at 0, evalEvery, 2·evalEvery, … and maxTrainSteps.
// Scalars are read back in groups (every READBACK_EVERY steps and at evaluations): each readback
// is a GPU sync, so reading every step would serialise the device.
import type { TrainingData } from '$lib/datasets/classification-data';
import { BatchOrder } from '$lib/math/batch-order';
import { divergenceReason } from '$lib/math/divergence';
import { cooldownBranch, type CooldownShape } from '$lib/math/schedules';
import { buildSchedule, pickScheduleKeys } from '$lib/math/schedule-config';
import { streamSeed } from '$lib/math/random';
import { emptyTrainRows, type EvalRow, type MetricBatch } from '$lib/study/metrics';
import { intervalTrainLoss } from '$lib/study/objective';
import type { TrialConfig } from '$lib/study/trial-config';
import type { TrialCheckpoint } from './checkpoint-data';
import type { Engine } from './engine';
import { contextLengthOf } from './model-spec';

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
	/**
	 * Stop once this many updates are done (a successive-halving rung below maxTrainSteps), after an
	 * evaluation and a checkpoint there; the outcome is `reached`. The schedule keeps its full horizon.
	 */
	untilStep?: number;
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
	/** Stopped at `untilStep` as asked, with a checkpoint there. */
	| { status: 'reached'; steps: number }
	| { status: 'infeasible'; steps: number; reason: string };

/** Rows per evaluation batch of `config` on `data`, the same wherever a split is scored. */
export function evaluationBatchRows(config: TrialConfig, data: Pick<TrainingData, 'kind'>): number {
	// A text row is a whole window (contextLength labels), so fewer rows make a comparable batch.
	const minEvalRows =
		data.kind === 'text' ? Math.ceil(MIN_TEXT_EVAL_TOKENS / contextLengthOf(config)) : MIN_EVAL_BATCH;
	return Math.max(minEvalRows, config.batchSize);
}

/**
 * Trains `config` on `data` with a trainer of `engine` (on the engine's current backend), from step 0
 * or from `checkpoints.resumeFrom`, and reports metrics and checkpoints through `hooks`.
 */
export async function runTrialLoop(
	engine: Pick<Engine, 'createTrainer'>,
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
	// The dataset stays resident on the device; each step uploads only the batch's indices.
	const trainer = engine.createTrainer(config, data, resume);
	const isText = data.kind === 'text';
	const order = new BatchOrder(trainer.trainCount, streamSeed(config.seed, 'data-order'), resume?.batchOrder);
	const evalBatch = evaluationBatchRows(config, data);

	/** Steps queued on the device whose scalars are not read back yet. */
	const pending: { step: number; lr: number }[] = [];
	/**
	 * Training losses read back since the previous evaluation (or since the resumed checkpoint, which
	 * was taken at one): their mean is the `trainLoss` objective of the next evaluation (objective.ts).
	 */
	let sinceEval: number[] = [];
	let rows = emptyTrainRows();
	let evals: EvalRow[] = [];
	const started = performance.now();

	const evaluate = async (step: number) => {
		const result = await trainer.evaluate(evalBatch);
		const row: EvalRow = { step, valLoss: result.loss, valAccuracy: result.accuracy };
		if (isText) row.valBitsPerChar = result.loss / Math.LN2;
		if (sinceEval.length > 0) row.trainLoss = intervalTrainLoss(sinceEval);
		sinceEval = [];
		for (const average of result.averages) {
			row[`${average.kind}ValLoss`] = average.loss;
			row[`${average.kind}ValAccuracy`] = average.accuracy;
		}
		evals.push(row);
	};

	let initialLoss = resume?.initialLoss ?? Number.NaN;
	const startStep = resume?.step ?? 0;
	const checkpointEvery = checkpoints.every;

	const checkpoint = async (step: number, evalRow: EvalRow) => {
		if (!hooks.onCheckpoint) return;
		const state = await trainer.save();
		await hooks.onCheckpoint({
			step,
			paramNames: state.paramNames,
			params: state.params,
			optimizer: state.optimizer,
			averagers: state.averagers,
			batchOrder: { ...order.getState() },
			initialLoss,
			evalRow: { ...evalRow }
		});
	};
	const warmupSteps = config.warmupSteps ?? 0;

	/** Reads back pending scalars in one sync; returns why the trial diverged, if it did. */
	const drain = async (): Promise<string | null> => {
		if (pending.length === 0) return null;
		const scalars = await trainer.readback();
		if (scalars.length !== pending.length) {
			throw new Error(`the trainer read back ${scalars.length} steps, ${pending.length} were queued`);
		}
		let diverged: string | null = null;
		pending.forEach((p, i) => {
			const { loss, gradNorm, clipped } = scalars[i]!;
			rows.step.push(p.step);
			rows.loss.push(loss);
			rows.lr.push(p.lr);
			rows.gradNorm.push(gradNorm);
			rows.clipped.push(clipped);
			sinceEval.push(loss);
			diverged ??= divergenceReason(p.step, loss, initialLoss, warmupSteps);
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
			trainer.step(step, lr, indices);
			pending.push({ step, lr });
			const done = step + 1;

			const isLast = done === config.maxTrainSteps;
			const atRung = done === checkpoints.untilStep;
			const isCheckpoint =
				(checkpointEvery !== undefined && (done % checkpointEvery === 0 || isLast)) ||
				atRung ||
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
				if (atRung) return { status: 'reached', steps: done };
			}
		}
		return { status: 'completed', steps: config.maxTrainSteps };
	} finally {
		trainer.dispose();
	}
}
