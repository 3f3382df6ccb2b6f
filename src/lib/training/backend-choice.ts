// How `auto` picks an engine and a backend: from a short measured probe of the trial's own workload on
// every engine × backend pair the trial allows, cached per device (adapter + browser), workload and
// choice. Pure: no engine, no DOM, no storage beyond the small ProbeStore interface, so the choice itself
// is unit-tested.
//
// Why measure instead of a fixed order: on a machine without a GPU, Chromium's WebGPU is a software
// adapter (SwiftShader) and trains far slower than wasm (docs/engineering-notes.md §1; the measured
// speeds are in docs/BENCHMARKS.md), while on a real GPU WebGPU is the fast path; and which engine is
// faster depends on the workload (per-op overhead against fused steps). Only a measurement on this
// device tells which case it is.
import {
	ENGINE_NAMES,
	type BackendChoice,
	type BackendName,
	type EngineChoice,
	type EngineName,
	type TrialConfig
} from '$lib/study/trial-config';

/**
 * Bump when the probe's procedure changes, so older cached answers are measured again. 2: pairs of
 * engine and backend (version 1 measured TF.js backends only). 3: with batched trials (`batch`). 4: the
 * CNN and the transformer batch too, and the K sweep stops at the first K no faster than one trial.
 */
export const PROBE_VERSION = 4;

/** The order `auto` tries backends in when nothing has been measured (and breaks exact ties in). */
export const FALLBACK_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The backends `auto` measures on each engine, in the order they are measured: wasm first, so the
 * others can be cut short against it. The compiled engine's webgl and cpu devices are not measured:
 * its cpu device is an interpreter for tests and its WebGL path is not one the lab trains on; both can
 * still be forced.
 */
export const ENGINE_BACKENDS: Record<EngineName, readonly BackendName[]> = {
	tfjs: ['wasm', 'webgpu', 'webgl', 'cpu'],
	jax: ['wasm', 'webgpu']
};

/** One engine on one backend. */
export interface EnginePair {
	engine: EngineName;
	backend: BackendName;
}

export interface PairSpeed extends EnginePair {
	/** Training steps per second of the workload, when the pair started and trained. */
	stepsPerSecond?: number;
	/** Why the pair could not be measured (the backend did not start, or a step threw), in the engine's words. */
	error?: string;
}

export interface BackendProbe {
	/** The cache key: device, browser, workload and choice (see probeKey). */
	key: string;
	workload: string;
	/** Every pair the choice allowed, measured or failed, in the order they were measured. */
	speeds: PairSpeed[];
	/** The fastest measured pair: what `auto` trains on. */
	fastest: EnginePair;
	/** When it was measured, ms since the epoch. */
	measuredAt: number;
	version: number;
	/**
	 * Trials trained together as one batch on the fastest pair (engines that can batch this workload
	 * only): trial-steps/s for each K tried, and `k`, the best K when it beats one trial alone, else 1.
	 */
	batch?: BatchProbe;
}

export interface BatchProbe {
	/** Trials per batch to train with (1: one at a time, batching measured no faster). */
	k: number;
	/** The fastest pair's trial-steps/s trained alone (its stepsPerSecond above). */
	solo: number;
	/**
	 * Each K tried, in BATCH_SIZES order up to the first that failed or was no faster than `solo`:
	 * trial-steps/s (K × batched steps/s), or why it failed.
	 */
	speeds: { k: number; trialStepsPerSecond?: number; error?: string }[];
}

/** The K tried for a batch (trials per vectorised step). */
export const BATCH_SIZES = [2, 4, 8, 16] as const;

/** The K to train with: the one with the most trial-steps/s, if it beats `solo`; else 1. */
export function bestBatch(solo: number, speeds: BatchProbe['speeds']): number {
	let best = { k: 1, rate: solo };
	for (const s of speeds) {
		if (s.trialStepsPerSecond !== undefined && s.trialStepsPerSecond > best.rate) {
			best = { k: s.k, rate: s.trialStepsPerSecond };
		}
	}
	return best.k;
}

/**
 * The part of a trial configuration that decides which backend is fastest: model family and size,
 * dataset (input shape) and batch size. Learning rate, schedule or seed do not change the speed.
 */
export function workloadKey(config: TrialConfig): string {
	const size =
		config.model === 'mlp'
			? `w${config.hiddenWidth}d${config.depth}`
			: config.model === 'cnn'
				? `f${config.cnnWidth ?? ''}b${config.cnnDepth ?? ''}`
				: `d${config.dModel ?? ''}l${config.nLayer ?? ''}h${config.nHead ?? ''}t${config.contextLength ?? ''}`;
	return `${config.model}/${config.dataset}/${size}/batch${config.batchSize}`;
}

/** The engine a configuration asks for: a missing key (files from before there were two) means `auto`. */
export function engineChoiceOf(config: Pick<TrialConfig, 'engine'>): EngineChoice {
	return config.engine ?? 'auto';
}

/** Whether a trial with these choices needs a measurement to know what it trains on. */
export function needsProbe(engine: EngineChoice, backend: BackendChoice): boolean {
	return engine === 'auto' || backend === 'auto';
}

/** The pairs the choices allow, in the order they are measured: by backend (wasm first), tfjs before jax. */
export function candidatePairs(engine: EngineChoice, backend: BackendChoice): EnginePair[] {
	const engines: readonly EngineName[] = engine === 'auto' ? ENGINE_NAMES : [engine];
	const pairs: EnginePair[] = [];
	for (const e of engines) {
		for (const b of backend === 'auto' ? ENGINE_BACKENDS[e] : [backend])
			pairs.push({ engine: e, backend: b });
	}
	const rank = (p: EnginePair) =>
		ENGINE_BACKENDS.tfjs.indexOf(p.backend) * 2 + ENGINE_NAMES.indexOf(p.engine);
	return pairs.sort((a, b) => rank(a) - rank(b));
}

/** The key a study remembers its choice under, and the probe cache's workload part: workload and choices. */
export function pickKey(workload: string, engine: EngineChoice, backend: BackendChoice): string {
	return `${workload}|engine=${engine}|backend=${backend}`;
}

/** pickKey of a configuration with the given choices. */
export function choiceKey(config: TrialConfig, engine: EngineChoice, backend: BackendChoice): string {
	return pickKey(workloadKey(config), engine, backend);
}

/** Device (WebGPU adapter description, or none), browser (user agent), workload and choices, in one key. */
export function probeKey(adapter: string, userAgent: string, choice: string): string {
	return `v${PROBE_VERSION}|${adapter || 'no-webgpu-adapter'}|${userAgent}|${choice}`;
}

/** Exact ties go to TF.js (the engine models are exported with) and then to the earlier backend in FALLBACK_ORDER. */
function tieRank(p: EnginePair): number {
	return ENGINE_NAMES.indexOf(p.engine) * FALLBACK_ORDER.length + FALLBACK_ORDER.indexOf(p.backend);
}

function measured(s: PairSpeed): s is PairSpeed & { stepsPerSecond: number } {
	return s.stepsPerSecond !== undefined && Number.isFinite(s.stepsPerSecond) && s.stepsPerSecond > 0;
}

/** The measured pairs, fastest first (exact ties: tfjs first, then FALLBACK_ORDER); failed ones left out. */
export function pairOrder(speeds: readonly PairSpeed[]): EnginePair[] {
	return speeds
		.filter(measured)
		.sort((a, b) => b.stepsPerSecond - a.stepsPerSecond || tieRank(a) - tieRank(b))
		.map(({ engine, backend }) => ({ engine, backend }));
}

/** The measured pair with the most steps per second, or null when none trained. */
export function fastestPair(speeds: readonly PairSpeed[]): EnginePair | null {
	return pairOrder(speeds)[0] ?? null;
}

/** The pairs that could not be measured, each with its reason, for the panel and the trial's report. */
export function failedPairs(speeds: readonly PairSpeed[]): (EnginePair & { error: string })[] {
	return speeds.flatMap((s) =>
		measured(s) ? [] : [{ engine: s.engine, backend: s.backend, error: s.error ?? 'no speed was measured' }]
	);
}

/** Where probes are kept between sessions (Cache Storage in the worker; a Map in tests). */
export interface ProbeStore {
	get(key: string): Promise<BackendProbe | undefined>;
	put(probe: BackendProbe): Promise<void>;
}

/** A stored probe is usable when it parses, has this procedure's version and a measured fastest pair. */
export function usableProbe(value: unknown, key: string): BackendProbe | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const p = value as Partial<BackendProbe>;
	if (p.key !== key || p.version !== PROBE_VERSION || !Array.isArray(p.speeds)) return undefined;
	const fastest = fastestPair(p.speeds);
	return fastest && fastest.engine === p.fastest?.engine && fastest.backend === p.fastest.backend
		? (p as BackendProbe)
		: undefined;
}

export function memoryProbeStore(): ProbeStore {
	const map = new Map<string, BackendProbe>();
	return {
		get: async (key) => usableProbe(map.get(key), key),
		put: async (probe) => void map.set(probe.key, probe)
	};
}
