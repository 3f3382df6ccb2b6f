// How many trials to train at once by default.
import type { BackendChoice } from '$lib/study/trial-config';

/**
 * One trial at a time on a GPU backend (trials on one device share its queue, so more only adds
 * contention), and for `auto` before it is measured, since it may resolve to the GPU. On CPU backends
 * each trial runs on one thread, so use every logical core, at most 8. Once a study's `auto` workload is
 * measured, the scheduler asks again with the backend chosen (scheduler.ts), so `auto` on a CPU-only
 * machine, where it chooses wasm, runs one trial per core like a forced wasm study.
 *
 * Measured by bench/study-throughput.browser.ts (the rows "study throughput: 16 trials at concurrency
 * 1/2" of docs/BENCHMARKS.md): a 16-trial digits study on TF.js-wasm on 2 cores runs about as many
 * trials per hour at concurrency 2 as at 1 (1.09× in the 2026-12-05 run), far short of 2×, because
 * these 200-step trials spend a large share of their time in per-trial work on the page's thread
 * (IndexedDB writes, checkpoints, the table), which the workers share. One per core stays the
 * default: it loses nothing measurable on these short trials, and a trial whose time is mostly its own
 * steps is what a second core can run.
 */
export function defaultConcurrency(hardwareConcurrency: number | undefined, backend: BackendChoice): number {
	if (backend === 'webgpu' || backend === 'webgl' || backend === 'auto') return 1;
	const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
	return Math.max(1, Math.min(8, cores));
}
