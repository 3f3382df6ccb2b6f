// The dedicated module worker that trains trials. Exposes TrialWorkerApi (workers/protocol.ts).
import * as Comlink from 'comlink';
import type { TrainingData } from '$lib/datasets/classification-data';
import { fetchFromOrigin } from '$lib/datasets/image-dataset';
import { loadDataset } from '$lib/datasets/load-dataset';
import type { BackendReport } from '$lib/training/backend-report';
import { checkpointBuffers, checkpointBytes } from '$lib/training/checkpoint-data';
import type { BackendWorkload } from '$lib/training/engine';
import { runTrialLoop } from '$lib/training/trial-loop';
import { evaluateWeights } from '$lib/training/evaluate-weights';
import { describeTrainingError } from '$lib/training/training-error';
import { createBrowserTfjsEngine } from '$lib/training/tfjs/browser-engine';
import {
	isUserDatasetId,
	type BackendChoice,
	type TrialConfig,
	type DatasetId,
	type DatasetName
} from '$lib/study/trial-config';
import { loadUserDataset } from '$lib/datasets/load-user-dataset';
import type { ModelExportRequest, TrialEvent, TrialResult, TrialWorkerApi } from './protocol';
import { errorMessage } from '$lib/util/error-message';

const engine = createBrowserTfjsEngine();

// Datasets are decoded once per worker and reused by later trials.
const datasets = new Map<DatasetId, Promise<TrainingData>>();
const fetchBytes = fetchFromOrigin(new URL('/', self.location.href).href);
let stopRequested = false;
// Backend switches must not overlap: an engine keeps one global backend per worker.
let backendQueue: Promise<unknown> = Promise.resolve();

function switchBackend(
	choice: BackendChoice,
	workload?: TrialConfig,
	remeasure = false
): Promise<BackendReport> {
	const measured: BackendWorkload | undefined = workload && {
		config: workload,
		data: () => dataset(workload.dataset),
		remeasure
	};
	const next = backendQueue.then(() => engine.selectBackend(choice, measured));
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
	probeBackend: (choice, workload, remeasure) => switchBackend(choice, workload, remeasure),

	async runTrial(config, options, onEvent: (event: TrialEvent) => void): Promise<TrialResult> {
		stopRequested = false;
		let report: BackendReport | null = null;
		try {
			onEvent({ type: 'phase', phase: 'starting-backend' });
			report = await switchBackend(config.backend, config);
			onEvent({ type: 'backend', report });
			onEvent({ type: 'phase', phase: 'loading-data' });
			const data = await dataset(config.dataset);
			onEvent({ type: 'phase', phase: 'training' });
			const outcome = await runTrialLoop(
				engine,
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
					cooldown: options.cooldown
				}
			);
			return { ...outcome, backend: report };
		} catch (error) {
			return {
				status: 'failed',
				error: describeTrainingError(errorMessage(error), report?.backend),
				backend: report
			};
		}
	},

	stop() {
		stopRequested = true;
	},

	numTensors: () => engine.liveBuffers(),

	async sampleText(config, weights, options) {
		await switchBackend(config.backend);
		return engine.sampleText(config, await dataset(config.dataset), weights, options);
	},

	async exportModel(request: ModelExportRequest) {
		// Writing a model's files is bookkeeping, not training: the cpu backend does it.
		await switchBackend('cpu');
		const zip = await engine.exportModel(request, await dataset(request.config.dataset));
		return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
	},

	async evaluateWeights(config, weights) {
		await switchBackend(config.backend);
		return evaluateWeights(engine, config, await dataset(config.dataset), weights);
	}
};

Comlink.expose(api);
