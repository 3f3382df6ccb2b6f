// Batched trials on the page side: K training slots of the study runner share one trial worker, and
// the trials their slots start at about the same time go to it together (runTrials), where those of one
// workload the engine can batch train as one vectorised step. Each slot's TrialClient still owns its
// trial (its records, metrics, checkpoints, pause and cancel); only the worker call is shared.
//
// When to send: a trial handed over waits until every other slot of the group that has work (the
// scheduler gave it a trial or a branch) has handed its own over or is training already, so trials
// claimed together leave together. Slots whose trials are training keep training; a trial handed over
// later (a slot freed early) goes as a new, smaller call, beside the running one.
import * as Comlink from 'comlink';
import type { BatchEvent, BatchMember, TrialEvent, TrialResult } from '$workers/protocol';
import { errorMessage } from '$lib/util/error-message';
import { trialWorkers } from './trial-workers';

interface Handed {
	slot: number;
	member: BatchMember;
	buffers: ArrayBuffer[];
	onEvent: (event: TrialEvent) => void;
	resolve: (result: TrialResult) => void;
	stopAsked: boolean;
}

export class TrialBatcher {
	/** The group's one worker: started on its first call, afresh after a crash or `dispose`. */
	readonly worker = trialWorkers.forSlot();
	private waiting: Handed[] = [];
	/** Slots whose trial was sent and has not ended, by the trial's key. */
	private training = new Map<string, Handed>();
	/** A member failed: its backend may be broken, so the worker restarts once nothing trains on it. */
	private restartWhenIdle = false;

	/** @param busySlots the group's slots that the scheduler gave work to (claiming or running a unit). */
	constructor(private readonly busySlots: () => readonly number[]) {}

	/** Trains the trial `member.key` with the group; resolves with its result when it ends. */
	train(
		slot: number,
		member: BatchMember,
		buffers: ArrayBuffer[],
		onEvent: (event: TrialEvent) => void
	): Promise<TrialResult> {
		return new Promise((resolve) => {
			this.waiting.push({ slot, member, buffers, onEvent, resolve, stopAsked: false });
			this.poke();
		});
	}

	/** Asks the trial to stop (before it was sent too: it then stops at its first readback). */
	stop(key: string): void {
		const running = this.training.get(key);
		if (running) {
			running.stopAsked = true;
			void this.worker.api.stopTrial(key);
			return;
		}
		const waiting = this.waiting.find((h) => h.member.key === key);
		if (waiting) waiting.stopAsked = true;
	}

	/** Sends the waiting trials once no other busy slot of the group is about to hand one over. */
	poke(): void {
		if (this.waiting.length === 0) return;
		const ready = new Set([...this.waiting, ...this.training.values()].map((h) => h.slot));
		if (!this.busySlots().every((s) => ready.has(s))) return;
		const sent = this.waiting;
		this.waiting = [];
		void this.send(sent);
	}

	private async send(sent: Handed[]): Promise<void> {
		for (const h of sent) this.training.set(h.member.key, h);
		const ended = new Set<number>();
		const end = (i: number, result: TrialResult) => {
			if (ended.has(i)) return;
			ended.add(i);
			const h = sent[i]!;
			this.training.delete(h.member.key);
			if (result.status === 'failed') this.restartWhenIdle = true;
			if (this.restartWhenIdle && this.training.size === 0) {
				this.restartWhenIdle = false;
				this.worker.dispose();
			}
			h.resolve(result);
		};
		const onEvent = (i: number, event: BatchEvent) => {
			if (event.type === 'result') end(i, event.result);
			else sent[i]!.onEvent(event);
		};
		try {
			const members = sent.map((h) => h.member);
			const buffers = sent.flatMap((h) => h.buffers);
			const call = this.worker.call((api) =>
				api.runTrials(Comlink.transfer(members, buffers), Comlink.proxy(onEvent))
			);
			// The worker reads its messages in order: these stops reach it after the trials began.
			for (const h of sent) if (h.stopAsked) void this.worker.api.stopTrial(h.member.key);
			await call;
		} catch (error) {
			// The worker crashed or could not start: every trial still out fails with the reason.
			this.restartWhenIdle = true;
			sent.forEach((_, i) => end(i, { status: 'failed', error: errorMessage(error), backend: null }));
		}
		sent.forEach((_, i) =>
			end(i, { status: 'failed', error: 'the worker ended the batch without this trial', backend: null })
		);
	}

	dispose(): void {
		this.worker.dispose();
	}
}
