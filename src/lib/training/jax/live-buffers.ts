// Counts the device buffers the jax-js wasm backend holds, for leak tests and benchmarks (Node only).
// jax-js 0.1.25 has no public count: its backend object sits in an internal chunk of the package. We
// load that chunk (the same module instance the package itself uses), find the backend, and mirror its
// reference counts by wrapping malloc/incRef/decRef on that one object. Nothing in node_modules changes.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BackendLike {
	type: string;
	malloc(size: number, initialData?: Uint8Array): number;
	incRef(slot: number): void;
	decRef(slot: number): void;
}

const counts = new Map<number, number>();
let installed = false;

/** Starts counting the wasm backend's live buffers (idempotent). Call after jax-js `init('wasm')`. */
export async function trackLiveBuffers(): Promise<void> {
	if (installed) return;
	const dist = dirname(realpathSync(createRequire(import.meta.url).resolve('@jax-js/jax')));
	const entry = readFileSync(join(dist, 'index.js'), 'utf8');
	const chunk = /from "\.\/(backend-[\w-]+\.js)"/.exec(entry)?.[1];
	if (!chunk) throw new Error('cannot find the jax-js backend chunk');
	const mod = (await import(/* @vite-ignore */ pathToFileURL(join(dist, chunk)).href)) as Record<
		string,
		unknown
	>;
	// The chunk's exports are minified; in 0.1.25 getBackend is exported as `s` (checked below).
	const getBackend = mod.s as ((device: string) => BackendLike) | undefined;
	const backend = typeof getBackend === 'function' ? getBackend('wasm') : null;
	if (!backend || backend.type !== 'wasm' || typeof backend.decRef !== 'function') {
		throw new Error('cannot find the jax-js wasm backend (call init("wasm") first; is @jax-js/jax 0.1.25?)');
	}
	const b = backend;
	const [malloc, incRef, decRef] = [b.malloc.bind(b), b.incRef.bind(b), b.decRef.bind(b)];
	b.malloc = (size, initialData) => {
		const slot = malloc(size, initialData);
		counts.set(slot, 1);
		return slot;
	};
	b.incRef = (slot) => {
		incRef(slot);
		counts.set(slot, (counts.get(slot) ?? 0) + 1);
	};
	b.decRef = (slot) => {
		decRef(slot);
		const left = (counts.get(slot) ?? 0) - 1;
		if (left <= 0) counts.delete(slot);
		else counts.set(slot, left);
	};
	installed = true;
}

/** Buffers allocated since tracking began and not yet freed. */
export function liveBuffers(): number {
	if (!installed) throw new Error('call trackLiveBuffers() first');
	return counts.size;
}
