// Trials of one study trained as one vectorised step behind the engine seam: one Trainer per trial,
// each driven by its own runTrialLoop (its schedule, seeded data order, readback groups, evaluations,
// checkpoints, divergence checks, stop requests), all sharing one BatchedJaxTrainer. A trial's `step`
// only queues its batch; when every trial still in the batch has queued a step, the batch runs them
// as one compiled step. A trial that ends for any reason (finished, stopped, diverged, failed) leaves
// on `dispose`, and the others go on as a smaller batch holding their exact states.
// The loops run concurrently on one thread and meet only here: a loop that waits for its scalars
// (`readback`) waits until the others have queued up to its step, which each loop does without
// waiting on anything but its own readbacks, so they never wait on each other in a cycle.
import { defaultDevice, numpy as np, type Device } from '@jax-js/jax';
import type { TrainingData } from '$lib/datasets/classification-data';
import { streamSeed } from '$lib/math/random';
import type { TrialConfig } from '$lib/study/trial-config';
import type { Evaluation, StepScalars, Trainer, TrainerState } from '../engine';
import { contextLengthOf } from '../model-spec';
import { BatchedJaxTrainer, batchSignature } from './batched-trainer';
import { toJaxDevice, type JaxDeviceData } from './device-data';
import { trainerOptionsOf } from './engine';
import type { TrainerOptions } from './trainer';

/** Devices whose kernels run on the calling thread, where reading a step's scalars costs no round trip. */
const EAGER_DEVICES: Device[] = ['wasm', 'cpu'];

/** One trial of a batch to build: its configuration and the checkpoint it resumes from, if any. */
export interface BatchedTrialSpec {
	config: TrialConfig;
	resume?: TrainerState;
}

/**
 * Whether these trials can train as one batch on `data`: the same shapes and switches (batchSignature),
 * the same batch size and the same data (their data order, seeds and values may differ).
 */
export function canBatch(configs: TrialConfig[], data: TrainingData): boolean {
	if (configs.length < 2) return false;
	const first = configs[0]!;
	const signature = batchSignature(trainerOptionsOf(first, data));
	if (signature === null) return false;
	return configs.every(
		(c) =>
			c.batchSize === first.batchSize &&
			c.dataset === first.dataset &&
			batchSignature(trainerOptionsOf(c, data)) === signature
	);
}

interface Member {
	options: TrainerOptions;
	/** Requests queued and not yet run: the learning rate and the examples of each step. */
	queue: { learningRate: number; indices: Int32Array }[];
	/** Scalars of steps run and not read back (device [K, 3] rows, or already read). */
	read: StepScalars[];
	/** Resolves a readback waiting for the other trials to queue up to this trial's step. */
	waiting: (() => void) | null;
	left: boolean;
}

/**
 * One Trainer per spec, in order, training together. Throws when the specs cannot share a batch.
 * Every trainer must be disposed (the batch frees its device state when the last one leaves).
 */
export function createBatchedJaxTrainers(
	specs: BatchedTrialSpec[],
	data: TrainingData,
	readEachStep = EAGER_DEVICES.includes(defaultDevice())
): Trainer[] {
	const configs = specs.map((s) => s.config);
	if (specs.length === 1 ? !batchSignature(trainerOptionsOf(configs[0]!, data)) : !canBatch(configs, data)) {
		throw new Error('these trials differ in a shape or a switch and cannot train as one batch');
	}
	const device: JaxDeviceData = toJaxDevice(data, contextLengthOf(configs[0]!));
	const members: Member[] = specs.map((s) => ({
		options: trainerOptionsOf(s.config, data),
		queue: [],
		read: [],
		waiting: null,
		left: false
	}));
	let batch: BatchedJaxTrainer | null;
	try {
		batch = new BatchedJaxTrainer(
			specs.map((s, i) => ({
				options: members[i]!.options,
				initial: s.resume ?? { seed: streamSeed(s.config.seed, 'init') }
			}))
		);
	} catch (error) {
		device.dispose();
		throw error;
	}
	/** Which member each row of `batch` is. */
	let rows = members.map((_, i) => i);
	/** Batched steps whose scalars wait on the device (deferred reads): stats [K, 3] and their rows. */
	let deferred: { stats: np.Array; rows: number[] }[] = [];

	/** Validation scores of every trial, by generation, batch size and weights (raw or an average). */
	const scores = new Map<string, { rows: number[]; values: Promise<ArrayLike<number>> }>();

	/** Runs batched steps while every member still in the batch has one queued. */
	const dispatch = () => {
		while (batch && rows.length > 0 && rows.every((m) => members[m]!.queue.length > 0)) {
			const requests = rows.map((m) => members[m]!.queue.shift()!);
			const parts = requests.map((r) => device.hostBatch(r.indices));
			const stats = batch.trainStep(
				stackInputs(
					parts.map((p) => p.x),
					parts[0]!.xShape
				),
				stackInputs(
					parts.map((p) => p.y),
					[parts[0]!.y.length]
				),
				requests.map((r) => r.learningRate)
			);
			if (readEachStep) {
				const values = stats.dataSync();
				rows.forEach((m, k) =>
					members[m]!.read.push({
						loss: values[3 * k]!,
						gradNorm: values[3 * k + 1]!,
						clipped: values[3 * k + 2]!
					})
				);
			} else deferred.push({ stats, rows: [...rows] });
		}
		for (const m of rows) {
			const member = members[m]!;
			if (member.queue.length === 0 && member.waiting) {
				const resolve = member.waiting;
				member.waiting = null;
				resolve();
			}
		}
	};

	/** Reads every deferred step's scalars in one sync and files them under their trials. */
	const readDeferred = async () => {
		const taken = deferred;
		deferred = [];
		if (taken.length === 0) return;
		const values = await np.stack(taken.map((t) => t.stats)).data();
		let at = 0;
		for (const t of taken) {
			for (const m of t.rows) {
				members[m]!.read.push({ loss: values[at]!, gradNorm: values[at + 1]!, clipped: values[at + 2]! });
				at += 3;
			}
		}
	};

	const leave = (m: number) => {
		const member = members[m]!;
		if (member.left) return;
		member.left = true;
		member.queue = [];
		const k = rows.indexOf(m);
		if (k < 0 || !batch) return;
		batch.removeRows([k]);
		rows = rows.filter((r) => r !== m);
		if (rows.length === 0) {
			// The last trial left: nobody reads the remaining scalars.
			for (const d of deferred) d.stats.dispose();
			deferred = [];
			batch = null;
			device.dispose();
			return;
		}
		// The others may have been waiting for this trial's steps.
		dispatch();
	};

	/** Waits for this member's queued steps to run (for the other trials to queue theirs). */
	const settle = async (m: number) => {
		const member = members[m]!;
		if (member.queue.length > 0) {
			await new Promise<void>((resolve) => (member.waiting = resolve));
		}
	};

	const rowOf = (m: number) => {
		const k = rows.indexOf(m);
		if (!batch || k < 0) throw new Error(`trial ${m} of the batch has left it`);
		return { batch, k };
	};

	return members.map((member, m): Trainer => {
		const kinds = (member.options.averagers ?? []).map((a) => a.kind);
		const scoreSplit = async (batchSize: number, averager?: number) => {
			const { batch: b } = rowOf(m);
			const key = `${b.generation}/${batchSize}/${averager ?? 'raw'}`;
			let scored = scores.get(key);
			if (!scored) {
				// The first trial to ask scores the whole batch in one pass per validation batch; the
				// others (at the same generation: they step together) read their rows of it.
				const parts = device
					.evalBatches(batchSize)
					.map((e) => b.evaluateAllMasked(e.x.ref, e.y.ref, e.mask.ref, averager));
				const sums = parts.length === 1 ? parts[0]! : np.stack(parts).sum(0);
				scored = { rows: [...rows], values: sums.data() };
				scores.clear();
				scores.set(key, scored);
			}
			const k = scored.rows.indexOf(m);
			const values = await scored.values;
			return { loss: values[2 * k]! / device.valLabels, accuracy: values[2 * k + 1]! / device.valLabels };
		};
		let stepsQueued = specs[m]!.resume?.optimizer.step ?? 0;
		return {
			trainCount: device.trainCount,

			step(step, learningRate, indices) {
				if (member.left) throw new Error('this trial has left its batch');
				if (step !== stepsQueued) {
					throw new Error(`the trial is at update ${stepsQueued}, asked for step ${step}`);
				}
				stepsQueued += 1;
				member.queue.push({ learningRate, indices: Int32Array.from(indices) });
				dispatch();
			},

			async readback() {
				await settle(m);
				await readDeferred();
				const done = member.read;
				member.read = [];
				return done;
			},

			async evaluate(batchSize): Promise<Evaluation> {
				await settle(m);
				const raw = await scoreSplit(batchSize);
				const averages: Evaluation['averages'] = [];
				const { batch: b, k } = rowOf(m);
				const updates = b.averagerUpdates(k);
				for (const [i, kind] of kinds.entries()) {
					if (updates[i] === 0) continue;
					averages.push({ kind, ...(await scoreSplit(batchSize, i)) });
				}
				return { ...raw, averages };
			},

			async save() {
				await settle(m);
				const { batch: b, k } = rowOf(m);
				return b.exportState(k);
			},

			dispose() {
				leave(m);
			}
		};
	});
}

/** K host arrays of one shape → one device array [K, …shape] (float32, or int32 for Int32Arrays). */
function stackInputs(parts: (Float32Array | Int32Array)[], shape: number[]): np.Array {
	const size = parts[0]!.length;
	const isInt = parts[0] instanceof Int32Array;
	const out = isInt ? new Int32Array(parts.length * size) : new Float32Array(parts.length * size);
	parts.forEach((p, k) => out.set(p, k * size));
	const array = isInt ? np.array(out, { dtype: np.int32 }) : np.array(out);
	return array.reshape([parts.length, ...shape]);
}
