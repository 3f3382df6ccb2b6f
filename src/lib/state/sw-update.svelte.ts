// Registers the offline service worker (src/service-worker.ts) and announces a new version. A new
// version installs in the background and waits; the lab swaps to it only when the user asks, and
// asks for a confirmation first when a trial is training in any tab (the reload would cut it off;
// its latest checkpoint survives, but the steps after it would be trained again).
import { dev } from '$app/environment';
import { base } from '$app/paths';
import { trialsHeldByAnyTab } from '$lib/runner/trial-lock';
import { reloadDecision } from '../pwa/update-decision';
import { errorMessage } from '$lib/util/error-message';

/** How often an open lab asks the server for a newer version, in milliseconds. */
const CHECK_EVERY_MS = 30 * 60 * 1000;

export class ServiceWorkerUpdate {
	/** A new version is installed and waiting for the user's go-ahead. */
	available = $state(false);
	/** Why the service worker could not register (the lab still works online). */
	problem = $state<string | null>(null);
	private waiting: ServiceWorker | null = null;
	private reloadRequested = false;

	async start(): Promise<void> {
		const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
		if (!container) return;
		let registration: ServiceWorkerRegistration;
		try {
			registration = await container.register(`${base}/service-worker.js`, {
				type: dev ? 'module' : 'classic',
				// Always check the worker script itself against the server, not the HTTP cache.
				updateViaCache: 'none'
			});
		} catch (error) {
			this.problem = errorMessage(error);
			return;
		}
		container.addEventListener('controllerchange', () => {
			// Only the tab whose user pressed "Reload" reloads; other tabs keep running their trials.
			if (this.reloadRequested) location.reload();
		});
		this.watch(registration);
		setInterval(() => void registration.update().catch(() => undefined), CHECK_EVERY_MS);
	}

	private watch(registration: ServiceWorkerRegistration): void {
		const offer = (worker: ServiceWorker) => {
			// With no controller this is the first install, not an update: nothing to announce.
			if (!navigator.serviceWorker.controller) return;
			this.waiting = worker;
			this.available = true;
		};
		if (registration.waiting) offer(registration.waiting);
		registration.addEventListener('updatefound', () => {
			const installing = registration.installing;
			installing?.addEventListener('statechange', () => {
				if (installing.state === 'installed') offer(installing);
			});
		});
	}

	/**
	 * Swaps to the waiting version and reloads this tab. `singleTrialsHere` counts this tab's single
	 * (non-study) trials, which hold no lock. Returns false when the user declined because a trial is
	 * training.
	 */
	async apply(
		singleTrialsHere: number,
		confirm: (message: string) => boolean = (m) => window.confirm(m)
	): Promise<boolean> {
		if (!this.waiting) return false;
		const decision = reloadDecision((await trialsHeldByAnyTab()).size + singleTrialsHere);
		if (decision.confirm && !confirm(decision.confirm)) return false;
		this.reloadRequested = true;
		this.waiting.postMessage({ type: 'skip-waiting' });
		return true;
	}
}

let instance: ServiceWorkerUpdate | null = null;

/** The page's one ServiceWorkerUpdate, registered on first use. */
export function getServiceWorkerUpdate(): ServiceWorkerUpdate {
	if (!instance) {
		instance = new ServiceWorkerUpdate();
		void instance.start();
	}
	return instance;
}
