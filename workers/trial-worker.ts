// The dedicated module worker that trains trials. Exposes TrialWorkerApi (workers/protocol.ts). It holds
// both engines (TensorFlow.js and the compiled engine on @jax-js/jax) and trains each trial on the engine
// and backend its configuration asks for, or, for `auto`, the pair measured fastest for its workload
// (training/engine-probe.ts). Model export and text generation go through TF.js: checkpoints are
// engine-neutral, so weights trained on either engine load there.
import * as Comlink from 'comlink';
import type { TrainingData } from '$lib/datasets/classification-data';
import { fetchFromOrigin } from '$lib/datasets/image-dataset';
import { loadDataset } from '$lib/datasets/load-dataset';
import type { BackendReport } from '$lib/training/backend-report';
import { checkpointBuffers, checkpointBytes } from '$lib/training/checkpoint-data';
import type { Engine, Trainer } from '$lib/training/engine';
import type { MetricBatch } from '$lib/study/metrics';
import type { LoopProgress } from '$lib/training/trial-loop';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { newId } from '$lib/util/new-id';
import { defaultProbeStore, startPair, type Engines } from '$lib/training/engine-probe';
import { engineChoiceOf } from '$lib/training/backend-choice';
import { runTrialLoop } from '$lib/training/trial-loop';
import { evaluateWeights } from '$lib/training/evaluate-weights';
import { describeTrainingError } from '$lib/training/training-error';
import { createBrowserTfjsEngine } from '$lib/training/tfjs/browser-engine';
import { createJaxEngine } from '$lib/training/jax/engine';
import {
	isUserDatasetId,
	type BackendChoice,
	type EngineChoice,
	type TrialConfig,
	type DatasetId,
	type DatasetName
} from '$lib/study/trial-config';
import { loadUserDataset } from '$lib/datasets/load-user-dataset';
import type {
	BatchEvent,
	BatchMember,
	ModelExportRequest,
	RunTrialOptions,
	TrialEvent,
	TrialResult,
	TrialWorkerApi
} from './protocol';
import { errorMessage } from '$lib/util/error-message';

// Without a buffer counter: jax-js has no public count of its live buffers, and the counter the Node tests
// use reads the package's files from disk (jax/live-buffers.ts), which a browser cannot.
const engines: Engines = { tfjs: createBrowserTfjsEngine(), jax: createJaxEngine() };
const probeStore = defaultProbeStore();

// Datasets are decoded once per worker and reused by later trials.
const datasets = new Map<DatasetId, Promise<TrainingData>>();
const fetchBytes = fetchFromOrigin(new URL('/', self.location.href).href);
let stopRequested = false;
/** Members of runTrials asked to stop (by key), until their trial ends. */
const stoppedKeys = new Set<string>();
// Backend switches must not overlap: each engine keeps one global backend per worker.
let backendQueue: Promise<unknown> = Promise.resolve();

function switchBackend(
	choice: BackendChoice,
	engine: EngineChoice,
	workload?: TrialConfig,
	remeasure = false,
	batch = false
): Promise<{ engine: Engine; report: BackendReport }> {
	const request = {
		engine,
		backend: choice,
		workload: workload && { config: workload, data: () => dataset(workload.dataset) },
		remeasure,
		batch
	};
	const next = backendQueue.then(() => startPair(engines, request, probeStore));
	backendQueue = next.catch(() => undefined);
	return next;
}

function dataset(id: DatasetId): Promise<TrainingData> {
	let loading = datasets.get(id);
	if (!loading) {
		loading = isUserDatasetId(id) ? loadUserDataset(id) : loadDataset(id as DatasetName, fetchBytes);
		loading.catch(() => datasets.delete(id));
		datasets.set(id, loading);
	}
	return loading;
}

/** Trains one trial alone on the pair its configuration leads to; never throws (a failure is its result). */
async function trainAlone(
	config: TrialConfig,
	options: RunTrialOptions,
	onEvent: (event: TrialEvent) => void,
	shouldStop: () => boolean
): Promise<TrialResult> {
	let report: BackendReport | null = null;
	try {
		onEvent({ type: 'phase', phase: 'starting-backend' });
		const started = await switchBackend(config.backend, engineChoiceOf(config), config);
		report = started.report;
		onEvent({ type: 'backend', report });
		onEvent({ type: 'phase', phase: 'loading-data' });
		const data = await dataset(config.dataset);
		onEvent({ type: 'phase', phase: 'training' });
		const outcome = await runTrialLoop(
			started.engine,
			config,
			data,
			loopHooks(onEvent, shouldStop),
			loopOptions(options)
		);
		return { ...outcome, backend: report };
	} catch (error) {
		return failure(error, config, report);
	}
}

/**
 * Trains trials as one batch: every member's pair is started (they are one workload, so one pair), one
 * Trainer per member from the engine's batch, and each member's own trial loop over it, all at once. A
 * member whose loop ends (finished, stopped, diverged, failed) leaves the batch; the others go on.
 */
async function trainBatch(
	members: BatchMember[],
	onEvent: (k: number, event: TrialEvent) => void,
	shouldStop: (k: number) => boolean,
	finish: (k: number, result: TrialResult) => Promise<void>
): Promise<void> {
	const first = members[0]!.config;
	let report: BackendReport | null = null;
	let trainers: Trainer[] = [];
	try {
		members.forEach((_, k) => onEvent(k, { type: 'phase', phase: 'starting-backend' }));
		const started = await switchBackend(first.backend, engineChoiceOf(first), first);
		report = started.report;
		const batchId = newId('batch');
		members.forEach((_, k) => {
			onEvent(k, { type: 'backend', report: report! });
			onEvent(k, { type: 'batch', batchId, size: members.length });
			onEvent(k, { type: 'phase', phase: 'loading-data' });
		});
		const data = await dataset(first.dataset);
		const batching = started.engine.createBatchedTrainers;
		if (!batching) throw new Error(`the ${started.engine.name} engine cannot train trials as one batch`);
		trainers = batching(
			members.map((m) => ({ config: m.config, resume: m.options.resumeFrom })),
			data
		);
	} catch (error) {
		await Promise.all(members.map((m, k) => finish(k, failure(error, m.config, report))));
		return;
	}
	await Promise.all(
		members.map(async (m, k) => {
			onEvent(k, { type: 'phase', phase: 'training' });
			let result: TrialResult;
			try {
				const outcome = await runTrialLoop(
					{ createTrainer: () => trainers[k]! },
					m.config,
					await dataset(m.config.dataset),
					loopHooks(
						(e) => onEvent(k, e),
						() => shouldStop(k)
					),
					loopOptions(m.options)
				);
				result = { ...outcome, backend: report! };
			} catch (error) {
				// The loop disposed its trainer: this trial has left the batch.
				result = failure(error, m.config, report);
			}
			await finish(k, result);
		})
	);
}

/**
 * The order runTrials trains its members in: groups of members the engine of their pair can batch
 * (same pair, identical shapes), one group after another, and every other member alone.
 */
async function batchUnits(members: BatchMember[]): Promise<number[][]> {
	const units: number[][] = [];
	const pairOf = async (config: TrialConfig) => {
		try {
			const { engine, report } = await switchBackend(config.backend, engineChoiceOf(config), config);
			return { engine, pair: `${report.engine ?? engine.name}/${report.backend}` };
		} catch {
			return null; // it fails again, with its reason, when it trains alone
		}
	};
	const groups: { pair: string; engine: Engine; data: TrainingData; members: number[] }[] = [];
	for (const [i, m] of members.entries()) {
		const started = await pairOf(m.config);
		const data = started?.engine.canBatch && (await dataset(m.config.dataset).catch(() => null));
		if (!started || !data) {
			units.push([i]);
			continue;
		}
		const group = groups.find(
			(g) =>
				g.pair === started.pair &&
				g.data === data &&
				g.engine.canBatch!([...g.members.map((j) => members[j]!.config), m.config], data)
		);
		if (group) group.members.push(i);
		else groups.push({ pair: started.pair, engine: started.engine, data, members: [i] });
	}
	return [...groups.map((g) => g.members), ...units];
}

function loopHooks(onEvent: (event: TrialEvent) => void, shouldStop: () => boolean) {
	return {
		onMetrics: (batch: MetricBatch, progress: LoopProgress) => onEvent({ type: 'metrics', batch, progress }),
		shouldStop,
		// The weights move to the page without a copy; the worker no longer needs them.
		onCheckpoint: (checkpoint: TrialCheckpoint) =>
			onEvent(
				Comlink.transfer(
					{ type: 'checkpoint', checkpoint, bytes: checkpointBytes(checkpoint) },
					checkpointBuffers(checkpoint)
				)
			)
	};
}

function loopOptions(options: RunTrialOptions) {
	return {
		every: options.checkpointEvery,
		extraSteps: options.checkpointSteps,
		resumeFrom: options.resumeFrom,
		cooldown: options.cooldown,
		untilStep: options.untilStep
	};
}

function failure(error: unknown, config: TrialConfig, report: BackendReport | null): TrialResult {
	return {
		status: 'failed',
		// Without a report (no pair started) a forced backend is still the one that failed.
		error: describeTrainingError(
			errorMessage(error),
			report?.backend ?? (config.backend === 'auto' ? undefined : config.backend)
		),
		backend: report
	};
}

const api: TrialWorkerApi = {
	probeBackend: async (choice, workload, remeasure) =>
		// A workload's measurement says how many of its trials train as one batch (when its engine can).
		(await switchBackend(choice, workload ? engineChoiceOf(workload) : 'auto', workload, remeasure, true))
			.report,

	async runTrial(config, options, onEvent: (event: TrialEvent) => void): Promise<TrialResult> {
		stopRequested = false;
		return trainAlone(config, options, onEvent, () => stopRequested);
	},

	async runTrials(members, onEvent: (index: number, event: BatchEvent) => void) {
		for (const m of members) stoppedKeys.delete(m.key);
		const ended = new Set<number>();
		// Each result waits for the page's answer: the events come through the callback's own port,
		// which does not keep order with this call's answer, so the call ends only after every result
		// (and every event before it) has reached the page.
		const finish = async (i: number, result: TrialResult) => {
			ended.add(i);
			stoppedKeys.delete(members[i]!.key);
			await Promise.resolve(onEvent(i, { type: 'result', result }) as unknown);
		};
		const shouldStop = (i: number) => () => stoppedKeys.has(members[i]!.key);
		try {
			for (const unit of await batchUnits(members)) {
				if (unit.length === 1) {
					const i = unit[0]!;
					onEvent(i, { type: 'batch', batchId: null, size: 1 });
					const { config, options } = members[i]!;
					await finish(i, await trainAlone(config, options, (e) => onEvent(i, e), shouldStop(i)));
				} else {
					await trainBatch(
						unit.map((i) => members[i]!),
						(k, e) => onEvent(unit[k]!, e),
						(k) => shouldStop(unit[k]!)(),
						(k, result) => finish(unit[k]!, result)
					);
				}
			}
		} finally {
			// Whatever went wrong, no member is left without its result.
			for (const i of members.keys()) {
				if (!ended.has(i))
					await finish(i, { status: 'failed', error: 'the batch ended before this trial', backend: null });
			}
		}
	},

	stop() {
		stopRequested = true;
	},

	stopTrial(key) {
		stoppedKeys.add(key);
	},

	// TF.js tensors only: the compiled engine has no buffer count in the browser (see `engines`).
	numTensors: () => engines.tfjs.liveBuffers(),

	async sampleText(config, weights, options) {
		const { engine } = await switchBackend(config.backend, 'tfjs');
		return engine.sampleText(config, await dataset(config.dataset), weights, options);
	},

	async exportModel(request: ModelExportRequest) {
		// Writing a model's files is bookkeeping, not training: the cpu backend does it.
		const { engine } = await switchBackend('cpu', 'tfjs');
		const zip = await engine.exportModel(request, await dataset(request.config.dataset));
		return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
	},

	async evaluateWeights(config, weights) {
		// Scored on the pair the trial's own choices lead to (measured pairs are cached), as it trained.
		const { engine } = await switchBackend(config.backend, engineChoiceOf(config), config);
		return evaluateWeights(engine, config, await dataset(config.dataset), weights);
	}
};

Comlink.expose(api);
