// Every worker of the page starts here and is wrapped with comlink here: the clients of this folder
// (trial, bayes, analysis, data) only ask for a kind of worker and call its API.
import * as Comlink from 'comlink';
import type { AnalysisWorkerApi, BayesWorkerApi, DataWorkerApi, TrialWorkerApi } from '$workers/protocol';

interface WorkerApis {
	trial: TrialWorkerApi;
	bayes: BayesWorkerApi;
	analysis: AnalysisWorkerApi;
	data: DataWorkerApi;
}

export type WorkerKind = keyof WorkerApis;
export type WorkerApi<K extends WorkerKind> = Comlink.Remote<WorkerApis[K]>;

/** A started worker and its API. */
export interface SpawnedWorker<K extends WorkerKind> {
	worker: Worker;
	api: WorkerApi<K>;
}

function startWorker(kind: WorkerKind, name: string): Worker {
	// Vite bundles a worker only from a literal `new Worker(new URL('…', import.meta.url))`, so each
	// kind's entry point is written out here once.
	switch (kind) {
		case 'trial':
			return new Worker(new URL('../../../workers/trial-worker.ts', import.meta.url), {
				type: 'module',
				name
			});
		case 'bayes':
			return new Worker(new URL('../../../workers/bayes-worker.ts', import.meta.url), {
				type: 'module',
				name
			});
		case 'analysis':
			return new Worker(new URL('../../../workers/analysis-worker.ts', import.meta.url), {
				type: 'module',
				name
			});
		case 'data':
			return new Worker(new URL('../../../workers/data-worker.ts', import.meta.url), {
				type: 'module',
				name
			});
	}
}

/** Starts a worker of `kind` (named `name` in the browser's developer tools) and wraps it with comlink. */
export function spawnWorker<K extends WorkerKind>(kind: K, name = `${kind}-worker`): SpawnedWorker<K> {
	const worker = startWorker(kind, name);
	return { worker, api: Comlink.wrap<WorkerApis[K]>(worker) };
}

/**
 * A worker started on first use and kept until `dispose` (the next call starts a fresh one). An error
 * nothing in the worker caught (a crashed backend, a failed module load) would leave every pending call
 * unanswered forever; instead the worker is dropped and the calls made through `call` are rejected with
 * "the <kind> worker crashed: <message>".
 */
export class LazyWorker<K extends WorkerKind> {
	private spawned: SpawnedWorker<K> | null = null;
	/** Calls waiting on the worker, told when it crashes (not reactive state). */
	private crashListeners = new Set<(message: string) => void>();

	constructor(
		private readonly kind: K,
		private readonly name = `${kind}-worker`
	) {}

	/** Whether a worker is running now (calls made without one would start it). */
	get started(): boolean {
		return this.spawned !== null;
	}

	/** The worker's API, starting the worker if none runs. */
	get api(): WorkerApi<K> {
		if (!this.spawned) {
			const spawned = spawnWorker(this.kind, this.name);
			const label = `the ${this.kind} worker`;
			spawned.worker.addEventListener('error', (event) => {
				event.preventDefault();
				this.crashed(spawned, `${label} crashed: ${event.message || 'no message given'}`);
			});
			spawned.worker.addEventListener('messageerror', () =>
				this.crashed(spawned, `${label} sent a message that could not be read`)
			);
			this.spawned = spawned;
		}
		return this.spawned.api;
	}

	/** `fn` on the worker, rejected with the crash message if the worker fails before it answers. */
	async call<T>(fn: (api: WorkerApi<K>) => Promise<T>): Promise<T> {
		let listener: (message: string) => void = () => {};
		const crashed = new Promise<never>((_, reject) => {
			listener = (message) => reject(new Error(message));
			this.crashListeners.add(listener);
		});
		try {
			return await Promise.race([fn(this.api), crashed]);
		} finally {
			this.crashListeners.delete(listener);
		}
	}

	/** Stops the worker (the next call starts a fresh one). */
	dispose(): void {
		this.spawned?.worker.terminate();
		this.spawned = null;
	}

	private crashed(spawned: SpawnedWorker<K>, message: string): void {
		if (spawned !== this.spawned) return;
		this.dispose();
		for (const listener of this.crashListeners) listener(message);
	}
}
