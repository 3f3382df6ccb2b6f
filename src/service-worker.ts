/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The offline service worker: it keeps one cache per build (named after the build's version) holding
// the app shell, every built file (scripts, the trial worker, tfjs's wasm binaries) and every static
// file (bundled datasets, default studies, icons). After the first visit the lab loads and trains with
// the network off. IndexedDB (studies, trials, checkpoints) is never touched here.
//
// Strategy: content-hashed files under /_app/immutable/ never change, so they come from the cache
// first. Everything else (pages, datasets, manifest) goes to the network first and falls back to the
// cache, so an online visit never sees a stale copy after a rebuild.
//
// Updates: a new version installs and then waits. It takes over only when a page asks it to
// ('skip-waiting' message), which the page does on the user's click (see src/lib/state/sw-update.ts),
// so a running trial is never cut off by an update.
import { base, build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE_PREFIX = 'tuning-lab-';
const CACHE = `${CACHE_PREFIX}${version}`;
/** The SPA shell: any navigation the cache has no page for gets it (adapter-static fallback). */
const SHELL = `${base}/`;
const PRECACHE = [...new Set([SHELL, ...build, ...files, ...prerendered])];
const PRECACHED = new Set(PRECACHE);
const IMMUTABLE = `${base}/_app/immutable/`;

/**
 * Files the worker bundles load by themselves (tfjs's .wasm binaries), which `build` does not list:
 * Vite emits them next to each worker and the worker names them relative to its own URL
 * (`new URL('assets/….wasm', import.meta.url)`), so they are found by reading the cached workers.
 */
async function workerAssets(cache: Cache): Promise<string[]> {
	const found = new Set<string>();
	for (const script of build.filter((file) => file.includes('/workers/') && file.endsWith('.js'))) {
		const text = (await (await cache.match(script))?.text()) ?? '';
		for (const match of text.matchAll(/["'`](assets\/[\w.-]+\.wasm)["'`]/g)) {
			found.add(new URL(match[1]!, new URL(script, sw.location.href)).pathname);
		}
	}
	return [...found];
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			// cache: 'reload' bypasses the HTTP cache, so the precache holds what the server has now.
			await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
			await cache.addAll(await workerAssets(cache));
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
			}
			// The first install takes the open pages at once (nothing older is running in them); an update
			// gets here only after a page asked for it.
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if ((event.data as { type?: string } | null)?.type === 'skip-waiting') void sw.skipWaiting();
});

async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const hit = await cache.match(request);
	if (hit) return hit;
	const response = await fetch(request);
	if (response.ok) await cache.put(request, response.clone());
	return response;
}

async function networkFirst(request: Request, isNavigation: boolean): Promise<Response> {
	const cache = await caches.open(CACHE);
	// Pages are keyed without their query (/study?id=… is the same shell for every id).
	const path = new URL(request.url).pathname;
	const key = isNavigation ? path : request;
	try {
		const response = await fetch(request);
		// Precached files are already in this build's cache: no need to write megabytes of data again.
		const keep = isNavigation || !PRECACHED.has(path);
		if (response.ok && response.type === 'basic' && keep) await cache.put(key, response.clone());
		return response;
	} catch (error) {
		const hit = await cache.match(key);
		if (hit) return hit;
		if (isNavigation) {
			const shell = await cache.match(SHELL);
			if (shell) return shell;
		}
		throw error;
	}
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	// Byte-range requests (media) cannot be answered from whole cached bodies.
	if (request.headers.has('range')) return;
	if (url.pathname.startsWith(IMMUTABLE)) event.respondWith(cacheFirst(request));
	else event.respondWith(networkFirst(request, request.mode === 'navigate'));
});
