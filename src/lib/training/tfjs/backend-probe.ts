// The measurement behind `auto` (../backend-choice.ts): a few training steps of the trial's own workload on
// each backend that starts, timed after a warm-up (WebGPU compiles its shaders during the first steps).
// Runs in the trial worker. Probes are cached in Cache Storage, which workers can reach (localStorage
// they cannot), so a device measures each workload once.
import * as tf from '@tensorflow/tfjs';
import type { TrainingData } from '$lib/datasets/classification-data';
import { BatchOrder } from '$lib/math/batch-order';
import type { BackendName, TrialConfig } from '$lib/study/trial-config';
import {
	PROBE_VERSION,
	fastestBackend,
	memoryProbeStore,
	probeKey,
	usableProbe,
	workloadKey,
	type BackendProbe,
	type BackendSpeed,
	type ProbeStore
} from '../backend-choice';
import { adapterText, describeWebGpuAdapter } from '../backend-report';
import { contextLengthOf } from '../model-spec';
import { initBackend } from './backend';
import { createModel } from './models/create-model';
import { toDevice } from './device-data';
import { createOptimizer, disposeOptimizerState, pickOptimizerKeys } from './optimizers';
import { trainStep } from './trainer';
import { errorMessage } from '$lib/util/error-message';

/** Untimed first step: shader compilation, kernel caches, allocator growth. */
export const PROBE_WARMUP_STEPS = 1;
/** Timing stops after the first group of steps that ends past this many seconds. */
export const PROBE_SECONDS = 1;
export const PROBE_MAX_STEPS = 64;
/**
 * A backend whose single timed step already takes this many times the best one's is not timed
 * further: one step is enough to know it will not be chosen (the CNN on software WebGPU takes seconds).
 */
export const PROBE_HOPELESS_FACTOR = 4;
/** A warm-up step longer than this ends the probe of that backend (its one step gives the estimate). */
export const PROBE_WARMUP_LIMIT_SECONDS = 20;

/** The order backends are measured in: wasm first, so the others can be cut short against it. */
export const PROBE_ORDER: BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

/**
 * Steps per second of `config`'s training step on the current backend (the trial loop's own step),
 * timed in groups of 1, 2, 4, … steps read back once each (as the loop reads back in groups). Stops
 * early when a step is over PROBE_HOPELESS_FACTOR × `bestSecondsPerStep`.
 */
export async function measureSteps(
	config: TrialConfig,
	data: TrainingData,
	bestSecondsPerStep = Number.POSITIVE_INFINITY
): Promise<number> {
	const device = toDevice(data, contextLengthOf(config));
	const model = createModel(config, data, 0);
	const optimizer = createOptimizer(pickOptimizerKeys(config));
	const optState = optimizer.init(model.params);
	const parts = { config, model, device, optimizer, optState, dropoutSeed: 0, smoothing: 0 };
	const order = new BatchOrder(device.trainCount, 0);
	let done = 0;
	const run = async (steps: number) => {
		const started = performance.now();
		const outs: tf.Tensor[] = [];
		for (let i = 0; i < steps; i++)
			outs.push(trainStep(parts, done++, config.learningRate, order.nextBatch(config.batchSize)));
		// One readback syncs the whole group (a GPU backend queues the steps until then).
		await outs[outs.length - 1]!.data();
		tf.dispose(outs);
		return (performance.now() - started) / 1000;
	};
	try {
		const warmup = await run(PROBE_WARMUP_STEPS);
		if (warmup > PROBE_WARMUP_LIMIT_SECONDS) return PROBE_WARMUP_STEPS / warmup;
		let steps = 0;
		let seconds = 0;
		for (let group = 1; steps < PROBE_MAX_STEPS && seconds < PROBE_SECONDS; group *= 2) {
			const took = await run(group);
			steps += group;
			seconds += took;
			if (took / group > PROBE_HOPELESS_FACTOR * bestSecondsPerStep) break;
		}
		return steps / seconds;
	} finally {
		disposeOptimizerState(optState);
		model.dispose();
		device.dispose();
	}
}

/** Measures every backend that starts; leaves tfjs on the fastest. Throws when none could train. */
export async function probeBackends(
	config: TrialConfig,
	data: TrainingData,
	key: string
): Promise<BackendProbe> {
	const speeds: BackendSpeed[] = [];
	let best = Number.POSITIVE_INFINITY;
	for (const backend of PROBE_ORDER) {
		try {
			await initBackend(backend);
			const stepsPerSecond = await measureSteps(config, data, best);
			best = Math.min(best, 1 / stepsPerSecond);
			speeds.push({ backend, stepsPerSecond });
		} catch (error) {
			speeds.push({ backend, error: errorMessage(error) });
		}
	}
	const fastest = fastestBackend(speeds);
	if (!fastest) {
		throw new Error(
			`no backend could train this workload (${speeds.map((s) => `${s.backend}: ${s.error}`).join('; ')})`
		);
	}
	await initBackend(fastest);
	return {
		key,
		workload: workloadKey(config),
		speeds,
		fastest,
		measuredAt: Date.now(),
		version: PROBE_VERSION
	};
}

const CACHE_NAME = 'tuning-lab-backend-probes';

/** Cache Storage when the context has it (secure origins), otherwise a per-worker Map. */
export function defaultProbeStore(): ProbeStore {
	const caches = (globalThis as { caches?: CacheStorage }).caches;
	if (!caches) return memoryProbeStore();
	// Cache Storage is keyed by URL: the probe key becomes a query under a fixed, never-fetched path.
	const url = (key: string) => `/__backend-probe?key=${encodeURIComponent(key)}`;
	return {
		async get(key) {
			const response = await (await caches.open(CACHE_NAME)).match(url(key));
			return response ? usableProbe(await response.json().catch(() => undefined), key) : undefined;
		},
		async put(probe) {
			const body = JSON.stringify(probe);
			await (await caches.open(CACHE_NAME)).put(url(probe.key), new Response(body));
		}
	};
}

/** The cached probe for this device and workload, or a fresh one (also when `remeasure` is set). */
export async function probeFor(
	config: TrialConfig,
	data: TrainingData,
	store: ProbeStore,
	remeasure = false
): Promise<BackendProbe> {
	const { adapter } = await describeWebGpuAdapter();
	const userAgent = (globalThis.navigator as Navigator | undefined)?.userAgent ?? 'unknown browser';
	const key = probeKey(adapterText(adapter), userAgent, workloadKey(config));
	const cached = remeasure ? undefined : await store.get(key);
	if (cached) return cached;
	const probe = await probeBackends(config, data, key);
	await store.put(probe);
	return probe;
}
