import { afterEach, describe, expect, it, vi } from 'vitest';
import { LazyWorker } from './spawn-worker';

/** A browser Worker as far as LazyWorker sees it: it never answers, and it can fail like a crashed one. */
class SilentWorker extends EventTarget {
	static started: SilentWorker[] = [];
	terminated = false;
	constructor(
		readonly url: URL,
		readonly options: WorkerOptions
	) {
		super();
		SilentWorker.started.push(this);
	}
	postMessage(): void {}
	terminate(): void {
		this.terminated = true;
	}
	crash(message: string): void {
		this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
	}
}

describe('LazyWorker', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
		SilentWorker.started = [];
	});

	it('starts its worker on the first call, as a module worker of its kind', () => {
		vi.stubGlobal('Worker', SilentWorker);
		const worker = new LazyWorker('trial', 'sample-worker');
		expect(worker.started).toBe(false);
		void worker.call((api) => api.numTensors());
		expect(worker.started).toBe(true);
		const [started] = SilentWorker.started;
		expect(started!.url.pathname).toMatch(/\/workers\/trial-worker\.ts$/);
		expect(started!.options).toEqual({ type: 'module', name: 'sample-worker' });
	});

	it('rejects the pending calls when the worker crashes, drops it, and starts a fresh one next time', async () => {
		vi.stubGlobal('Worker', SilentWorker);
		const worker = new LazyWorker('bayes');
		const pending = worker.call((api) => api.suggest({} as never));
		const [first] = SilentWorker.started;
		first!.crash('Uncaught Error: out of memory');
		await expect(pending).rejects.toThrow('the bayes worker crashed: Uncaught Error: out of memory');
		expect(first!.terminated).toBe(true);
		expect(worker.started).toBe(false);
		void worker.call((api) => api.suggest({} as never));
		expect(SilentWorker.started).toHaveLength(2);
		// A late error from the dropped worker does not touch the new one.
		first!.crash('again');
		expect(SilentWorker.started[1]!.terminated).toBe(false);
	});
});
