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
import { readMetrics } from '$lib/storage/trials';
import { defaultChoice, trialValue } from '$lib/analysis/objective';
import type { Study } from '$lib/study/study';
import type { Sample } from '$lib/math/search-space';
import { BAYESIAN_SHARD_MESSAGE } from '$lib/study/study-trials';
import { BayesClient, suggestedTrialRecord, suggestionRequest, type TrialOutcome } from './bayes-client';

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
	/** Why a bayesian study stopped getting suggestions before its budget was spent (null while all is well). */
	suggestionProblem = $state<string | null>(null);
	/** Suggests the trials of bayesian studies; started on the first suggestion. */
	readonly bayes = new BayesClient();

	private queue: TrialRecord[] = [];
	/** Set while a bayesian study runs: its later trials are suggested when a slot frees up. */
	private adaptive: { studyId: string; definition: Study; exhausted: boolean } | null = null;
	/** Suggestions are made one at a time, so each sees the ones before it as pending trials. */
	private suggesting: Promise<unknown> = Promise.resolve();
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
		const adaptive = study.definition.search.algorithm === 'bayesian';
		if (adaptive && options.shard) throw new Error(BAYESIAN_SHARD_MESSAGE);
		const trials = (await listStudyTrials(this.db, studyId)).filter((t) =>
			inShard(t.index ?? 0, options.shard)
		);
		this.studyId = studyId;
		this.state = 'running';
		this.queue = trials.filter((t) => t.status === 'queued');
		// A bayesian study's trials past its initial design do not exist yet: count them as to come.
		const toSuggest = adaptive
			? Math.max(0, study.definition.search.trials - trials.filter((t) => !t.branch).length)
			: 0;
		this.adaptive = adaptive ? { studyId, definition: study.definition, exhausted: false } : null;
		this.suggestionProblem = null;
		this.total = trials.length + toSuggest;
		this.done = trials.filter((t) => TERMINAL.has(t.status)).length;
		this.remainingSteps =
			this.queue.reduce((sum, t) => sum + t.config.maxTrainSteps, 0) +
			toSuggest * study.definition.budget.maxTrainSteps;
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
			// A bayesian study is done when its budget of trials exists and ran, or suggestions ran out.
			const budgetSpent =
				!this.adaptive ||
				this.adaptive.exhausted ||
				after.filter((t) => !t.branch).length >= this.adaptive.definition.search.trials;
			const allDone = budgetSpent && after.every((t) => TERMINAL.has(t.status));
			this.adaptive = null;
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
		this.bayes.dispose();
	}

	/** The next suggested trial of the running bayesian study, stored as queued; undefined when none is due. */
	private nextSuggestion(): Promise<TrialRecord | undefined> {
		if (!this.adaptive) return Promise.resolve(undefined);
		const next = this.suggesting.then(() => this.suggestOne());
		this.suggesting = next.catch(() => undefined);
		return next;
	}

	private async suggestOne(): Promise<TrialRecord | undefined> {
		const adaptive = this.adaptive;
		if (!adaptive || adaptive.exhausted || this.state !== 'running') return undefined;
		const { studyId, definition } = adaptive;
		// One tab suggests at a time, so two tabs running the study never give one index two trials.
		const outcome = await withTrialLock(`${studyId}-suggest`, async () => {
			const stored = (await listStudyTrials(this.db, studyId)).filter((t) => !t.branch);
			if (stored.length >= definition.search.trials) return undefined;
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
			let params: Sample;
			try {
				const [suggestion] = await this.bayes.suggest(suggestionRequest(definition, outcomes, index));
				if (!suggestion) throw new Error('the optimiser returned no suggestion');
				params = suggestion.params;
			} catch (error) {
				adaptive.exhausted = true;
				this.suggestionProblem = `No further suggestion: ${error instanceof Error ? error.message : String(error)}`;
				return undefined;
			}
			const record = suggestedTrialRecord(definition, studyId, index, params);
			await putTrial(this.db, record);
			this.hooks.onTrialChanged(record);
			return record;
		});
		return outcome.ran ? outcome.value : undefined;
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
			const trial = this.queue.shift() ?? (await this.nextSuggestion());
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
