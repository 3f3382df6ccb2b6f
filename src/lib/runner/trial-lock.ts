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
