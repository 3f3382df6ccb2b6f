// Runs a study's queued trials on a pool of slots. What runs when is decided by the pure scheduler
// (scheduler.ts); this adapter owns what it cannot touch: the slots (each a TrialClient with its own
// worker, kept across trials and studies so backends start and shaders compile once per slot), the
// database, the Web Locks and the Bayesian-optimisation worker. It carries out the scheduler's commands
// and tells it what happened.
import { getStudy, listStudyTrials, putStudy, requeueTrial, resetTrial } from '$lib/storage/studies';
import { getTrial, putTrial, readMetrics } from '$lib/storage/trials';
import type { LabDb, StudyPick, StudyRecord, StudyStatus, TrialRecord } from '$lib/storage/schema';
import type { MetricBatch } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import type { BackendChoice, EngineChoice, TrialConfig } from '$lib/study/trial-config';
import { branchRecord } from '$lib/storage/study-transfer';
import { defaultChoice, trialValue } from '$lib/analysis/objective';
import { objectiveValue } from '$lib/study/objective';
import type { RungDecision } from '$lib/study/halving';
import { TrialClient } from './trial-client.svelte';
import { TrialBatcher } from './trial-batcher';
import { claimTrialLock, withTrialLock, type TrialLock } from './trial-lock';
import { BayesClient, suggestedTrialRecord, suggestionRequest, type TrialOutcome } from './bayes-client';
import {
	idleScheduler,
	pendingSteps,
	queuedTrial,
	startRun,
	statusAfterRun,
	step,
	type EndCommand,
	type PickOutcome,
	type RunOptions,
	type RunPhase,
	type SchedulerCommand,
	type SchedulerEvent,
	type SchedulerState,
	type WorkUnit
} from './scheduler';
import { errorMessage } from '$lib/util/error-message';
import { nextEta, type EtaEstimate } from './eta';
import { studyActivity, type TrialActivityPhase } from './study-activity';

export { type RunOptions } from './scheduler';

export interface RunningTrialView {
	trialId: string;
	index: number;
	step: number;
	maxTrainSteps: number;
	stepsPerSecond: number;
	/** Step of its latest checkpoint safely stored, or null. */
	savedCheckpointStep: number | null;
	/** What its worker says it is doing (starting the backend, loading data, training). */
	phase: TrialActivityPhase;
	/** Whether it reported a step yet; before that, step and maxTrainSteps are the plan, not progress. */
	stepping: boolean;
}

export type RunnerState = RunPhase;

export class StudyRunner {
	/** The scheduler's state, replaced (never mutated) on each event so views of it redraw. */
	private schedule = $state.raw<SchedulerState>(idleScheduler());
	slots = $state.raw<TrialClient[]>([]);
	/** Suggests the trials of bayesian studies; started on the first suggestion. */
	readonly bayes = new BayesClient();

	/** Trials per worker of the current pool (slots share a worker's batcher when over 1). */
	private slotBatch = 1;
	/** One per worker of the pool when slots are batched; empty otherwise. */
	private batchers: TrialBatcher[] = [];
	/** Per slot: the lock and stored record of the trial it claimed (a branch's parent). */
	private claims: ({ lock: TrialLock; trial: TrialRecord } | null)[] = [];
	/** The running bayesian study's definition (its suggestions need it). */
	private definition: Study | null = null;
	/** Study status and cancel writes, one after another in the order they were decided. */
	private writes: Promise<void> = Promise.resolve();
	private runEnded: Promise<void> = Promise.resolve();
	private finishRun: () => void = () => undefined;

	constructor(
		private readonly db: LabDb,
		private readonly hooks: {
			onTrialChanged(trial: TrialRecord): void;
			onTrialFinished(trialId: string, metrics: MetricBatch): void;
			onStudyChanged(study: StudyRecord): void;
		}
	) {}

	get studyId(): string | null {
		return this.schedule.studyId;
	}

	get state(): RunnerState {
		return this.schedule.phase;
	}

	/** Trials of this run (its shard) and how many of them reached a final status. */
	get total(): number {
		return this.schedule.total;
	}

	get done(): number {
		return this.schedule.done;
	}

	/** Why a bayesian study stopped getting suggestions before its budget was spent (null while all is well). */
	get suggestionProblem(): string | null {
		return this.schedule.suggestionProblem;
	}

	/** The workload (pick key) whose engine × backend pairs are being measured now, or null. */
	get measuring(): string | null {
		for (const slot of this.schedule.slots) if (slot.state === 'measuring') return slot.key;
		return null;
	}

	get busy(): boolean {
		return this.state !== 'idle';
	}

	get runningTrials(): RunningTrialView[] {
		const out: RunningTrialView[] = [];
		for (const [i, slot] of this.slots.entries()) {
			const trialId = slot.activeTrialId;
			if (!trialId) continue;
			// Before its first step the plan stands in (never "0/0"): the trial's own length from the schedule.
			const planned = this.schedule.slots[i];
			const plannedSteps = planned && planned.state === 'busy' ? planned.trial.steps : 0;
			out.push({
				trialId,
				index: slot.activeIndex ?? -1,
				step: slot.progress?.step ?? 0,
				maxTrainSteps: slot.progress?.maxTrainSteps ?? plannedSteps,
				stepsPerSecond: slot.progress?.stepsPerSecond ?? 0,
				savedCheckpointStep: slot.savedCheckpointStep,
				phase: slot.phase,
				stepping: slot.progress !== null
			});
		}
		return out;
	}

	/** Optimizer steps still to train in this run: the queue, suggestions to come, and the running trials' rest. */
	get stepsLeft(): number {
		return (
			pendingSteps(this.schedule) +
			this.runningTrials.reduce((sum, r) => sum + Math.max(0, r.maxTrainSteps - r.step), 0)
		);
	}

	/** What the run is doing now, in words ("Measuring backends for cnn on fashion-mnist…"); null when idle. */
	get activity(): string | null {
		return studyActivity(this.state, this.measuring, this.runningTrials);
	}

	/**
	 * Seconds until the run's trials are done, from the run's measured throughput, smoothed (eta.ts);
	 * null until steps were trained.
	 */
	get etaSeconds(): number | null {
		return this.eta?.seconds ?? null;
	}

	private eta = $state<EtaEstimate | null>(null);
	/** Steps trained in this run so far, and the last step seen of each trial (to count only new steps). */
	private trained: { total: number; seen: Record<string, number> } = { total: 0, seen: {} };
	private etaTimer: ReturnType<typeof setInterval> | null = null;

	/** Reads the run's progress once (about every second while it runs) into the smoothed ETA. */
	private sampleEta(): void {
		for (const r of this.runningTrials) {
			if (!r.stepping) continue;
			const last = this.trained.seen[r.trialId];
			// A trial's first report sets its baseline (a resumed trial starts from its checkpoint's step).
			if (last !== undefined && r.step > last) this.trained.total += r.step - last;
			if (last === undefined || r.step > last) this.trained.seen[r.trialId] = r.step;
		}
		this.eta = nextEta(this.eta, {
			time: performance.now() / 1000,
			stepsDone: this.trained.total,
			stepsLeft: this.stepsLeft
		});
	}

	/** Runs the study's queued trials; resolves when all are done, or the run is paused or cancelled. */
	async run(studyId: string, options: RunOptions = {}): Promise<void> {
		if (this.busy) throw new Error('a study is already running in this tab');
		const study = await getStudy(this.db, studyId);
		if (!study) throw new Error(`study ${studyId} is not in the database`);
		const trials = await listStudyTrials(this.db, studyId);
		const started = startRun(this.schedule, {
			study,
			trials,
			options,
			hardwareConcurrency: navigator.hardwareConcurrency
		});
		this.definition = study.definition;
		this.ensureSlots(started.state.slots.length, started.state.batch);
		this.runEnded = new Promise((resolve) => (this.finishRun = resolve));
		this.schedule = started.state;
		this.eta = null;
		this.trained = { total: 0, seen: {} };
		this.sampleEta();
		this.etaTimer = setInterval(() => this.sampleEta(), 1000);
		this.inOrder(() => this.setStudyStatus(studyId, 'running'));
		this.execute(started.commands);
		await this.runEnded;
		if (this.schedule.error) throw new Error(this.schedule.error);
	}

	/** Starts no new trials; the running ones finish. */
	pause(): void {
		this.apply({ type: 'pause' });
	}

	/** Stops the running trials now and marks the rest of the queue cancelled. */
	async cancel(): Promise<void> {
		if (!this.busy) return;
		this.apply({ type: 'cancel' });
		await this.runEnded;
	}

	/** Cancels one trial: stops it if it is running here, or takes it out of the queue. */
	async cancelTrial(trialId: string): Promise<void> {
		this.apply({ type: 'cancel-trial', trialId });
		await this.writes;
	}

	/** Pauses one running trial: it returns to the queue and resumes from its checkpoint on the next Resume. */
	pauseTrial(trialId: string): void {
		this.apply({ type: 'pause-trial', trialId });
	}

	/**
	 * Queues a failed or cancelled trial again. By default it keeps its work and resumes from its latest
	 * stored checkpoint (a crashed worker or a lost device costs only the steps since it); `startOver`
	 * discards its metrics and checkpoints and restarts it from step 0.
	 */
	async retryTrial(
		trialId: string,
		{ startOver = false }: { startOver?: boolean } = {}
	): Promise<TrialRecord> {
		const reset = startOver ? await resetTrial(this.db, trialId) : await requeueTrial(this.db, trialId);
		this.hooks.onTrialChanged(reset);
		this.apply({ type: 'retry', studyId: reset.studyId, trial: queuedTrial(reset) });
		return reset;
	}

	dispose(): void {
		for (const slot of this.slots) slot.dispose();
		for (const batcher of this.batchers) batcher.dispose();
		this.slots = [];
		this.batchers = [];
		this.bayes.dispose();
	}

	private apply(event: SchedulerEvent): void {
		const { state, commands } = step(this.schedule, event);
		this.schedule = state;
		// A measurement can widen the pool (auto chose a CPU backend: one trial per core; batched trials).
		this.ensureSlots(state.slots.length, state.batch);
		this.execute(commands);
		// A slot that went idle, or handed its trial over, may complete its group's batch.
		for (const batcher of this.batchers) batcher.poke();
	}

	/** Carries out the commands; each answers with an event once its (asynchronous) work is done. */
	private execute(commands: readonly SchedulerCommand[]): void {
		for (const command of commands) {
			switch (command.type) {
				case 'claim':
					void this.claim(command.slot, command.trial.id);
					break;
				case 'run':
					void this.runUnit(command.slot, command.unit, command.backend, command.engine);
					break;
				case 'measure':
					void this.measure(command);
					break;
				case 'release':
					this.claims[command.slot]?.lock.release();
					this.claims[command.slot] = null;
					this.slots[command.slot]!.activeIndex = null;
					break;
				case 'stop':
					if (command.pause) this.slots[command.slot]!.pause();
					else this.slots[command.slot]!.stop();
					break;
				case 'cancel-unstarted':
					this.inOrder(() => this.cancelUnstarted(command.trialId, command.reason));
					break;
				case 'suggest':
					void this.suggest();
					break;
				case 'score':
					void this.scoreAtStep(command.slot, command.trialId, command.step, command.metric);
					break;
				case 'decide':
					this.inOrder(() =>
						this.storeDecision(command.slot, command.trialId, command.decision, command.stopReason)
					);
					break;
				case 'end':
					this.inOrder(() => this.end(command));
					break;
			}
		}
	}

	/** Runs `write` after the writes decided before it; a failure pauses the run (and is reported at its end). */
	private inOrder(write: () => Promise<void>): void {
		this.writes = this.writes.then(write).catch((error: unknown) => {
			this.apply({ type: 'failed', message: errorMessage(error) });
		});
	}

	private async claim(slot: number, trialId: string): Promise<void> {
		let lock: TrialLock | null = null;
		try {
			lock = await claimTrialLock(trialId);
			if (!lock) return this.apply({ type: 'refused', slot });
			// Holding the lock, check the trial is still queued: another tab may have trained it (and
			// released the lock) since this tab read its queue.
			const trial = await getTrial(this.db, trialId);
			if (trial?.status !== 'queued') {
				lock.release();
				return this.apply({ type: 'refused', slot });
			}
			this.claims[slot] = { lock, trial };
			// Where it resumes: a trial cut off at a successive-halving rung is scored there first.
			const resumeStep = Math.max(0, ...(trial.checkpoints ?? []).map((c) => c.step));
			this.apply({ type: 'claimed', slot, resumeStep });
		} catch (error) {
			lock?.release();
			this.apply({ type: 'failed', slot, message: errorMessage(error) });
		}
	}

	private async runUnit(
		index: number,
		unit: WorkUnit,
		backend: BackendChoice | null,
		engine: EngineChoice | null
	): Promise<void> {
		const slot = this.slots[index]!;
		const claim = this.claims[index]!;
		try {
			let trial = claim.trial;
			let reached = false;
			if (unit.kind === 'trial') {
				slot.activeIndex = unit.trial.index;
				const overrides: Partial<TrialConfig> = {};
				if (backend) overrides.backend = backend;
				if (engine) overrides.engine = engine;
				reached = (await slot.run(trial, overrides, unit.untilStep)).status === 'reached';
			} else {
				// The slot stores it (as running) and reports it, as it does a trial.
				trial = branchRecord(claim.trial, unit.spec);
				await slot.run(trial);
			}
			const stored = await getTrial(this.db, trial.id);
			// Its branches start from the trial as stored when it finished (with its checkpoints).
			if (unit.kind === 'trial' && stored) claim.trial = stored;
			const event: SchedulerEvent = {
				type: 'unit-ended',
				slot: index,
				status: stored?.status ?? 'failed',
				storageFull: slot.stoppedForStorage,
				checkpointSteps: (stored?.checkpoints ?? []).map((c) => c.step)
			};
			if (reached) event.reached = true;
			// A rung's cooldown branch scores its trial: the objective at the branch's last evaluation.
			if (unit.kind === 'branch' && unit.rung !== undefined) {
				event.value = await this.objectiveAt(trial.id, trial.config.maxTrainSteps);
			}
			this.apply(event);
		} catch (error) {
			this.apply({ type: 'failed', slot: index, message: errorMessage(error) });
		}
	}

	/**
	 * Measures a workload's engine × backend pairs on the slot's worker (nothing else of the study trains
	 * meanwhile: the scheduler waits for that), remembers the pair with the study, and reports it.
	 */
	private async measure(command: Extract<SchedulerCommand, { type: 'measure' }>): Promise<void> {
		const { slot: index, key, trialId, engine, backend } = command;
		let outcome: PickOutcome;
		try {
			const trial = await getTrial(this.db, trialId);
			if (!trial) throw new Error(`trial ${trialId} is no longer in the database`);
			const report = await this.slots[index]!.measure({ ...trial.config, engine, backend });
			const pair = { engine: report.engine ?? 'tfjs', backend: report.backend };
			// Trials of the workload per batch, when the probe measured batching faster than one at a time.
			const batch = report.probe?.batch?.k ?? 1;
			outcome = batch > 1 ? { pair, batch } : { pair };
			const studyId = this.schedule.studyId;
			const pick = { pair, probe: report.probe, ...(batch > 1 && { batch }) };
			if (studyId) this.inOrder(() => this.rememberPick(studyId, key, pick));
		} catch (error) {
			outcome = { problem: errorMessage(error) };
		}
		this.apply({ type: 'measured', slot: index, key, outcome });
	}

	private async rememberPick(studyId: string, key: string, pick: Omit<StudyPick, 'chosenAt'>): Promise<void> {
		const study = await getStudy(this.db, studyId);
		if (!study) return;
		const enginePicks = { ...study.enginePicks, [key]: { ...pick, chosenAt: Date.now() } };
		const updated = { ...study, enginePicks, updatedAt: Date.now() };
		await putStudy(this.db, updated);
		this.hooks.onStudyChanged(updated);
	}

	/** Stores the next suggested trial of the running bayesian study as queued. */
	private async suggest(): Promise<void> {
		const { studyId } = this.schedule;
		const definition = this.definition;
		if (!studyId || !definition) return this.apply({ type: 'suggested', trial: null });
		try {
			// One tab suggests at a time, so two tabs running the study never give one index two trials.
			const outcome = await withTrialLock(`${studyId}-suggest`, async () => {
				const stored = (await listStudyTrials(this.db, studyId)).filter((t) => !t.branch);
				if (stored.length >= definition.search.trials) return null;
				const index = stored.reduce((top, t) => Math.max(top, t.index ?? 0), -1) + 1;
				const choice = defaultChoice(definition);
				const outcomes: TrialOutcome[] = await Promise.all(
					stored.map(async (t) => ({
						index: t.index ?? 0,
						status: t.status,
						params: t.params ?? {},
						value:
							t.status === 'completed'
								? (trialValue({ metrics: await readMetrics(this.db, t.id) }, choice)?.value ?? null)
								: null
					}))
				);
				const [suggestion] = await this.bayes.suggest(suggestionRequest(definition, outcomes, index));
				if (!suggestion) throw new Error('the optimiser returned no suggestion');
				const record = suggestedTrialRecord(definition, studyId, index, suggestion.params);
				await putTrial(this.db, record);
				this.hooks.onTrialChanged(record);
				return record;
			});
			const record = outcome.ran ? outcome.value : null;
			this.apply({ type: 'suggested', trial: record && queuedTrial(record) });
		} catch (error) {
			this.apply({
				type: 'suggested',
				trial: null,
				problem: `No further suggestion: ${errorMessage(error)}`
			});
		}
	}

	/** The trial's `metric` at its evaluation of `step` (NaN when it has none there). */
	private async objectiveAt(trialId: string, step: number, metric?: string): Promise<number> {
		const name = metric ?? this.definition?.objective.metric ?? 'valLoss';
		const row = (await readMetrics(this.db, trialId)).evals.find((r) => r.step === step);
		return row ? objectiveValue(row, name) : Number.NaN;
	}

	/** Answers `score`: the claimed trial's own objective at a rung (successive halving, cooldownSteps 0). */
	private async scoreAtStep(slot: number, trialId: string, step: number, metric: string): Promise<void> {
		try {
			this.apply({ type: 'scored', slot, value: await this.objectiveAt(trialId, step, metric) });
		} catch (error) {
			this.apply({ type: 'failed', slot, message: errorMessage(error) });
		}
	}

	/**
	 * Stores a rung decision with its trial before the runner acts on it, so a resumed study keeps it; a
	 * trial that does not go on is marked stopped with the rung and its score in the reason.
	 */
	private async storeDecision(
		slot: number,
		trialId: string,
		decision: RungDecision,
		stopReason: string | null
	): Promise<void> {
		try {
			const trial = await getTrial(this.db, trialId);
			if (!trial) throw new Error(`trial ${trialId} is no longer in the database`);
			const updated: TrialRecord = {
				...trial,
				halving: [...(trial.halving ?? []), { ...decision, decidedAt: Date.now() }],
				updatedAt: Date.now()
			};
			if (stopReason !== null) {
				updated.status = 'stopped';
				updated.reason = stopReason;
			} else {
				delete updated.reason; // it went on: the "waiting at a rung" note no longer holds
			}
			await putTrial(this.db, updated);
			const claim = this.claims[slot];
			if (claim?.trial.id === trialId) claim.trial = updated;
			this.hooks.onTrialChanged(updated);
			this.apply({ type: 'decided', slot });
		} catch (error) {
			this.apply({ type: 'failed', slot, message: errorMessage(error) });
		}
	}

	private async cancelUnstarted(trialId: string, reason: string): Promise<void> {
		// Read afresh: another tab may have started it since.
		const trial = await getTrial(this.db, trialId);
		if (trial?.status !== 'queued') return;
		const cancelled: TrialRecord = { ...trial, status: 'cancelled', reason, updatedAt: Date.now() };
		await putTrial(this.db, cancelled);
		this.hooks.onTrialChanged(cancelled);
	}

	private async end(command: EndCommand): Promise<void> {
		try {
			const after = await listStudyTrials(this.db, command.studyId);
			await this.setStudyStatus(command.studyId, statusAfterRun(command, after));
		} catch (error) {
			this.apply({ type: 'failed', message: errorMessage(error) });
		} finally {
			this.definition = null;
			if (this.etaTimer !== null) clearInterval(this.etaTimer);
			this.etaTimer = null;
			this.eta = null;
			this.apply({ type: 'closed' });
			this.finishRun();
		}
	}

	/**
	 * At least `count` slots; with `batch` > 1, every `batch` consecutive slots share one worker through
	 * a TrialBatcher (batched trials). A change of `batch` happens only while every slot is idle (a run's
	 * start, a measurement): the pool is then built afresh.
	 */
	private ensureSlots(count: number, batch: number): void {
		if (batch !== this.slotBatch) {
			for (const slot of this.slots) slot.dispose();
			for (const batcher of this.batchers) batcher.dispose();
			this.slots = [];
			this.batchers = [];
			this.slotBatch = batch;
		}
		if (this.slots.length >= count) return;
		const added = Array.from({ length: count - this.slots.length }, (_, k) => {
			const index = this.slots.length + k;
			let batcher: TrialBatcher | null = null;
			if (batch > 1) {
				const group = Math.floor(index / batch);
				batcher = this.batchers[group] ??= new TrialBatcher(() => this.busySlots(group, batch));
			}
			const client = new TrialClient(
				this.db,
				{
					onTrialChanged: (t) => this.hooks.onTrialChanged(t),
					onTrialFinished: (id, metrics) => this.hooks.onTrialFinished(id, metrics)
				},
				batcher
			);
			client.slot = index; // its runs record this slot (the study timeline)
			return client;
		});
		this.slots = [...this.slots, ...added];
	}

	/** The slots of worker `group` that the scheduler gave work (a trial being claimed or a unit running). */
	private busySlots(group: number, batch: number): number[] {
		const out: number[] = [];
		for (let i = group * batch; i < (group + 1) * batch; i++) {
			const state = this.schedule.slots[i]?.state;
			if (state === 'claiming' || state === 'busy') out.push(i);
		}
		return out;
	}

	private async setStudyStatus(studyId: string, status: StudyStatus): Promise<void> {
		const study = await getStudy(this.db, studyId);
		if (!study) return;
		const updated = { ...study, status, updatedAt: Date.now() };
		await putStudy(this.db, updated);
		this.hooks.onStudyChanged(updated);
	}
}
