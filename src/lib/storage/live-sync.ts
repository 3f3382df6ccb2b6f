// Keeps open tabs of the lab in step: every tab announces the records it writes (trials, studies) on
// one BroadcastChannel, and the others show them at once, so a second tab watches a study the first
// is running without reloading. Only announcements travel here; IndexedDB stays the one source of
// truth (a tab reads metrics from it when told a trial moved on). Trial ownership across tabs is a
// separate matter, settled by Web Locks (src/lib/runner/trial-lock.ts).
import type { StudyRecord, TrialRecord } from '$lib/storage/schema';

export const LIVE_CHANNEL = 'tuning-lab';

export type LiveMessage =
	| { kind: 'trial'; trial: TrialRecord }
	| { kind: 'trial-finished'; trialId: string }
	| { kind: 'study'; study: StudyRecord }
	| { kind: 'study-deleted'; studyId: string };

interface ChannelLike {
	postMessage(message: unknown): void;
	addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
	close(): void;
}

export class LiveSync {
	private readonly channel: ChannelLike | null;
	// A listener registry, not UI state.
	private readonly listeners = new Set<(message: LiveMessage) => void>();

	constructor(channel: ChannelLike | null = openChannel()) {
		this.channel = channel;
		this.channel?.addEventListener('message', (event) => {
			const message = event.data as LiveMessage;
			for (const listener of this.listeners) listener(message);
		});
	}

	/** Tells the other tabs about a write this tab made (never echoed back to this tab). */
	announce(message: LiveMessage): void {
		if (!this.channel) return;
		try {
			this.channel.postMessage(message);
		} catch {
			// A record holding something structured clone refuses (a reactive proxy): send plain data.
			this.channel.postMessage(JSON.parse(JSON.stringify(message)));
		}
	}

	/** Calls `listener` for what the other tabs announce; returns the unsubscribe function. */
	listen(listener: (message: LiveMessage) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	close(): void {
		this.channel?.close();
	}
}

function openChannel(): ChannelLike | null {
	return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(LIVE_CHANNEL);
}

/**
 * Calls `fn` at most once per `ms` milliseconds however often it is asked, always running once more
 * after the last request (so the final state is never missed).
 */
export function throttle(fn: () => void, ms: number): () => void {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let last = -Infinity;
	return () => {
		if (timer) return;
		const wait = Math.max(0, last + ms - Date.now());
		timer = setTimeout(() => {
			timer = null;
			last = Date.now();
			fn();
		}, wait);
	};
}
