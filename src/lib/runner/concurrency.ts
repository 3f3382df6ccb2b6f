// How many trials to train at once by default.
import type { BackendChoice } from '$lib/study/trial-config';

/**
 * One trial per GPU-backed run (trials on one device share its queue, so more only adds contention);
 * on CPU backends each trial is single-threaded, so use half the logical cores (the other half keep
 * the page, the browser and the GPU process responsive), at least 1 and at most 8.
 * Issue 11's study-throughput benchmark is what should tune these numbers.
 */
export function defaultConcurrency(hardwareConcurrency: number | undefined, backend: BackendChoice): number {
	if (backend === 'webgpu' || backend === 'webgl' || backend === 'auto') return 1;
	const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
	return Math.max(1, Math.min(8, Math.floor(cores / 2)));
}
