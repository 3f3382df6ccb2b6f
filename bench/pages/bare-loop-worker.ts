// BENCHMARK WORKER, not part of the lab. The denominator of issue 11's "lab overhead": the lab's own
// training step (same model, init, batch order, optimizer and diagnostics as a trial) in a bare loop,
// with no evaluation, metrics, checkpoints, storage or page updates. It reads the step scalars back every
// READBACK_EVERY steps, as the trial loop does, and times those readbacks the same way the lab does
// (steadyThroughput), so the two numbers differ only by what the lab adds around the step.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { fetchFromOrigin } from '$lib/datasets/image-dataset';
import { loadDataset } from '$lib/datasets/load-dataset';
import { BatchOrder } from '$lib/math/batch-order';
import { streamSeed } from '$lib/math/random';
import { steadyThroughput, type TimingMark } from '$lib/procedures/throughput';
import type { DatasetName, TrialConfig } from '$lib/study/trial-config';
import { contextLengthOf } from '$lib/training/model-spec';
import { READBACK_EVERY } from '$lib/training/trial-loop';
import { initBackend } from '$lib/training/tfjs/backend';
import { createModel } from '$lib/training/tfjs/models/create-model';
import { toDevice } from '$lib/training/tfjs/device-data';
import { createOptimizer, disposeOptimizerState, pickOptimizerKeys } from '$lib/training/tfjs/optimizers';
import { trainStep } from '$lib/training/tfjs/trainer';

setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});

const fetchBytes = fetchFromOrigin(new URL('/', self.location.href).href);

const api = {
	async run(config: TrialConfig): Promise<{ stepsPerSecond: number; backend: string }> {
		const report = await initBackend(config.backend);
		const data = await loadDataset(config.dataset as DatasetName, fetchBytes);
		const device = toDevice(data, contextLengthOf(config));
		const model = createModel(config, data, streamSeed(config.seed, 'init'));
		const optimizer = createOptimizer(pickOptimizerKeys(config));
		const optState = optimizer.init(model.params);
		const parts = { config, model, device, optimizer, optState, dropoutSeed: 0, smoothing: 0 };
		const order = new BatchOrder(device.trainCount, streamSeed(config.seed, 'data-order'));
		const marks: TimingMark[] = [];
		const started = performance.now();
		const pending: tf.Tensor[] = [];
		try {
			for (let step = 0; step < config.maxTrainSteps; step++) {
				pending.push(trainStep(parts, step, config.learningRate, order.nextBatch(config.batchSize)));
				if (pending.length === READBACK_EVERY || step + 1 === config.maxTrainSteps) {
					const stacked = tf.stack(pending);
					await stacked.data();
					tf.dispose([stacked, ...pending]);
					pending.length = 0;
					marks.push({ step: step + 1, seconds: (performance.now() - started) / 1000, evaluated: false });
				}
			}
		} finally {
			tf.dispose(pending);
			disposeOptimizerState(optState);
			model.dispose();
			device.dispose();
		}
		const measured = steadyThroughput(marks, 0);
		if (!measured) throw new Error('too few steps to time');
		return { stepsPerSecond: measured.stepsPerSecond, backend: report.backend };
	}
};

export type BareLoopApi = typeof api;
Comlink.expose(api);
