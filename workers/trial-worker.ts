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
import type { Engine } from '$lib/training/engine';
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
import type { ModelExportRequest, TrialEvent, TrialResult, TrialWorkerApi } from './protocol';
import { errorMessage } from '$lib/util/error-message';

// Without a buffer counter: jax-js has no public count of its live buffers, and the counter the Node tests
// use reads the package's files from disk (jax/live-buffers.ts), which a browser cannot.
const engines: Engines = { tfjs: createBrowserTfjsEngine(), jax: createJaxEngine() };
const probeStore = defaultProbeStore();

// Datasets are decoded once per worker and reused by later trials.
const datasets = new Map<DatasetId, Promise<TrainingData>>();
const fetchBytes = fetchFromOrigin(new URL('/', self.location.href).href);
let stopRequested = false;
// Backend switches must not overlap: each engine keeps one global backend per worker.
let backendQueue: Promise<unknown> = Promise.resolve();

function switchBackend(
	choice: BackendChoice,
	engine: EngineChoice,
	workload?: TrialConfig,
	remeasure = false
): Promise<{ engine: Engine; report: BackendReport }> {
	const request = {
		engine,
		backend: choice,
		workload: workload && { config: workload, data: () => dataset(workload.dataset) },
		remeasure
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

const api: TrialWorkerApi = {
	probeBackend: async (choice, workload, remeasure) =>
		(await switchBackend(choice, workload ? engineChoiceOf(workload) : 'auto', workload, remeasure)).report,

	async runTrial(config, options, onEvent: (event: TrialEvent) => void): Promise<TrialResult> {
		stopRequested = false;
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
				{
					onMetrics: (batch, progress) => onEvent({ type: 'metrics', batch, progress }),
					shouldStop: () => stopRequested,
					// The weights move to the page without a copy; the worker no longer needs them.
					onCheckpoint: (checkpoint) =>
						onEvent(
							Comlink.transfer(
								{ type: 'checkpoint', checkpoint, bytes: checkpointBytes(checkpoint) },
								checkpointBuffers(checkpoint)
							)
						)
				},
				{
					every: options.checkpointEvery,
					extraSteps: options.checkpointSteps,
					resumeFrom: options.resumeFrom,
					cooldown: options.cooldown,
					untilStep: options.untilStep
				}
			);
			return { ...outcome, backend: report };
		} catch (error) {
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
	},

	stop() {
		stopRequested = true;
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
