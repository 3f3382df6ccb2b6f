// How `auto` picks a backend: from a short measured probe of the trial's own workload on every backend
// that starts, cached per device (adapter + browser) and workload. Pure: no tfjs, no DOM, no storage
// beyond the small ProbeStore interface, so the choice itself is unit-tested.
//
// Why measure instead of a fixed order: on a machine without a GPU, Chromium's WebGPU is a software
// adapter (SwiftShader) and trains far slower than wasm (docs/engineering-notes.md §1; the measured
// speeds are in docs/BENCHMARKS.md), while on a real GPU
// WebGPU is the fast path. Only a measurement on this device tells which case it is.
import type { BackendName, TrialConfig } from '$lib/study/trial-config';

/** Bump when the probe's procedure changes, so older cached answers are measured again. */
export const PROBE_VERSION = 1;

/** The order `auto` tries backends in when nothing has been measured (and breaks exact ties in). */
export const FALLBACK_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendSpeed {
	backend: BackendName;
	/** Training steps per second of the workload, when the backend started and trained. */
	stepsPerSecond?: number;
	/** Why the backend could not be measured (it did not start, or a step threw). */
	error?: string;
}

export interface BackendProbe {
	/** The cache key: device, browser and workload (see probeKey). */
	key: string;
	workload: string;
	speeds: BackendSpeed[];
	/** The fastest measured backend: what `auto` runs on. */
	fastest: BackendName;
	/** When it was measured, ms since the epoch. */
	measuredAt: number;
	version: number;
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

/** Device (WebGPU adapter description, or none), browser (user agent) and workload, in one key. */
export function probeKey(adapter: string, userAgent: string, workload: string): string {
	return `v${PROBE_VERSION}|${adapter || 'no-webgpu-adapter'}|${userAgent}|${workload}`;
}

/** The measured backend with the most steps per second; exact ties go to the earlier one in FALLBACK_ORDER. */
export function fastestBackend(speeds: BackendSpeed[]): BackendName | null {
	let best: BackendSpeed | null = null;
	for (const name of FALLBACK_ORDER) {
		const s = speeds.find((x) => x.backend === name);
		const v = s?.stepsPerSecond;
		if (v === undefined || !Number.isFinite(v) || v <= 0) continue;
		if (!best || v > best.stepsPerSecond!) best = s!;
	}
	return best?.backend ?? null;
}

/** The order `auto` tries: the probe's fastest first, then the other measured ones by speed, then the rest. */
export function autoOrder(probe: Pick<BackendProbe, 'speeds'> | null): BackendName[] {
	if (!probe) return [...FALLBACK_ORDER];
	const measured = probe.speeds
		.filter((s) => s.stepsPerSecond !== undefined && s.stepsPerSecond > 0)
		.sort(
			(a, b) =>
				b.stepsPerSecond! - a.stepsPerSecond! ||
				FALLBACK_ORDER.indexOf(a.backend) - FALLBACK_ORDER.indexOf(b.backend)
		)
		.map((s) => s.backend);
	return [...measured, ...FALLBACK_ORDER.filter((b) => !measured.includes(b))];
}

/** Where probes are kept between sessions (Cache Storage in the worker; a Map in tests). */
export interface ProbeStore {
	get(key: string): Promise<BackendProbe | undefined>;
	put(probe: BackendProbe): Promise<void>;
}

/** A stored probe is usable when it parses, has this procedure's version and a measured fastest backend. */
export function usableProbe(value: unknown, key: string): BackendProbe | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const p = value as Partial<BackendProbe>;
	if (p.key !== key || p.version !== PROBE_VERSION || !Array.isArray(p.speeds)) return undefined;
	const fastest = fastestBackend(p.speeds);
	return fastest && fastest === p.fastest ? (p as BackendProbe) : undefined;
}

export function memoryProbeStore(): ProbeStore {
	const map = new Map<string, BackendProbe>();
	return {
		get: async (key) => usableProbe(map.get(key), key),
		put: async (probe) => void map.set(probe.key, probe)
	};
}
