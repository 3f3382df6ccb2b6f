// One training slot: it trains trials on its trial worker (from trial-workers.ts), stores their metrics
// in IndexedDB in batches (one chunk per worker readback), and publishes live state for the UI.
// UI code never talks to the worker directly.
import { formatBytes } from '$lib/util/bytes';
import * as Comlink from 'comlink';
import type {
	BackendReport,
	LoopProgress,
	RunTrialOptions,
	TrialEvent,
	TrialPhase,
	TrialResult
} from '$workers/protocol';
import { appendBatch, emptyTrainRows, summarize, type MetricBatch } from '$lib/study/metrics';
import { withTrainLoss } from '$lib/study/objective';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';
import { appendMetrics, closeRun, getTrial, putTrial, readMetrics } from '$lib/storage/trials';
import { getCheckpoint, latestCheckpoint, saveCheckpoint, trimMetricsAfter } from '$lib/storage/checkpoints';
import { checkpointBuffers } from '$lib/training/checkpoint-data';
import type { LabDb, TrialRecord } from '$lib/storage/schema';
import { steadyThroughput, type TimingMark } from '$lib/procedures/throughput';
import { trialWorkers } from './trial-workers';
import type { LazyWorker } from './spawn-worker';
import type { TrialBatcher } from './trial-batcher';
import { newId } from '$lib/util/new-id';
import { errorMessage } from '$lib/util/error-message';

export type ClientPhase = 'idle' | TrialPhase | 'finishing';

/** "X MB used of Y MB", from the browser's storage estimate. */
export async function storageUsage(): Promise<string> {
	const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
	if (!estimate?.usage || !estimate.quota) return 'usage unknown';
	// Quotas run to gigabytes: each size in the unit that reads best (util/bytes.ts).
	return `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}`;
}

/** How often live charts and progress redraw while a trial trains, in milliseconds. */
const LIVE_REFRESH_MS = 250;

function yieldToEventLoop(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

export class TrialClient {
	phase = $state<ClientPhase>('idle');
	backend = $state<BackendReport | null>(null);
	backendError = $state<string | null>(null);
	probing = $state(false);
	activeTrialId = $state<string | null>(null);
	/** Step of the running trial's latest checkpoint that is safely stored (null before the first). */
	savedCheckpointStep = $state<number | null>(null);
	/** This client's worker slot in the study runner's pool (0 for the page's single-trial client). */
	slot = 0;
	/** Index in its study of the trial running here (set by the study runner). */
	activeIndex = $state<number | null>(null);
	progress = $state<LoopProgress | null>(null);
	/** Metrics of the running trial so far; replaced (not mutated) on each batch so charts redraw. */
	live = $state.raw<MetricBatch>({ train: emptyTrainRows(), evals: [] });
	lastResult = $state<TrialResult | null>(null);
	/** Set when IndexedDB refused a write (e.g. quota exceeded); training results may be incomplete. */
	storageError = $state<string | null>(null);

	/**
	 * This slot's worker, from the page's one owner of trial workers; kept across trials. A slot of a
	 * batching group (study-runner) shares its group's worker and hands its trials to the group's batcher.
	 */
	private readonly worker: LazyWorker<'trial'>;
	private writes: Promise<unknown> = Promise.resolve();
	/** Only the newest probe's answer is shown; earlier ones may finish later. */
	private probeSeq = 0;

	constructor(
		private readonly db: LabDb,
		private readonly hooks: {
			/** A trial record was created or updated in the database. */
			onTrialChanged(trial: TrialRecord): void;
			/** A trial ended and all its metrics are stored; `metrics` is everything it logged. */
			onTrialFinished(trialId: string, metrics: MetricBatch): void;
		},
		private readonly batcher: TrialBatcher | null = null
	) {
		this.worker = batcher?.worker ?? trialWorkers.forSlot();
	}

	get running(): boolean {
		return this.activeTrialId !== null;
	}

	/**
	 * Starts the chosen backend in the worker and records what it reports (or why it failed). With
	 * `workload`, `auto` resolves to the backend measured fastest for it (`remeasure` probes again).
	 */
	async probe(choice: BackendChoice, workload?: TrialConfig, remeasure = false): Promise<void> {
		const seq = ++this.probeSeq;
		this.probing = true;
		this.backendError = null;
		try {
			const config = workload && $state.snapshot(workload);
			const report = await this.worker.call((api) => api.probeBackend(choice, config, remeasure));
			if (seq === this.probeSeq) this.backend = report;
		} catch (error) {
			if (seq === this.probeSeq) {
				this.backend = null;
				this.backendError = errorMessage(error);
			}
		} finally {
			if (seq === this.probeSeq) this.probing = false;
		}
	}

	/**
	 * Measures (or reads the cached measurement of) `config`'s workload on the engine × backend pairs its
	 * `engine` and `backend` allow, starts the fastest and answers its report; throws when no pair trains.
	 */
	async measure(config: TrialConfig): Promise<BackendReport> {
		const snapshot = $state.snapshot(config);
		let report: BackendReport;
		try {
			report = await this.worker.call((api) => api.probeBackend(snapshot.backend, snapshot));
		} catch (error) {
			this.worker.dispose();
			throw error;
		}
		// A pair that failed may have left its engine broken in this worker (a wasm instance that ran out
		// of memory answers every later call with "memory access out of bounds"): trials get a fresh one.
		if (report.attempts.some((a) => !a.ok)) this.worker.dispose();
		this.backend = report;
		return report;
	}

	/** Creates a single trial (no study) and trains it in the background. */
	async start(config: TrialConfig): Promise<TrialRecord> {
		if (this.running) throw new Error('a trial is already running');
		const now = Date.now();
		const trial: TrialRecord = {
			id: newId('trial'),
			createdAt: now,
			updatedAt: now,
			config,
			status: 'queued',
			lastStep: 0,
			summary: null,
			// A single trial checkpoints at each evaluation and keeps its latest and best two.
			checkpointPolicy: {
				every: config.evalEvery,
				keepBest: 2,
				objective: { metric: 'valLoss', goal: 'minimize' }
			},
			checkpoints: []
		};
		void this.run(trial);
		return trial;
	}

	/**
	 * Trains a stored (or new) trial on this client's worker and resolves when its final status is
	 * stored. `overrides` change the configuration for this run only (e.g. a backend forced from the CLI).
	 * With `untilStep` (a successive-halving rung) it stops there with a checkpoint and is stored as queued
	 * until its rung decides whether it goes on.
	 */
	async run(
		queued: TrialRecord,
		overrides: Partial<TrialConfig> = {},
		untilStep?: number
	): Promise<TrialResult> {
		if (this.running) throw new Error('a trial is already running on this worker');
		const now = Date.now();
		const trial: TrialRecord = {
			...queued,
			status: 'running',
			updatedAt: now,
			// A new run on this slot (the study timeline); closed when the trial stops, below.
			runs: [...(queued.runs ?? []), { slot: this.slot, startedAt: now }]
		};
		// The slot's view of its previous trial goes at once, in the same task as the new id: a reader in
		// between (the running-trials list, `tuning-lab run`'s progress lines) would otherwise pair this
		// trial with the last one's step and stored checkpoint.
		this.progress = null;
		this.savedCheckpointStep = null;
		this.lastResult = null;
		this.activeTrialId = trial.id;
		await putTrial(this.db, trial);
		// Each UI change renders in its own task, so no single task grows long (the main thread stays free).
		this.hooks.onTrialChanged(trial);
		await yieldToEventLoop();
		this.live = { train: emptyTrainRows(), evals: [] };
		await yieldToEventLoop();
		return this.train(trial, { ...trial.config, ...overrides }, untilStep);
	}

	stop(): void {
		if (!this.running) return;
		if (!this.handedOver) this.stopPending = true;
		else if (this.batcher) this.batcher.stop(this.activeTrialId!);
		else if (this.worker.started) void this.worker.api.stop();
	}

	/** Whether the running trial was handed to the worker yet. */
	private handedOver = false;
	/** A stop asked for before the hand-over: the worker forgets stops that came before its trial began. */
	private stopPending = false;

	/** Stops the running trial and puts it back in the queue; it later resumes from its checkpoint. */
	pause(): void {
		if (!this.running) return;
		this.pauseRequested = true;
		this.stop();
	}

	private pauseRequested = false;

	private async train(started: TrialRecord, config: TrialConfig, untilStep?: number): Promise<TrialResult> {
		let trial = started;
		// Continue from the latest checkpoint, dropping metrics logged after it; with none, start over
		// (a cooldown branch starts from its parent's checkpoint).
		const own = trial.checkpointPolicy ? await latestCheckpoint(this.db, trial) : undefined;
		const branch = trial.branch;
		const resumeFrom =
			own ?? (branch ? await getCheckpoint(this.db, branch.parentId, branch.fromStep) : undefined);
		let seq = await trimMetricsAfter(this.db, trial.id, own?.step ?? -1);
		this.savedCheckpointStep = own?.step ?? null;
		if (own) this.live = await readMetrics(this.db, trial.id);
		// The summary is kept incrementally; after trimming, rebuild it from what is left.
		trial = {
			...trial,
			summary: summarize(withTrainLoss(this.live)),
			lastStep: own?.step ?? branch?.fromStep ?? 0
		};
		await putTrial(this.db, trial);
		let stopReason: string | null = null;
		let unshown: MetricBatch = { train: emptyTrainRows(), evals: [] };
		let lastProgress: LoopProgress | null = null;
		// Readback times of this run, for its steady-state speed (the worker reports cumulative steps/s
		// since training began; steps / (steps/s) recovers the seconds at each readback).
		const timing: TimingMark[] = [];
		const runStart = trial.lastStep;
		let showTimer: ReturnType<typeof setTimeout> | null = null;
		const showPending = () => {
			showTimer = null;
			if (unshown.train.step.length === 0 && unshown.evals.length === 0) return;
			const merged: MetricBatch = { train: emptyTrainRows(), evals: [] };
			appendBatch(merged, this.live);
			appendBatch(merged, unshown);
			unshown = { train: emptyTrainRows(), evals: [] };
			this.live = merged;
			this.progress = lastProgress;
		};
		const onEvent = (event: TrialEvent) => {
			if (event.type === 'phase') this.phase = event.phase;
			else if (event.type === 'backend') this.backend = event.report;
			else if (event.type === 'batch') {
				// The batch it trains in this run (none when alone), kept with the trial for the study page.
				this.enqueueWrite(async () => {
					const stored = (await getTrial(this.db, trial.id)) ?? trial;
					const { batchId: _old, ...rest } = stored;
					const updated: TrialRecord = event.batchId ? { ...rest, batchId: event.batchId } : rest;
					await putTrial(this.db, updated);
					this.hooks.onTrialChanged(updated);
				});
			} else if (event.type === 'checkpoint') {
				this.enqueueWrite(async () => {
					const updated = await saveCheckpoint(this.db, trial.id, event.checkpoint, event.bytes);
					this.savedCheckpointStep = event.checkpoint.step;
					this.hooks.onTrialChanged(updated);
				});
			} else {
				const { step, stepsPerSecond } = event.progress;
				if (stepsPerSecond > 0 && step > runStart) {
					timing.push({
						step,
						seconds: (step - runStart) / stepsPerSecond,
						evaluated: event.batch.evals.length > 0
					});
				}
				appendBatch(unshown, event.batch);
				lastProgress = event.progress;
				// Charts and progress redraw at most every LIVE_REFRESH_MS, however fast batches come.
				showTimer ??= setTimeout(showPending, LIVE_REFRESH_MS);
				const chunkSeq = seq++;
				this.enqueueWrite(async () => {
					const updated = await appendMetrics(this.db, trial.id, chunkSeq, event.batch, event.progress.step);
					this.hooks.onTrialChanged(updated);
				});
			}
		};
		this.onStorageFull = (message) => {
			stopReason = message;
			this.stop();
		};
		let result: TrialResult;
		try {
			if (branch && !resumeFrom) {
				throw new Error(`the checkpoint at step ${branch.fromStep} of the parent trial is no longer stored`);
			}
			const options: RunTrialOptions = {
				checkpointEvery: trial.checkpointPolicy?.every,
				checkpointSteps: trial.checkpointPolicy?.pinnedSteps,
				resumeFrom,
				cooldown: branch && {
					fromStep: branch.fromStep,
					length: branch.length,
					shape: branch.shape,
					finalFraction: branch.finalFraction,
					baseTotalSteps: branch.baseTotalSteps
				},
				untilStep
			};
			const buffers = resumeFrom ? checkpointBuffers(resumeFrom) : [];
			if (this.batcher) {
				const member = { key: trial.id, config, options };
				const training = this.batcher.train(this.slot, member, buffers, onEvent);
				this.handedOver = true;
				if (this.stopPending) this.batcher.stop(trial.id);
				result = await training;
			} else {
				const training = this.worker.call<TrialResult>((api) =>
					api.runTrial(config, Comlink.transfer(options, buffers), Comlink.proxy(onEvent))
				);
				this.handedOver = true;
				// The worker reads its messages in order, so this stop reaches it after the trial began.
				if (this.stopPending) void this.worker.api.stop();
				result = await training;
			}
		} catch (error) {
			result = {
				status: 'failed',
				error: errorMessage(error),
				backend: null
			};
		}
		// A failed trial may leave the backend unusable (tfjs-wasm after running out of memory answers
		// every later call with "memory access out of bounds"), so the next trial gets a fresh worker.
		// (A batching group's batcher restarts the shared worker itself, once none of its trials trains.)
		if (result.status === 'failed' && !this.batcher) this.dispose();
		this.phase = 'finishing';
		const paused = this.pauseRequested;
		this.pauseRequested = false;
		this.handedOver = false;
		this.stopPending = false;
		this.enqueueWrite(async () => {
			const stored = (await getTrial(this.db, trial.id)) ?? trial;
			const endedAt = Date.now();
			const finished: TrialRecord = {
				...stored,
				updatedAt: endedAt,
				runs: closeRun(stored.runs, endedAt),
				// Paused, or stopped by a full disk: back in the queue, to continue from its checkpoint later.
				status:
					result.status === 'reached'
						? 'queued'
						: result.status === 'stopped'
							? stopReason || paused
								? 'queued'
								: 'cancelled'
							: result.status,
				reason:
					result.status === 'reached'
						? `reached step ${result.steps}, a successive-halving rung: it goes on or stops once scored there`
						: result.status === 'failed'
							? result.error
							: result.status === 'infeasible'
								? result.reason
								: result.status === 'stopped'
									? (stopReason ??
										(paused
											? `paused by the user at step ${result.steps}; it resumes from its latest checkpoint`
											: `stopped by the user at step ${result.steps}`))
									: undefined,
				backend: result.backend ?? stored.backend,
				throughput: steadyThroughput(timing, runStart) ?? undefined
			};
			await putTrial(this.db, finished);
			this.hooks.onTrialChanged(finished);
		});
		if (showTimer) clearTimeout(showTimer);
		showPending();
		await this.writes;
		this.onStorageFull = null;
		this.stoppedForStorage = stopReason !== null;
		this.lastResult = result;
		this.hooks.onTrialFinished(trial.id, this.live);
		this.activeTrialId = null;
		this.phase = 'idle';
		return result;
	}

	/**
	 * Database writes run one after another, in the order the worker published them. A full quota
	 * stops the trial cleanly: what was saved before stays valid (each save is one transaction).
	 */
	private enqueueWrite(write: () => Promise<void>): void {
		this.writes = this.writes.then(write).catch(async (error) => {
			const name = error instanceof Error ? error.name : '';
			const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
			if (name === 'QuotaExceededError') {
				const message = `stopped: the browser's storage quota is full (${await storageUsage()}). Earlier metrics and checkpoints are intact; delete old studies or prune checkpoints, then resume.`;
				this.storageError = message;
				this.onStorageFull?.(message);
			} else {
				this.storageError = `Saving to the database failed (${reason}). Earlier data is intact.`;
			}
		});
	}

	private onStorageFull: ((message: string) => void) | null = null;
	/** The last trial stopped because the storage quota was full (the study runner pauses then). */
	stoppedForStorage = false;

	/** Stops this slot's worker (a batching group's worker belongs to its batcher: left running). */
	dispose(): void {
		if (!this.batcher) this.worker.dispose();
	}
}

/** What `auto` measured, for the pages (they reach training only through the runner). */
export type { BackendProbe, EnginePair, PairSpeed } from '$lib/training/backend-choice';
