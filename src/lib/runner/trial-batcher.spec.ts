// When a group's batcher sends its trials: only once every busy slot of the group has handed its trial
// over (or is training), each trial gets its own result as soon as it ends, and a stop asked before the
// trials were sent reaches the worker after them. The worker is a fake that records its calls.
import { describe, expect, it, vi } from 'vitest';
import type { BatchEvent, BatchMember, TrialResult } from '$workers/protocol';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';

const calls: string[] = [];
/** Feeds the last call's events; `last` resolves the call (every member has ended). */
let endCall:
	((finish: (onEvent: (i: number, e: BatchEvent) => void) => void, last?: boolean) => void) | null = null;

vi.mock('./trial-workers', () => ({
	trialWorkers: {
		forSlot: () => {
			const api = {
				runTrials: (members: BatchMember[], onEvent: (i: number, e: BatchEvent) => void) => {
					calls.push(`runTrials ${members.map((m) => m.key).join(',')}`);
					return new Promise<void>((resolve) => {
						endCall = (finish, last = true) => {
							finish(onEvent);
							if (last) resolve();
						};
					});
				},
				stopTrial: (key: string) => void calls.push(`stop ${key}`)
			};
			return {
				api,
				call: <T>(fn: (a: typeof api) => Promise<T>) => fn(api),
				dispose: () => calls.push('dispose')
			};
		}
	}
}));

const { TrialBatcher } = await import('./trial-batcher');

const member = (key: string): BatchMember => ({ key, config: DEFAULT_TRIAL_CONFIG, options: {} });
const done = (steps: number): TrialResult => ({ status: 'completed', steps, backend: null as never });

describe('TrialBatcher', () => {
	it('sends once every busy slot handed its trial over; each trial resolves with its own result', async () => {
		calls.length = 0;
		let busy = [0, 1, 2];
		const batcher = new TrialBatcher(() => busy);
		const a = batcher.train(0, member('a'), [], () => undefined);
		const b = batcher.train(1, member('b'), [], () => undefined);
		// Slot 2 is still claiming its trial: nothing is sent yet.
		expect(calls).toEqual([]);
		batcher.stop('b');
		// Slot 2's claim was refused: it has no work, so the two go now.
		busy = [0, 1];
		batcher.poke();
		await Promise.resolve();
		expect(calls).toEqual(['runTrials a,b', 'stop b']);
		endCall!((onEvent) => {
			onEvent(1, { type: 'result', result: done(20) });
			onEvent(0, { type: 'result', result: done(100) });
		});
		expect(await b).toEqual(done(20));
		expect(await a).toEqual(done(100));
	});

	it('sends a trial handed over while others of the group train as its own call', async () => {
		calls.length = 0;
		const batcher = new TrialBatcher(() => [0, 1]);
		const a = batcher.train(0, member('a'), [], () => undefined);
		void batcher.train(1, member('b'), [], () => undefined);
		await Promise.resolve();
		const first = endCall!;
		// Trial b ended early (it diverged); slot 1 takes trial c while a still trains.
		first((onEvent) => onEvent(1, { type: 'result', result: done(5) }), false);
		const c = batcher.train(1, member('c'), [], () => undefined);
		await Promise.resolve();
		expect(calls).toEqual(['runTrials a,b', 'runTrials c']);
		endCall!((onEvent) => onEvent(0, { type: 'result', result: done(60) }));
		expect(await c).toEqual(done(60));
		first((onEvent) => onEvent(0, { type: 'result', result: done(100) }));
		expect(await a).toEqual(done(100));
	});
});
