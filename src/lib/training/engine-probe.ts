// The measurement behind `auto` (backend-choice.ts): a few training steps of the trial's own workload on
// each engine × backend pair that starts, timed after a warm-up (WebGPU compiles its shaders and the
// compiled engine traces its step during the first steps), through the same Trainer interface the trial
// loop drives. Runs in the trial worker, which holds one engine of each kind. Probes are cached in Cache
// Storage, which workers can reach (localStorage they cannot), so a device measures each workload once.
// No engine imports here: the engines come in as arguments.
import type { TrainingData } from '$lib/datasets/classification-data';
import { BatchOrder } from '$lib/math/batch-order';
import type {
	BackendChoice,
	BackendName,
	EngineChoice,
	EngineName,
	TrialConfig
} from '$lib/study/trial-config';
import { errorMessage } from '$lib/util/error-message';
import {
	BATCH_SIZES,
	PROBE_VERSION,
	bestBatch,
	candidatePairs,
	choiceKey,
	failedPairs,
	fastestPair,
	memoryProbeStore,
	pairOrder,
	probeKey,
	usableProbe,
	workloadKey,
	type BackendProbe,
	type BatchProbe,
	type PairSpeed,
	type ProbeStore
} from './backend-choice';
import {
	adapterText,
	describeWebGpuAdapter,
	type BackendAttempt,
	type BackendReport
} from './backend-report';
import type { Engine, Trainer } from './engine';

/** Untimed first step: shader compilation, tracing, kernel caches, allocator growth. */
export const PROBE_WARMUP_STEPS = 1;
/** Timing stops after the first group of steps that ends past this many seconds. */
export const PROBE_SECONDS = 1;
export const PROBE_MAX_STEPS = 64;
/**
 * A pair whose single timed step already takes this many times the best one's is not timed further:
 * one step is enough to know it will not be chosen (the CNN on software WebGPU takes seconds).
 */
export const PROBE_HOPELESS_FACTOR = 4;
/** A warm-up step longer than this ends the probe of that pair (its one step gives the estimate). */
export const PROBE_WARMUP_LIMIT_SECONDS = 20;

export type Engines = Record<EngineName, Engine>;

/**
 * Steps per second of `config`'s training step on `engine`'s current backend (the trial's own trainer:
 * model, optimizer, dropout and averaging as configured), timed in groups of 1, 2, 4, … steps read back
 * once each (as the loop reads back in groups). Stops early when a step is over PROBE_HOPELESS_FACTOR ×
 * `bestSecondsPerStep`.
 */
export async function measureSteps(
	engine: Pick<Engine, 'createTrainer'>,
	config: TrialConfig,
	data: TrainingData,
	bestSecondsPerStep = Number.POSITIVE_INFINITY
): Promise<number> {
	const trainer = engine.createTrainer(config, data);
	const order = new BatchOrder(trainer.trainCount, 0);
	let done = 0;
	const run = async (steps: number) => {
		const started = performance.now();
		for (let i = 0; i < steps; i++)
			trainer.step(done++, config.learningRate, order.nextBatch(config.batchSize));
		// One readback syncs the whole group (a GPU backend queues the steps until then).
		await trainer.readback();
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
		trainer.dispose();
	}
}

/**
 * Measures every pair the choices allow, one after another in this worker (so under the same
 * conditions), keeping each failure's reason. Throws, naming every pair's reason, when none could train.
 */
export async function probePairs(
	engines: Engines,
	config: TrialConfig,
	data: TrainingData,
	choice: { engine: EngineChoice; backend: BackendChoice; key: string }
): Promise<BackendProbe> {
	const speeds: PairSpeed[] = [];
	let best = Number.POSITIVE_INFINITY;
	for (const pair of candidatePairs(choice.engine, choice.backend)) {
		try {
			const engine = engines[pair.engine];
			await engine.selectBackend(pair.backend);
			const stepsPerSecond = await measureSteps(engine, config, data, best);
			best = Math.min(best, 1 / stepsPerSecond);
			speeds.push({ ...pair, stepsPerSecond });
		} catch (error) {
			speeds.push({ ...pair, error: errorMessage(error) });
		}
	}
	const fastest = fastestPair(speeds);
	if (!fastest) {
		const reasons = failedPairs(speeds).map((s) => `${s.engine} on ${s.backend}: ${s.error}`);
		throw new Error(`no engine and backend could train this workload (${reasons.join('; ')})`);
	}
	const solo = speeds.find((s) => s.engine === fastest.engine && s.backend === fastest.backend)!;
	const batch = await probeBatches(
		engines[fastest.engine],
		fastest.backend,
		config,
		data,
		solo.stepsPerSecond!
	);
	return {
		key: choice.key,
		workload: workloadKey(config),
		speeds,
		fastest,
		measuredAt: Date.now(),
		version: PROBE_VERSION,
		...(batch && { batch })
	};
}

/**
 * Trial-steps/s of K copies of `config` trained as one batch (seeds 0…K−1: values differ, shapes do
 * not), for each K of BATCH_SIZES on `backend`, timed as measureSteps times one trial; null when the
 * engine cannot batch this workload. `solo` is the workload's steps/s alone on the same pair. The sweep
 * stops at the first K that fails or is no faster than one trial alone: each K costs a compile and K
 * times the step, and a batch that loses to one trial does not win by growing (on wasm the default CNN
 * and the d64 transformer already lose at K = 2; bench/jax-batched.bench.ts with JAX_BATCH_MODELS).
 */
export async function probeBatches(
	engine: Engine,
	backend: BackendName,
	config: TrialConfig,
	data: TrainingData,
	solo: number
): Promise<BatchProbe | null> {
	const copies = (k: number) => Array.from({ length: k }, (_, seed) => ({ ...config, seed }));
	if (!engine.createBatchedTrainers || !engine.canBatch?.(copies(2), data)) return null;
	await engine.selectBackend(backend);
	const speeds: BatchProbe['speeds'] = [];
	for (const k of BATCH_SIZES) {
		try {
			const trainers = engine.createBatchedTrainers(
				copies(k).map((c) => ({ config: c })),
				data
			);
			const batched: Pick<Engine, 'createTrainer'> = {
				createTrainer: () => asOneTrainer(trainers)
			};
			const trialStepsPerSecond = k * (await measureSteps(batched, config, data));
			speeds.push({ k, trialStepsPerSecond });
			if (!(trialStepsPerSecond > solo)) break;
		} catch (error) {
			speeds.push({ k, error: errorMessage(error) });
			break;
		}
	}
	return { k: bestBatch(solo, speeds), solo, speeds };
}

/** K trainers of one batch driven as one: each step queues on every trial, a readback reads them all. */
function asOneTrainer(trainers: Trainer[]): Trainer {
	const first = trainers[0]!;
	return {
		trainCount: first.trainCount,
		step: (step, learningRate, indices) => trainers.forEach((t) => t.step(step, learningRate, indices)),
		readback: async () => (await Promise.all(trainers.map((t) => t.readback())))[0]!,
		evaluate: (batchSize) => first.evaluate(batchSize),
		save: () => first.save(),
		dispose: () => trainers.forEach((t) => t.dispose())
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

/** What to start: an engine choice and a backend choice, and (for `auto`) the workload to measure. */
export interface PairRequest {
	engine: EngineChoice;
	backend: BackendChoice;
	/** The trial whose step `auto` measures; without one, `auto` takes TF.js and its fixed backend order. */
	workload?: { config: TrialConfig; data(): Promise<TrainingData> };
	/** Measure again even when a measurement is cached. */
	remeasure?: boolean;
	/**
	 * Measure a forced pair too (a study's measurement), when its engine can batch trials: the probe
	 * then says how many trials of the workload to train as one batch.
	 */
	batch?: boolean;
}

/**
 * Starts the pair `request` asks for and describes it. A forced pair starts or throws. With `auto` and
 * a workload: the cached or a fresh probe (errors are not swallowed: a probe that could not train any
 * pair throws with every reason), then the measured pairs fastest first until one starts; pairs that
 * failed in the probe are listed as failed attempts with their reasons. Calls must not overlap (both
 * engines keep one global backend per worker): the caller queues them.
 */
export async function startPair(
	engines: Engines,
	request: PairRequest,
	store: ProbeStore
): Promise<{ engine: Engine; report: BackendReport }> {
	const { workload } = request;
	const requestedEngine = request.engine;
	const measureBatch =
		request.batch === true && request.engine !== 'auto' && !!engines[request.engine].createBatchedTrainers;
	if (request.engine !== 'auto' && (request.backend !== 'auto' || !workload) && !(workload && measureBatch)) {
		const engine = engines[request.engine];
		const report = await engine.selectBackend(request.backend);
		return { engine, report: { ...report, engine: request.engine, requestedEngine } };
	}
	if (!workload) {
		const report = await engines.tfjs.selectBackend(request.backend);
		return { engine: engines.tfjs, report: { ...report, engine: 'tfjs', requestedEngine } };
	}
	const { adapter } = await describeWebGpuAdapter();
	const userAgent = (globalThis.navigator as Navigator | undefined)?.userAgent ?? 'unknown browser';
	const choice = choiceKey(workload.config, request.engine, request.backend);
	const key = probeKey(adapterText(adapter), userAgent, choice);
	let probe = request.remeasure ? undefined : await store.get(key);
	if (!probe) {
		probe = await probePairs(engines, workload.config, await workload.data(), {
			engine: request.engine,
			backend: request.backend,
			key
		});
		await store.put(probe);
	}
	const failed: BackendAttempt[] = failedPairs(probe.speeds).map((s) => ({
		engine: s.engine,
		backend: s.backend,
		ok: false,
		reason: s.error
	}));
	const attempts: BackendAttempt[] = [...failed];
	for (const pair of pairOrder(probe.speeds)) {
		try {
			const engine = engines[pair.engine];
			const report = await engine.selectBackend(pair.backend);
			attempts.push({ engine: pair.engine, backend: pair.backend, ok: true });
			return {
				engine,
				report: {
					...report,
					requested: request.backend,
					requestedEngine,
					engine: pair.engine,
					attempts,
					probe
				}
			};
		} catch (error) {
			attempts.push({ engine: pair.engine, backend: pair.backend, ok: false, reason: errorMessage(error) });
		}
	}
	const detail = attempts.map((a) => `${a.engine} on ${a.backend}: ${a.reason}`).join('; ');
	throw new Error(`no measured engine and backend would start again (${detail})`);
}
