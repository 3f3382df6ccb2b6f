// Runs a study's queued trials on a pool of workers. Each slot is a TrialClient with its own worker,
// kept across trials (and studies) so backends start and shaders compile once per slot.
// Pause stops starting new trials (running ones finish); cancel also stops the running ones.
import { getStudy, listStudyTrials, putStudy, resetTrial } from '$lib/storage/studies';
import { getTrial, putTrial } from '$lib/storage/trials';
import type { LabDb, StudyRecord, StudyStatus, TrialRecord } from '$lib/storage/schema';
import type { MetricBatch } from '$lib/study/metrics';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';
import { defaultConcurrency } from './concurrency';
import { TrialClient } from './trial-client.svelte';
import { withTrialLock } from './trial-lock';
import { branchRecord } from '$lib/storage/study-transfer';
import { branchLength, branchSteps } from '$lib/study/cooldown-branches';

export interface Shard {
	index: number;
	count: number;
}

export interface RunOptions {
	concurrency?: number;
	/** Overrides every trial's backend for this run (the trial's stored config is unchanged). */
	backend?: BackendChoice;
	/** Run only the trials whose index ≡ shard.index (mod shard.count). */
	shard?: Shard;
}

export interface RunningTrialView {
	trialId: string;
	index: number;
	step: number;
	maxTrainSteps: number;
	stepsPerSecond: number;
	/** Step of its latest checkpoint safely stored, or null. */
	savedCheckpointStep: number | null;
}

export type RunnerState = 'idle' | 'running' | 'pausing' | 'cancelling';

const TERMINAL = new Set(['completed', 'infeasible', 'failed', 'cancelled']);

export function inShard(index: number, shard: Shard | undefined): boolean {
	return !shard || index % shard.count === shard.index;
}

export class StudyRunner {
	studyId = $state<string | null>(null);
	state = $state<RunnerState>('idle');
	/** Trials of this run (its shard) and how many of them reached a final status. */
	total = $state(0);
	done = $state(0);
	slots = $state.raw<TrialClient[]>([]);

	private queue: TrialRecord[] = [];
	private remainingSteps = 0;
	private lastRunEnded: Promise<void> = Promise.resolve();

	constructor(
		private readonly db: LabDb,
		private readonly hooks: {
			onTrialChanged(trial: TrialRecord): void;
			onTrialFinished(trialId: string, metrics: MetricBatch): void;
			onStudyChanged(study: StudyRecord): void;
		}
	) {}

	get busy(): boolean {
		return this.state !== 'idle';
	}

	get runningTrials(): RunningTrialView[] {
		const out: RunningTrialView[] = [];
		for (const slot of this.slots) {
			const trialId = slot.activeTrialId;
			if (!trialId) continue;
			out.push({
				trialId,
				index: slot.activeIndex ?? -1,
				step: slot.progress?.step ?? 0,
				maxTrainSteps: slot.progress?.maxTrainSteps ?? 0,
				stepsPerSecond: slot.progress?.stepsPerSecond ?? 0,
				savedCheckpointStep: slot.savedCheckpointStep
			});
		}
		return out;
	}

	/** Seconds until the run's trials are done, from the running trials' current speed. */
	get etaSeconds(): number | null {
		const running = this.runningTrials;
		const rate = running.reduce((sum, r) => sum + r.stepsPerSecond, 0);
		if (rate <= 0) return null;
		const left =
			this.remainingSteps + running.reduce((sum, r) => sum + Math.max(0, r.maxTrainSteps - r.step), 0);
		return left / rate;
	}

	/** Runs the study's queued trials; resolves when all are done, or the run is paused or cancelled. */
	async run(studyId: string, options: RunOptions = {}): Promise<void> {
		if (this.busy) throw new Error('a study is already running in this tab');
		const study = await getStudy(this.db, studyId);
		if (!study) throw new Error(`study ${studyId} is not in the database`);
		if (study.imported) throw new Error('an imported study is read-only history: clone it to run it again');
		const trials = (await listStudyTrials(this.db, studyId)).filter((t) =>
			inShard(t.index ?? 0, options.shard)
		);
		this.studyId = studyId;
		this.state = 'running';
		this.queue = trials.filter((t) => t.status === 'queued');
		this.total = trials.length;
		this.done = trials.filter((t) => TERMINAL.has(t.status)).length;
		this.remainingSteps = this.queue.reduce((sum, t) => sum + t.config.maxTrainSteps, 0);
		await this.setStudyStatus(studyId, 'running');

		const backend = options.backend ?? trials[0]?.config.backend ?? 'auto';
		const concurrency = Math.max(
			1,
			options.concurrency ?? defaultConcurrency(navigator.hardwareConcurrency, backend)
		);
		this.ensureSlots(concurrency);
		const overrides: Partial<TrialConfig> = options.backend ? { backend: options.backend } : {};
		let finishRun: () => void = () => undefined;
		this.lastRunEnded = new Promise((resolve) => (finishRun = resolve));
		try {
			await Promise.all(this.slots.slice(0, concurrency).map((slot) => this.slotLoop(slot, overrides)));
		} finally {
			const after = (await listStudyTrials(this.db, studyId)).filter((t) =>
				inShard(t.index ?? 0, options.shard)
			);
			const allDone = after.every((t) => TERMINAL.has(t.status));
			// `state` changes while the trials run (pause, cancel), so read it afresh.
			const endedAs = this.state as RunnerState;
			// Trials still running belong to another tab, which will set the final status.
			const elsewhere = after.some((t) => t.status === 'running');
			const status: StudyStatus =
				endedAs === 'cancelling' ? 'cancelled' : allDone ? 'finished' : elsewhere ? 'running' : 'paused';
			await this.setStudyStatus(studyId, status);
			this.state = 'idle';
			finishRun();
		}
	}

	/** Starts no new trials; the running ones finish. */
	pause(): void {
		if (this.state === 'running') this.state = 'pausing';
	}

	/** Stops the running trials now and marks the rest of the queue cancelled. */
	async cancel(): Promise<void> {
		if (!this.busy) return;
		this.state = 'cancelling';
		const queued = this.queue.splice(0);
		this.remainingSteps = 0;
		for (const slot of this.slots) slot.stop();
		for (const trial of queued) await this.finishUnstarted(trial, 'cancelled with the study');
		await this.lastRunEnded;
	}

	/** Cancels one trial: stops it if it is running here, or takes it out of the queue. */
	async cancelTrial(trialId: string): Promise<void> {
		const slot = this.slots.find((s) => s.activeTrialId === trialId);
		if (slot) {
			slot.stop();
			return;
		}
		const at = this.queue.findIndex((t) => t.id === trialId);
		if (at >= 0) {
			const [trial] = this.queue.splice(at, 1);
			this.remainingSteps -= trial!.config.maxTrainSteps;
			await this.finishUnstarted(trial!, 'cancelled by the user before it started');
		}
	}

	/** Pauses one running trial: it returns to the queue and resumes from its checkpoint on the next Resume. */
	pauseTrial(trialId: string): void {
		this.slots.find((s) => s.activeTrialId === trialId)?.pause();
	}

	/** Queues a failed or cancelled trial again (its metrics are discarded; it restarts from step 0). */
	async retryTrial(trialId: string): Promise<TrialRecord> {
		const reset = await resetTrial(this.db, trialId);
		this.hooks.onTrialChanged(reset);
		if (this.busy && reset.studyId === this.studyId) {
			this.queue.push(reset);
			this.done -= 1; // it was counted when it failed
			this.remainingSteps += reset.config.maxTrainSteps;
		}
		return reset;
	}

	dispose(): void {
		for (const slot of this.slots) slot.dispose();
		this.slots = [];
	}

	private ensureSlots(count: number): void {
		if (this.slots.length >= count) return;
		const added = Array.from(
			{ length: count - this.slots.length },
			() =>
				new TrialClient(this.db, {
					onTrialChanged: (t) => this.hooks.onTrialChanged(t),
					onTrialFinished: (id, metrics) => this.hooks.onTrialFinished(id, metrics)
				})
		);
		this.slots = [...this.slots, ...added];
	}

	private async slotLoop(slot: TrialClient, overrides: Partial<TrialConfig>): Promise<void> {
		while (this.state === 'running') {
			const trial = this.queue.shift();
			if (!trial) return;
			this.remainingSteps -= trial.config.maxTrainSteps;
			slot.activeIndex = trial.index ?? null;
			const outcome = await withTrialLock(trial.id, async () => {
				// Holding the lock, check the trial is still queued: another tab may have trained it
				// (and released the lock) since this tab read its queue.
				const current = await getTrial(this.db, trial.id);
				if (current?.status !== 'queued') return false;
				const result = await slot.run(current, overrides);
				// A full disk pauses the whole study: every other trial would hit it too.
				if (slot.stoppedForStorage) this.pause();
				else if (result.status === 'completed') await this.runAutomaticBranches(slot, current.id);
				return true;
			});
			slot.activeIndex = null;
			// Not run here: another tab holds it or already finished it; that tab counts it.
			if (outcome.ran && outcome.value) this.done += 1;
		}
	}

	/** The study's automatic cooldown branches of a finished trial, one after another on its slot. */
	private async runAutomaticBranches(slot: TrialClient, trialId: string): Promise<void> {
		const study = this.studyId ? await getStudy(this.db, this.studyId) : undefined;
		const option = study?.definition.cooldownBranches;
		const parent = await getTrial(this.db, trialId);
		if (!option || !parent) return;
		const length = branchLength(option, parent.config.maxTrainSteps);
		for (const fromStep of branchSteps(option, parent.config.maxTrainSteps)) {
			if (this.state !== 'running') return;
			if (!parent.checkpoints?.some((c) => c.step === fromStep)) continue;
			const branch = branchRecord(parent, {
				fromStep,
				length,
				shape: option.shape,
				finalFraction: option.finalFraction ?? 0
			});
			await putTrial(this.db, branch);
			this.hooks.onTrialChanged(branch);
			await slot.run(branch);
		}
	}

	private async finishUnstarted(trial: TrialRecord, reason: string): Promise<void> {
		const cancelled: TrialRecord = { ...trial, status: 'cancelled', reason, updatedAt: Date.now() };
		await putTrial(this.db, cancelled);
		this.done += 1;
		this.hooks.onTrialChanged(cancelled);
	}

	private async setStudyStatus(studyId: string, status: StudyStatus): Promise<void> {
		const study = await getStudy(this.db, studyId);
		if (!study) return;
		const updated = { ...study, status, updatedAt: Date.now() };
		await putStudy(this.db, updated);
		this.hooks.onStudyChanged(updated);
	}
}
