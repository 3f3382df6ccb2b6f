// The dedicated module worker that trains trials. Exposes TrialWorkerApi (workers/protocol.ts).
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { TrainingData } from '$lib/datasets/classification-data';
import { fetchFromOrigin } from '$lib/datasets/image-dataset';
import { loadDataset } from '$lib/datasets/load-dataset';
import { initBackend, type BackendReport } from '$lib/training/backend';
import { autoOrder } from '$lib/training/backend-choice';
import { defaultProbeStore, probeFor } from '$lib/training/backend-probe';
import { checkpointBuffers, checkpointBytes } from '$lib/training/checkpoint-data';
import { runTrialLoop } from '$lib/training/trial-loop';
import { restoreParams } from '$lib/training/checkpoint';
import { contextLengthOf, createModel } from '$lib/training/create-model';
import { sampleText } from '$lib/training/sample-text';
import { modelPackage } from '$lib/training/export-model-package';
import { describeTrainingError } from '$lib/training/training-error';
import {
	isUserDatasetId,
	type BackendChoice,
	type TrialConfig,
	type DatasetId,
	type DatasetName
} from '$lib/study/trial-config';
import { loadUserDataset } from '$lib/datasets/load-user-dataset';
import type { ModelExportRequest, TrialEvent, TrialResult, TrialWorkerApi } from './protocol';

setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});

// Datasets are decoded once per worker and reused by later trials.
const datasets = new Map<DatasetId, Promise<TrainingData>>();
const fetchBytes = fetchFromOrigin(new URL('/', self.location.href).href);
let stopRequested = false;
// Backend switches must not overlap: tfjs keeps one global engine per worker.
let backendQueue: Promise<unknown> = Promise.resolve();

const probeStore = defaultProbeStore();

/**
 * `auto` with a workload runs on the backend measured fastest for it on this device (a short probe,
 * cached; backend-probe.ts). Without a workload, or when the probe fails, it uses the fixed order.
 */
async function startBackend(choice: BackendChoice, workload?: TrialConfig, remeasure = false) {
	if (choice !== 'auto' || !workload) return initBackend(choice);
	const probe = await probeFor(workload, await dataset(workload.dataset), probeStore, remeasure).catch(
		() => undefined
	);
	if (!probe) return initBackend('auto');
	const report = await initBackend('auto', autoOrder(probe));
	// Backends that could not train in the probe are listed with their reasons, like failed starts.
	const failed = probe.speeds
		.filter((s) => s.error !== undefined && !report.attempts.some((a) => a.backend === s.backend))
		.map((s) => ({ backend: s.backend, ok: false, reason: s.error }));
	return { ...report, attempts: [...failed, ...report.attempts], probe };
}

function switchBackend(
	choice: BackendChoice,
	workload?: TrialConfig,
	remeasure = false
): Promise<BackendReport> {
	const next = backendQueue.then(() => startBackend(choice, workload, remeasure));
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

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
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
				error: describeTrainingError(message(error), report?.backend),
				backend: report
			};
		}
	},

	stop() {
		stopRequested = true;
	},

	numTensors: () => tf.memory().numTensors,

	async sampleText(config, weights, options) {
		await switchBackend(config.backend);
		const data = await dataset(config.dataset);
		if (data.kind !== 'text')
			throw new Error(`${config.dataset} is not a text dataset; only language models sample text`);
		const model = createModel(config, data, 0);
		try {
			restoreParams(weights, model.paramNames, model.params);
			return await sampleText(model, data.vocab, contextLengthOf(config), options);
		} finally {
			model.dispose();
		}
	},

	async exportModel(request: ModelExportRequest) {
		// Writing a model's files is bookkeeping, not training: the cpu backend does it.
		await switchBackend('cpu');
		const zip = await modelPackage(request, await dataset(request.config.dataset));
		return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
	}
};

Comlink.expose(api);
