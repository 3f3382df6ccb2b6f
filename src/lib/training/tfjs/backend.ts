// Choosing and initialising the tfjs backend, and describing it honestly to the user.
// `auto` tries WebGPU, WebGL, wasm, cpu (or the order its caller gives); the trial worker measures
// which engine and backend is fastest for a workload (../engine-probe.ts) and asks for that one by name.
// Every failed attempt keeps its reason.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendChoice, BackendName } from '$lib/study/trial-config';
import { FALLBACK_ORDER } from '../backend-choice';
import { describeWebGpuAdapter, type BackendAttempt, type BackendReport } from '../backend-report';
import { errorMessage } from '$lib/util/error-message';

export const BACKEND_ORDER: BackendName[] = FALLBACK_ORDER;

export class BackendInitError extends Error {
	constructor(
		message: string,
		readonly attempts: BackendAttempt[]
	) {
		super(message);
		this.name = 'BackendInitError';
	}
}

function webglProblem(): string | undefined {
	if (typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') {
		return 'no OffscreenCanvas in this context, so WebGL cannot start';
	}
	try {
		const canvas =
			typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
		if (!canvas.getContext('webgl2') && !canvas.getContext('webgl'))
			return 'the browser refused a WebGL context';
	} catch (error) {
		return `creating a WebGL context threw: ${String(error)}`;
	}
	return undefined;
}

/** Runs tf.setBackend while collecting the warnings tfjs prints when a backend factory throws. */
async function trySetBackend(name: BackendName): Promise<{ ok: boolean; reason?: string }> {
	const warnings: string[] = [];
	const originalWarn = console.warn;
	console.warn = (...args: unknown[]) => {
		warnings.push(args.map(String).join(' '));
	};
	try {
		const ok = await tf.setBackend(name);
		if (ok) await tf.ready();
		const reason = ok ? undefined : warnings.join(' | ').slice(0, 500) || `tfjs could not initialise ${name}`;
		return { ok, reason };
	} catch (error) {
		return { ok: false, reason: errorMessage(error) };
	} finally {
		console.warn = originalWarn;
	}
}

async function precheck(name: BackendName, adapterProblem: string | undefined): Promise<string | undefined> {
	if (name === 'webgpu') return adapterProblem;
	if (name === 'webgl') return webglProblem();
	return undefined;
}

/**
 * Initialises the requested backend (for `auto`, the first of `autoOrder` that works) and reports
 * every attempt.
 */
export async function initBackend(
	requested: BackendChoice,
	autoOrder: BackendName[] = BACKEND_ORDER
): Promise<BackendReport> {
	const { adapter, problem } = await describeWebGpuAdapter();
	const candidates = requested === 'auto' ? autoOrder : [requested];
	const attempts: BackendAttempt[] = [];
	for (const name of candidates) {
		if (tf.getBackend() === name) {
			attempts.push({ backend: name, ok: true });
			return { requested, backend: name, attempts, adapter, adapterProblem: problem };
		}
		const blocked = await precheck(name, problem);
		const result = blocked ? { ok: false, reason: blocked } : await trySetBackend(name);
		attempts.push({ backend: name, ...result });
		// Report what tfjs itself says it runs on, not what was asked for.
		if (result.ok)
			return {
				requested,
				backend: tf.getBackend() as BackendName,
				attempts,
				adapter,
				adapterProblem: problem
			};
	}
	const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
	throw new BackendInitError(`could not start the ${requested} backend (${detail})`, attempts);
}
