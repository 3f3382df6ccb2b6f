// What a trial ran on, as the page shows it: the backend that started, every attempt that did not
// (with its reason), and the WebGPU adapter. The same for every engine; no engine imports here, only
// the browser's navigator.gpu.
import type { BackendChoice, BackendName, EngineChoice, EngineName } from '$lib/study/trial-config';
import type { BackendProbe } from './backend-choice';

export interface AdapterInfo {
	vendor: string;
	architecture: string;
	device: string;
	description: string;
	/** True for a software adapter (e.g. SwiftShader): correct but far slower than a real GPU. */
	isFallback: boolean;
}

export interface BackendAttempt {
	/** The engine that tried (absent in records from before there were two engines: tfjs). */
	engine?: EngineName;
	backend: BackendName;
	ok: boolean;
	reason?: string;
}

export interface BackendReport {
	requested: BackendChoice;
	backend: BackendName;
	/** The engine that trains on it (absent in records from before there were two engines: tfjs). */
	engine?: EngineName;
	/** The engine asked for, when the report comes from the trial worker. */
	requestedEngine?: EngineChoice;
	attempts: BackendAttempt[];
	adapter: AdapterInfo | null;
	/** Why no WebGPU adapter could be described, when there is none. */
	adapterProblem?: string;
	/** For `auto`: the measured engine × backend pairs it chose from (absent without a workload to measure). */
	probe?: BackendProbe;
}

/** What a browser says about its WebGPU adapter (GPUAdapterInfo, fields optional across versions). */
export interface AdapterInfoLike {
	vendor?: string;
	architecture?: string;
	device?: string;
	description?: string;
	isFallbackAdapter?: boolean;
}

/**
 * The adapter from what the browser says about it. `legacyFallback` is GPUAdapter.isFallbackAdapter of
 * older Chromium (it moved to the info). A name that says SwiftShader, llvmpipe or software counts as
 * a fallback even when the flag is missing: those emulate a GPU on the CPU.
 */
export function adapterFromInfo(info: AdapterInfoLike, legacyFallback?: boolean): AdapterInfo {
	const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
	return {
		vendor: info.vendor ?? '',
		architecture: info.architecture ?? '',
		device: info.device ?? '',
		description: info.description ?? '',
		isFallback:
			Boolean(info.isFallbackAdapter ?? legacyFallback) || /swiftshader|software|llvmpipe/i.test(text)
	};
}

export async function describeWebGpuAdapter(): Promise<{ adapter: AdapterInfo | null; problem?: string }> {
	const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
	if (!gpu) {
		return {
			adapter: null,
			problem:
				'this browser exposes no navigator.gpu (WebGPU needs Chrome 113+ on a secure origin; headless Chromium needs --enable-unsafe-webgpu)'
		};
	}
	const adapter = await gpu.requestAdapter();
	if (!adapter) return { adapter: null, problem: 'navigator.gpu.requestAdapter() returned no adapter' };
	const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
	return { adapter: adapterFromInfo((adapter.info ?? {}) as AdapterInfoLike, legacyFallback) };
}

/** The adapter in one line, as the probe cache keys it (empty without an adapter). */
export function adapterText(adapter: AdapterInfo | null): string {
	if (!adapter) return '';
	const text = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean);
	return `${text.join(' ')}${adapter.isFallback ? ' (fallback)' : ''}`;
}
