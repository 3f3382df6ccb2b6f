import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveSync, throttle, type LiveMessage } from './live-sync';

describe('LiveSync', () => {
	const opened: LiveSync[] = [];
	afterEach(() => {
		for (const sync of opened.splice(0)) sync.close();
		vi.useRealTimers();
	});

	it('delivers an announcement to the other tab and not back to the sender', async () => {
		const [a, b] = [new LiveSync(), new LiveSync()];
		opened.push(a, b);
		const heardByA: LiveMessage[] = [];
		const heardByB: LiveMessage[] = [];
		a.listen((m) => heardByA.push(m));
		const received = new Promise<void>((done) =>
			b.listen((m) => {
				heardByB.push(m);
				done();
			})
		);
		a.announce({ kind: 'trial-finished', trialId: 'study-1-t3' });
		await received;
		await new Promise((r) => setTimeout(r, 20));
		expect(heardByB).toEqual([{ kind: 'trial-finished', trialId: 'study-1-t3' }]);
		expect(heardByA).toEqual([]);
	});

	it('stops calling a listener once it unsubscribes', async () => {
		const [a, b] = [new LiveSync(), new LiveSync()];
		opened.push(a, b);
		const heard: LiveMessage[] = [];
		const off = b.listen((m) => heard.push(m));
		off();
		const after = new Promise<void>((done) => b.listen(() => done()));
		a.announce({ kind: 'study-deleted', studyId: 's' });
		await after;
		expect(heard).toEqual([]);
	});

	it('does nothing without a BroadcastChannel', () => {
		const sync = new LiveSync(null);
		expect(() => sync.announce({ kind: 'study-deleted', studyId: 's' })).not.toThrow();
	});
});

describe('throttle', () => {
	it('runs at most once per interval and once more after the last request', () => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
		const fn = vi.fn();
		const run = throttle(fn, 1000);
		run();
		run();
		vi.advanceTimersByTime(0);
		expect(fn).toHaveBeenCalledTimes(1); // the first request runs at once
		run(); // t = 0: waits for t = 1000
		vi.advanceTimersByTime(999);
		expect(fn).toHaveBeenCalledTimes(1);
		run(); // already pending: no extra call
		vi.advanceTimersByTime(1);
		expect(fn).toHaveBeenCalledTimes(2);
		vi.advanceTimersByTime(5000);
		expect(fn).toHaveBeenCalledTimes(2);
		vi.useRealTimers();
	});
});
