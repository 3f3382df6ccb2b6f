// The compiled engine (@jax-js/jax) behind the engine seam: backends through jax-js `init` and
// `defaultDevice`, and trainers that wrap JaxTrainer (one compiled step per trial), with batches
// gathered as the TF.js engine gathers them and the validation split resident on the device; text
// generation (sample-text.ts). Model export is not ported yet: it throws, and the TF.js engine exports
// the same engine-neutral checkpoints.
import { defaultDevice, init, numpy as np, type Device } from '@jax-js/jax';
import type { TrainingData } from '$lib/datasets/classification-data';
import { streamSeed } from '$lib/math/random';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_HYPERPARAMETERS } from '$lib/study/optimizer-table';
import type { BackendName, TrialConfig } from '$lib/study/trial-config';
import { describeWebGpuAdapter, type BackendAttempt } from '../backend-report';
import type { Engine, Evaluation, StepScalars, Trainer, TrainerState } from '../engine';
import { contextLengthOf } from '../model-spec';
import type { AveragerConfig } from './averaging';
import { toJaxDevice } from './device-data';
import { modelSpecOf } from '../model-spec';
import { sampleTextJax } from './sample-text';
import { canBatch, createBatchedJaxTrainers } from './batched-trials';
import type { OptimizerConfig } from './optimizers';
import { JaxTrainer, type TrainerOptions } from './trainer';

/** Backends `auto` tries, in order: a GPU through WebGPU where the browser has one, else wasm. */
const AUTO_ORDER: BackendName[] = ['webgpu', 'wasm'];
/** Devices whose kernels run on the calling thread: nothing to gain from deferring reads there. */
const EAGER_DEVICES: Device[] = ['wasm', 'cpu'];

/** The optimizer of `config` with the study defaults filled in (the TF.js engine resolves the same). */
export function optimizerOf(config: TrialConfig): OptimizerConfig {
	const kind = config.optimizer;
	const resolved: Record<string, number> = { ...OPTIMIZER_DEFAULTS[kind], weightDecay: 0 };
	for (const key of [...OPTIMIZER_HYPERPARAMETERS[kind], 'weightDecay'] as const) {
		const value = config[key];
		if (value === undefined) continue;
		if (!Number.isFinite(value)) throw new Error(`invalid optimizer settings: ${key} is ${value}`);
		resolved[key] = value;
	}
	return { kind, ...resolved } as OptimizerConfig;
}

/** EMA first, then SWA: the order the TF.js engine keeps, and so the order of `Evaluation.averages`. */
function averagersOf(config: TrialConfig): AveragerConfig[] {
	const averagers: AveragerConfig[] = [];
	if (config.emaDecay !== undefined) averagers.push({ kind: 'ema', decay: config.emaDecay });
	if (config.swaEvery !== undefined)
		averagers.push({ kind: 'swa', start: config.swaStart ?? 0, every: config.swaEvery });
	return averagers;
}

/** The compiled step's options for `config` on `data`. */
export function trainerOptionsOf(config: TrialConfig, data: TrainingData): TrainerOptions {
	return {
		model: modelSpecOf(config, data),
		optimizer: optimizerOf(config),
		gradClipNorm: config.gradClipNorm,
		dropout: config.dropout,
		labelSmoothing: config.labelSmoothing,
		averagers: averagersOf(config),
		dropoutSeed: streamSeed(config.seed, 'dropout')
	};
}

/**
 * A trainer for `config` on `data` on jax-js's current default device: weights seeded from the
 * config's `init` stream (the same values as the TF.js engine's), or `resume`'s state from either engine.
 */
export function createJaxTrainer(
	config: TrialConfig,
	data: TrainingData,
	resume?: TrainerState,
	readEachStep = EAGER_DEVICES.includes(defaultDevice())
): Trainer {
	const options = trainerOptionsOf(config, data);
	const device = toJaxDevice(data, contextLengthOf(config));
	let trainer: JaxTrainer;
	try {
		trainer = new JaxTrainer(options, resume ?? { seed: streamSeed(config.seed, 'init') });
	} catch (error) {
		device.dispose();
		throw error;
	}
	const kinds = (options.averagers ?? []).map((a) => a.kind);
	/** [loss, gradient norm, clipped] of each step not read back yet. */
	let pending: np.Array[] = [];
	/** The same, already read (wasm and cpu: see `step`). */
	let read: StepScalars[] = [];

	/** [summed loss, correct labels] over the validation split with the raw weights or an average. */
	const scoreSplit = async (batchSize: number, averager?: number) => {
		const parts = device
			.evalBatches(batchSize)
			.map((b) => trainer.evaluateMasked(b.x.ref, b.y.ref, b.mask.ref, averager));
		const sums = parts.length === 1 ? parts[0]! : np.stack(parts).sum(0);
		const [loss, correct] = await sums.data();
		return { loss: loss! / device.valLabels, accuracy: correct! / device.valLabels };
	};

	return {
		trainCount: device.trainCount,

		step(step, learningRate, indices) {
			if (step !== trainer.step) {
				throw new Error(`the trainer is at update ${trainer.step}, asked for step ${step}`);
			}
			const { x, y } = device.batch(indices);
			const stats = trainer.trainStep(x, y, learningRate);
			if (!readEachStep) {
				pending.push(stats);
				return;
			}
			// jax-js runs work lazily: each queued step carries the executions still pending on its
			// inputs, so the bookkeeping of a step grows with the steps queued since the last read. On
			// wasm and cpu the kernels run on this thread whenever they run, so reading the three
			// scalars now costs no device round trip and keeps every step's overhead flat (runTrialLoop,
			// batch 128: digits MLP 350 → 742 steps/s, Fashion-MNIST MLP 164 → 206, medians of 3).
			const [loss, gradNorm, clipped] = stats.dataSync();
			read.push({ loss: loss!, gradNorm: gradNorm!, clipped: clipped! });
		},

		async readback(): Promise<StepScalars[]> {
			const queued = pending;
			pending = [];
			const done = read;
			read = [];
			return [...done, ...(await JaxTrainer.readStats(queued))];
		},

		async evaluate(batchSize): Promise<Evaluation> {
			const raw = await scoreSplit(batchSize);
			const averages: Evaluation['averages'] = [];
			const updates = trainer.averagerUpdates;
			for (const [i, kind] of kinds.entries()) {
				if (updates[i] === 0) continue; // nothing averaged yet (SWA before its start)
				averages.push({ kind, ...(await scoreSplit(batchSize, i)) });
			}
			return { ...raw, averages };
		},

		save: () => trainer.exportState(),

		dispose() {
			for (const a of pending) a.dispose();
			pending = [];
			read = [];
			trainer.dispose();
			device.dispose();
		}
	};
}

async function tryDevice(name: BackendName): Promise<BackendAttempt> {
	try {
		const available = await init(name as Device);
		if (!available.includes(name as Device)) {
			return { backend: name, ok: false, reason: `jax-js could not start ${name} in this context` };
		}
		defaultDevice(name as Device);
		return { backend: name, ok: true };
	} catch (error) {
		return { backend: name, ok: false, reason: error instanceof Error ? error.message : String(error) };
	}
}

export interface JaxEngineOptions {
	/** Counts the device buffers the engine holds (live-buffers.ts, Node only); jax-js has no count of its own. */
	countBuffers?: () => number;
	/** Read each step's scalars as it is queued; default: on wasm and cpu, where it costs no round trip. */
	readEachStep?: boolean;
}

/** The compiled engine. Without `countBuffers`, `liveBuffers` throws. */
export function createJaxEngine(options: JaxEngineOptions = {}): Engine {
	const { countBuffers } = options;
	return {
		name: 'jax',

		/**
		 * `auto` tries WebGPU, then wasm (not measured yet: the first that starts). jax-js keeps one
		 * default device per thread, so one engine serves a whole worker and its caller queues switches.
		 */
		async selectBackend(choice) {
			const { adapter, problem } = await describeWebGpuAdapter();
			const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
			const attempts: BackendAttempt[] = [];
			for (const name of candidates) {
				const attempt =
					name === 'webgpu' && problem
						? { backend: name, ok: false, reason: problem }
						: await tryDevice(name);
				attempts.push(attempt);
				if (attempt.ok)
					return { requested: choice, backend: name, attempts, adapter, adapterProblem: problem };
			}
			const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
			throw new Error(`the compiled engine could not start the ${choice} backend (${detail})`);
		},

		createTrainer: (config, data, resume) => createJaxTrainer(config, data, resume, options.readEachStep),

		sampleText: sampleTextJax,

		async exportModel() {
			throw new Error('model export is not supported by the compiled engine yet; use tfjs');
		},

		canBatch,

		createBatchedTrainers: (specs, data) => createBatchedJaxTrainers(specs, data),

		liveBuffers() {
			if (!countBuffers) throw new Error('this compiled engine was created without a buffer counter');
			return countBuffers();
		}
	};
}
