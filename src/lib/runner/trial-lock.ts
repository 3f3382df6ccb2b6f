// Web Locks make sure two open tabs never train the same trial: a tab trains a trial only while it
// holds that trial's lock, and a lock is released when its tab closes.

const PREFIX = 'tuning-lab:trial:';

function locks(): LockManager | undefined {
	return typeof navigator === 'undefined' ? undefined : navigator.locks;
}

/** Runs `fn` holding the trial's lock; `{ ran: false }` when another tab holds it. */
export async function withTrialLock<T>(
	trialId: string,
	fn: () => Promise<T>
): Promise<{ ran: true; value: T } | { ran: false }> {
	const manager = locks();
	if (!manager) return { ran: true, value: await fn() };
	return manager.request(`${PREFIX}${trialId}`, { ifAvailable: true }, async (lock) =>
		lock ? { ran: true as const, value: await fn() } : { ran: false as const }
	);
}

/** A trial's lock, held until `release` (or until the tab closes). */
export interface TrialLock {
	release(): void;
}

/** Takes the trial's lock if no tab holds it; null when another tab does. */
export function claimTrialLock(trialId: string): Promise<TrialLock | null> {
	const manager = locks();
	if (!manager) return Promise.resolve({ release: () => undefined });
	return new Promise<TrialLock | null>((resolve, reject) => {
		manager
			.request(`${PREFIX}${trialId}`, { ifAvailable: true }, (lock) => {
				if (!lock) {
					resolve(null);
					return undefined;
				}
				// The lock is held until the promise returned here settles.
				return new Promise<void>((release) => resolve({ release: () => release() }));
			})
			.catch(reject);
	});
}

/** Trials some tab (this one included) is training right now. */
export async function trialsHeldByAnyTab(): Promise<Set<string>> {
	const manager = locks();
	if (!manager) return new Set();
	const snapshot = await manager.query();
	return new Set(
		(snapshot.held ?? [])
			.map((l) => l.name ?? '')
			.filter((n) => n.startsWith(PREFIX))
			.map((n) => n.slice(PREFIX.length))
	);
}
