// The study scheduler's decisions, as a pure state machine: what each slot runs next, when suggestions
// are asked for, what pause, cancel and retry do, when the run ends and with which study status, and the
// ETA. Events come in (`step`), commands go out; the Svelte runner (study-runner.svelte.ts) owns the
// workers, the database and the Web Locks, carries the commands out and reports back as events.
//
// A slot runs one unit of work at a time. It first claims a queued trial (the adapter takes the trial's
// Web Lock if no other tab holds it, and checks the trial is still queued), then runs the trial and,
// when it completes, the study's automatic cooldown branches of it, one after another, still holding the
// claim; then it releases the claim and takes the next trial.
//
// Trials whose engine or backend is `auto` train on one pair per workload: before the first trial of a
// workload starts, and while no trial of the study trains (so every candidate is timed under the same
// conditions), a slot measures the workload's step on each engine × backend pair; every trial of that
// workload then trains on the pair chosen, which the study keeps (StudyRecord.enginePicks) for later runs.
//
// A study with successive halving (`search.halving`, study/halving.ts) trains each trial in stretches, one
// rung at a time, on the slot that claimed it: the trial unit stops at the rung, the slot scores it there
// (a cooldown branch unit, or its own evaluation when cooldownSteps is 0), the decision is stored with
// the trial, and only then does the trial go on to its next rung or stop. Decisions are made as each trial
// arrives, so a slot never waits for others; a resumed run rebuilds the rungs from the stored decisions.
import type { StudyRecord, StudyStatus, TrialRecord } from '$lib/storage/schema';
import type { TrialStatus } from '$lib/study/metrics';
import type { BackendChoice, EngineChoice } from '$lib/study/trial-config';
import {
	engineChoiceOf,
	needsProbe,
	pickKey,
	workloadKey,
	type EnginePair
} from '$lib/training/backend-choice';
import type { CooldownShape } from '$lib/math/schedules';
import {
	branchesApply,
	branchLength,
	branchSteps,
	type CooldownBranchesOption
} from '$lib/study/cooldown-branches';
import { BAYESIAN_SHARD_MESSAGE, HALVING_SHARD_MESSAGE } from '$lib/study/study-trials';
import {
	RUNG_COOLDOWN_SHAPE,
	decideAtRung,
	nextRungAction,
	rungSteps,
	rungTable,
	stoppedReason,
	type HalvingOption,
	type RungDecision,
	type RungTable
} from '$lib/study/halving';
import { metricGoal } from '$lib/study/objective';
import { inShard, type Shard } from '$lib/study/shard';
import { defaultConcurrency } from './concurrency';

export interface RunOptions {
	concurrency?: number;
	/** Overrides every trial's backend for this run (the trial's stored config is unchanged). */
	backend?: BackendChoice;
	/** Overrides every trial's engine for this run (the trial's stored config is unchanged). */
	engine?: EngineChoice;
	/** Run only the trials whose index ≡ shard.index (mod shard.count). */
	shard?: Shard;
	/**
	 * Trials per worker for this run, over the measured batch (1: one at a time). Trials the engine
	 * cannot batch still train one after another in their worker.
	 */
	batch?: number;
}

/** `idle` between runs; `pausing` starts nothing new and lets the running units finish. */
export type RunPhase = 'idle' | 'running' | 'pausing' | 'cancelling';

const TERMINAL: ReadonlySet<TrialStatus> = new Set([
	'completed',
	'infeasible',
	'failed',
	'cancelled',
	'stopped'
]);

/** A queued trial as the scheduler sees it; `steps` is its maxTrainSteps. */
export interface QueuedTrial {
	id: string;
	index: number;
	steps: number;
	/** Its sampled parameters, which a `cooldownBranches.when` condition reads. */
	params?: Readonly<Record<string, unknown>>;
	/** Its workload (backend-choice.ts `workloadKey`) and its own engine and backend choices. */
	pick?: { workload: string; engine: EngineChoice; backend: BackendChoice };
}

/**
 * What a workload's measurement chose: a pair (and, where its engine can batch the workload, how many
 * of its trials to train as one batch), or why none could be chosen.
 */
export type PickOutcome = { pair: EnginePair; batch?: number } | { problem: string };

/** One automatic cooldown branch of a trial, from its checkpoint at `fromStep`. */
export interface BranchPoint {
	fromStep: number;
	length: number;
	shape: CooldownShape;
	finalFraction: number;
}

/**
 * What a slot runs: its claimed trial (with `untilStep`, only up to that successive-halving rung), or a
 * branch of it (with `rung`, the cooldown branch that scores the trial at that rung).
 */
export type WorkUnit =
	| { kind: 'trial'; trial: QueuedTrial; untilStep?: number }
	| { kind: 'branch'; parentId: string; spec: BranchPoint; rung?: number };

export type SlotState =
	| { state: 'idle' }
	/** Waiting for the trial's lock and a fresh read of its status. */
	| { state: 'claiming'; trial: QueuedTrial }
	/** Holds the trial's claim and runs `unit`; `branches` run after it on this slot while the run goes on. */
	| {
			state: 'busy';
			trial: QueuedTrial;
			unit: WorkUnit;
			branches: BranchPoint[];
			rung?: number;
			stopAs?: StopAs;
	  }
	/** Holds the trial's claim while its own evaluation at rung `rung` is read (cooldownSteps 0). */
	| { state: 'scoring'; trial: QueuedTrial; rung: number; stopAs?: StopAs }
	/** Holds the trial's claim while its rung decision is stored; it goes on or stops once it is. */
	| { state: 'deciding'; trial: QueuedTrial; decision: RungDecision; stopAs?: StopAs }
	/** Measures the engine × backend pairs of `trial`'s workload (the trial itself stays queued). */
	| { state: 'measuring'; key: string; trial: QueuedTrial };

/**
 * The user paused or cancelled a trial held between its stretches (being scored at a rung): once the
 * slot's current step is over it lets the trial go, queued for a later run or cancelled.
 */
export type StopAs = 'pause' | 'cancel';

/** A bayesian study's trials past its initial design, suggested one at a time when a slot is free. */
export interface Suggestions {
	/** Whether to ask for more (false once the budget is reached or the optimiser has no answer). */
	open: boolean;
	/** A suggestion is being made; others wait for it, so each sees the ones before as pending. */
	asking: boolean;
	/** Trials still to be suggested, as this tab counts them (for the ETA). */
	toCome: number;
	/** maxTrainSteps of a suggested trial. */
	stepsEach: number;
	/** The trials the study's budget allows (its initial design included). */
	budget: number;
	/** The optimiser failed: the study ends without its full budget. */
	exhausted: boolean;
}

export interface SchedulerState {
	phase: RunPhase;
	/** The study of the current (or last) run. */
	studyId: string | null;
	shard: Shard | null;
	/** Queued trials not yet claimed, in the order they are taken. */
	queue: QueuedTrial[];
	slots: SlotState[];
	/** Trials of this run (its shard, suggestions to come included) and how many reached a final status. */
	total: number;
	done: number;
	/** Backend forced on every trial of this run, or null to use each trial's own. */
	backend: BackendChoice | null;
	/** Engine forced on every trial of this run, or null to use each trial's own. */
	engine: EngineChoice | null;
	/** What `auto` chose per pick key (workload and choices): measured in this run or remembered by the study. */
	picks: Record<string, PickOutcome>;
	/** navigator.hardwareConcurrency, for the slot count once a measurement says CPU or GPU. */
	hardwareConcurrency: number | undefined;
	/** The run was given a concurrency: measurements do not change the slot count. */
	fixedConcurrency: boolean;
	/**
	 * Trials per worker: each worker trains up to this many trials together (batched trials), so the
	 * pool has workers × batch slots, slot i on worker ⌊i / batch⌋. 1 unless every queued trial's
	 * workload measured a batch (the smallest such K).
	 */
	batch: number;
	/** The run's `batch` option, or null: the measured one. */
	forcedBatch: number | null;
	/** null for studies that are not bayesian. */
	suggestions: Suggestions | null;
	cooldownBranches: CooldownBranchesOption | null;
	/** Successive halving of this study's trials; null without it. */
	halving: HalvingState | null;
	/** Why a bayesian study stopped getting suggestions before its budget was spent. */
	suggestionProblem: string | null;
	/** The first adapter action that failed unexpectedly; the run pauses and reports it at the end. */
	error: string | null;
	/** The run is over and its final study status is being stored. */
	ending: boolean;
}

export interface HalvingState {
	option: HalvingOption;
	/** Rung steps, increasing, below maxTrainSteps. */
	rungs: number[];
	/** The study's objective metric and its direction: what a rung score is and which way is better. */
	metric: string;
	goal: 'minimize' | 'maximize';
	/** Scores recorded at each rung step (stored decisions and this run's). */
	table: RungTable;
	/** Each trial's decisions, by trial id. */
	decided: Record<string, RungDecision[]>;
}

export type SchedulerEvent =
	| { type: 'pause' }
	| { type: 'cancel' }
	| { type: 'pause-trial'; trialId: string }
	| { type: 'cancel-trial'; trialId: string }
	/** A failed or cancelled trial was reset to queued in the database. */
	| { type: 'retry'; studyId: string | undefined; trial: QueuedTrial }
	/** The slot holds its trial's lock and the trial is still queued; `resumeStep`: its latest checkpoint's step. */
	| { type: 'claimed'; slot: number; resumeStep?: number }
	/** Another tab holds the trial, or already ran it: this tab skips it. */
	| { type: 'refused'; slot: number }
	/**
	 * The slot's unit ended with the stored `status`; `checkpointSteps` are those stored of a trial unit.
	 * `reached`: a trial unit stopped at its `untilStep` as asked. `value`: a rung branch's objective at
	 * its end (NaN when it has none).
	 */
	| {
			type: 'unit-ended';
			slot: number;
			status: TrialStatus;
			storageFull: boolean;
			checkpointSteps: number[];
			reached?: boolean;
			value?: number;
	  }
	/** The trial's own objective at its rung step (answer to `score`; NaN when it has none). */
	| { type: 'scored'; slot: number; value: number }
	/** The slot's rung decision is stored (answer to `decide`). */
	| { type: 'decided'; slot: number }
	/** The suggested trial, stored as queued; null when none came (`problem` says why, if it failed). */
	| { type: 'suggested'; trial: QueuedTrial | null; problem?: string }
	/** An action of the adapter threw (a database error): the run pauses and reports it at the end. */
	| { type: 'failed'; slot?: number; message: string }
	/** The slot measured the workload `key`: the pair chosen, or why none was. */
	| { type: 'measured'; slot: number; key: string; outcome: PickOutcome }
	/** The final study status is stored. */
	| { type: 'closed' };

export type SchedulerCommand =
	/** Take the trial's lock if no tab holds it and check it is still queued; answer claimed or refused. */
	| { type: 'claim'; slot: number; trial: QueuedTrial }
	/** Train the unit on the slot (a branch from the claimed trial's stored record); answer unit-ended. */
	| {
			type: 'run';
			slot: number;
			unit: WorkUnit;
			/** Forced for this run (by the run's options or the workload's measured pair), or null: the trial's own. */
			backend: BackendChoice | null;
			engine: EngineChoice | null;
	  }
	/**
	 * Measure the pairs `engine` × `backend` allow on the workload of the (queued) trial `trialId`, on the
	 * slot's worker, while nothing else trains; answer measured.
	 */
	| {
			type: 'measure';
			slot: number;
			key: string;
			trialId: string;
			engine: EngineChoice;
			backend: BackendChoice;
	  }
	/** Let go of the slot's claim (its lock). */
	| { type: 'release'; slot: number }
	/** Stop the slot's running unit: paused (back to the queue, resumed from its checkpoint) or cancelled. */
	| { type: 'stop'; slot: number; pause: boolean }
	/** Store the trial, never started, as cancelled with `reason`. */
	| { type: 'cancel-unstarted'; trialId: string; reason: string }
	/** Make the next suggestion; answer suggested. */
	| { type: 'suggest' }
	/** Read the claimed trial's own `metric` at its evaluation of `step`; answer scored. */
	| { type: 'score'; slot: number; trialId: string; step: number; metric: string }
	/**
	 * Store `decision` with the trial (TrialRecord.halving); with `stopReason`, also mark it `stopped`
	 * with that reason. Answer decided.
	 */
	| { type: 'decide'; slot: number; trialId: string; decision: RungDecision; stopReason: string | null }
	/** The run is over: store `statusAfterRun(command, the study's trials)` and answer closed. */
	| EndCommand;

export interface EndCommand {
	type: 'end';
	studyId: string;
	cancelled: boolean;
	shard: Shard | null;
	/** A bayesian study's budget of trials; null when every trial was planned up front. */
	budget: number | null;
	exhausted: boolean;
}

export interface Step {
	state: SchedulerState;
	commands: SchedulerCommand[];
}

export function idleScheduler(): SchedulerState {
	return {
		phase: 'idle',
		studyId: null,
		shard: null,
		queue: [],
		slots: [],
		total: 0,
		done: 0,
		backend: null,
		engine: null,
		picks: {},
		hardwareConcurrency: undefined,
		fixedConcurrency: false,
		batch: 1,
		forcedBatch: null,
		suggestions: null,
		cooldownBranches: null,
		halving: null,
		suggestionProblem: null,
		error: null,
		ending: false
	};
}

export function queuedTrial(trial: TrialRecord): QueuedTrial {
	return {
		id: trial.id,
		index: trial.index ?? 0,
		steps: trial.config.maxTrainSteps,
		...(trial.params ? { params: trial.params } : {}),
		pick: {
			workload: workloadKey(trial.config),
			engine: engineChoiceOf(trial.config),
			backend: trial.config.backend
		}
	};
}

/**
 * The pick key of `trial` in this run, with its effective choices; null when there is nothing to
 * measure: nothing in it is `auto`, and its engine is not the compiled one or the run sets the batch.
 */
export function pickOf(
	state: Pick<SchedulerState, 'engine' | 'backend' | 'forcedBatch'>,
	trial: QueuedTrial
): { key: string; engine: EngineChoice; backend: BackendChoice } | null {
	if (!trial.pick) return null;
	const engine = state.engine ?? trial.pick.engine;
	const backend = state.backend ?? trial.pick.backend;
	// The compiled engine is measured even when forced: the measurement says how many trials to batch,
	// unless the run already says (a probe of ~1 s per K would then be thrown away).
	if (!needsProbe(engine, backend) && (engine !== 'jax' || state.forcedBatch !== null)) return null;
	return { key: pickKey(trial.pick.workload, engine, backend), engine, backend };
}

/** The backend `trial` trains on as far as known now: forced, its own, or its workload's chosen pair's. */
function knownBackend(
	state: Pick<SchedulerState, 'engine' | 'backend' | 'picks' | 'forcedBatch'>,
	trial: QueuedTrial
): BackendChoice {
	const pick = pickOf(state, trial);
	if (!pick) return state.backend ?? trial.pick?.backend ?? 'auto';
	const outcome = state.picks[pick.key];
	return outcome && 'pair' in outcome ? outcome.pair.backend : 'auto';
}

/**
 * Trials per worker for the queue: the run's batch if it set one, else the smallest batch measured for
 * the queued trials' workloads, or 1 when any of them has none (a forced TF.js trial, a workload the engine cannot batch, or not measured).
 */
function batchOf(
	state: Pick<SchedulerState, 'engine' | 'backend' | 'picks' | 'forcedBatch'>,
	queue: readonly QueuedTrial[]
): number {
	if (state.forcedBatch !== null) return state.forcedBatch;
	let k = Number.POSITIVE_INFINITY;
	for (const trial of queue) {
		const pick = pickOf(state, trial);
		const outcome = pick ? state.picks[pick.key] : undefined;
		k = Math.min(k, outcome && 'pair' in outcome ? (outcome.batch ?? 1) : 1);
	}
	return Number.isFinite(k) ? Math.max(1, Math.floor(k)) : 1;
}

/**
 * How many slots run at once: as asked, or the default for the backends the trials train on (forced,
 * their own, or their workload's measured pair; concurrency.ts): one per core when every one is a CPU
 * backend, else one (GPU backends, and `auto` before it is measured).
 */
export function slotCount(
	options: RunOptions,
	trials: readonly TrialRecord[],
	hardwareConcurrency: number | undefined,
	picks: Record<string, PickOutcome> = {}
): number {
	if (options.concurrency !== undefined) return Math.max(1, options.concurrency);
	const forcedBatch = forcedBatchOf(options);
	const state = { engine: options.engine ?? null, backend: options.backend ?? null, picks, forcedBatch };
	const backends = trials.map((t) => knownBackend(state, queuedTrial(t)));
	return slotsFor(backends.length > 0 ? backends : [options.backend ?? 'auto'], hardwareConcurrency);
}

/** The run's `batch` option as a whole number ≥ 1, or null when the run leaves it to the measurement. */
function forcedBatchOf(options: RunOptions): number | null {
	return options.batch === undefined ? null : Math.max(1, Math.floor(options.batch));
}

function slotsFor(backends: readonly BackendChoice[], hardwareConcurrency: number | undefined): number {
	return Math.max(1, Math.min(...backends.map((b) => defaultConcurrency(hardwareConcurrency, b))));
}

/** Starts a run of the study's queued trials; throws when the study cannot run. */
export function startRun(
	previous: SchedulerState,
	input: {
		study: Pick<StudyRecord, 'id' | 'imported' | 'definition' | 'enginePicks'>;
		/** Every stored trial of the study. */
		trials: readonly TrialRecord[];
		options: RunOptions;
		hardwareConcurrency: number | undefined;
	}
): Step {
	if (previous.phase !== 'idle') throw new Error('a study is already running in this tab');
	const { study, options } = input;
	if (study.imported) throw new Error('an imported study is read-only history: clone it to run it again');
	const { definition } = study;
	const adaptive = definition.search.algorithm === 'bayesian';
	if (adaptive && options.shard) throw new Error(BAYESIAN_SHARD_MESSAGE);
	const halvingOption = definition.search.halving;
	if (halvingOption && options.shard) throw new Error(HALVING_SHARD_MESSAGE);
	const trials = input.trials.filter((t) => inShard(t.index ?? 0, options.shard));
	// Pairs the study chose in an earlier run: its trials of those workloads train on them again.
	const picks: Record<string, PickOutcome> = Object.fromEntries(
		Object.entries(study.enginePicks ?? {}).map(([key, p]) => [
			key,
			p.batch ? { pair: p.pair, batch: p.batch } : { pair: p.pair }
		])
	);
	const queue = trials.filter((t) => t.status === 'queued').map(queuedTrial);
	const forcedBatch = forcedBatchOf(options);
	const batch = batchOf(
		{ engine: options.engine ?? null, backend: options.backend ?? null, picks, forcedBatch },
		queue
	);
	// A bayesian study's trials past its initial design do not exist yet: count them as to come.
	const toCome = adaptive
		? Math.max(0, definition.search.trials - trials.filter((t) => !t.branch).length)
		: 0;
	const state: SchedulerState = {
		...idleScheduler(),
		phase: 'running',
		studyId: study.id,
		shard: options.shard ?? null,
		queue,
		slots: Array.from(
			{
				length:
					batch *
					slotCount(
						options,
						trials.filter((t) => t.status === 'queued'),
						input.hardwareConcurrency,
						picks
					)
			},
			() => ({ state: 'idle' })
		),
		batch,
		forcedBatch,
		total: trials.length + toCome,
		done: trials.filter((t) => TERMINAL.has(t.status)).length,
		backend: options.backend ?? null,
		engine: options.engine ?? null,
		picks,
		hardwareConcurrency: input.hardwareConcurrency,
		fixedConcurrency: options.concurrency !== undefined,
		suggestions: adaptive
			? {
					open: toCome > 0,
					asking: false,
					toCome,
					stepsEach: definition.budget.maxTrainSteps,
					budget: definition.search.trials,
					exhausted: false
				}
			: null,
		cooldownBranches: definition.cooldownBranches ?? null,
		halving: halvingOption
			? {
					option: halvingOption,
					rungs: rungSteps(halvingOption, definition.budget.maxTrainSteps),
					metric: definition.objective.metric,
					goal: metricGoal(definition.objective.metric),
					table: rungTable(input.trials.map((t) => t.halving)),
					decided: Object.fromEntries(
						input.trials.flatMap((t) => (t.halving?.length ? [[t.id, t.halving]] : []))
					)
				}
			: null
	};
	return dispatch(state, []);
}

/** The scheduler's answer to one event. */
export function step(state: SchedulerState, event: SchedulerEvent): Step {
	const commands: SchedulerCommand[] = [];
	switch (event.type) {
		case 'pause':
			if (state.phase !== 'running') return { state, commands };
			return dispatch({ ...state, phase: 'pausing' }, commands);
		case 'cancel':
			return cancel(state);
		case 'pause-trial':
		case 'cancel-trial':
			return stopTrial(state, event.trialId, event.type === 'pause-trial');
		case 'retry':
			// Counted when it ended; it runs again if this tab runs its study (and this run has not ended).
			if (state.phase === 'idle' || state.ending || event.studyId !== state.studyId)
				return { state, commands };
			return dispatch({ ...state, queue: [...state.queue, event.trial], done: state.done - 1 }, commands);
		case 'claimed':
			return claimed(state, event.slot, event.resumeStep ?? 0);
		case 'refused': {
			// Another tab trains it (or did): that tab counts it.
			if (state.slots[event.slot]?.state !== 'claiming') return { state, commands };
			return dispatch({ ...state, slots: withSlot(state.slots, event.slot, { state: 'idle' }) }, commands);
		}
		case 'unit-ended':
			return unitEnded(state, event);
		case 'scored': {
			const slot = state.slots[event.slot];
			if (slot?.state !== 'scoring') return { state, commands };
			if (slot.stopAs) return abandon(state, event.slot, slot.trial, slot.stopAs);
			return decide(state, event.slot, slot.trial, slot.rung, event.value);
		}
		case 'decided':
			return decided(state, event.slot);
		case 'suggested':
			return suggested(state, event.trial, event.problem);
		case 'failed': {
			let next: SchedulerState = {
				...state,
				error: state.error ?? event.message,
				phase: state.phase === 'running' ? 'pausing' : state.phase
			};
			if (event.slot !== undefined && next.slots[event.slot]?.state !== 'idle') {
				next = { ...next, slots: withSlot(next.slots, event.slot, { state: 'idle' }) };
				commands.push({ type: 'release', slot: event.slot });
			}
			return dispatch(next, commands);
		}
		case 'measured':
			return measured(state, event);
		case 'closed':
			return { state: { ...state, phase: 'idle', ending: false }, commands };
	}
}

/** A workload's pair is chosen: its trials can start, and the slot count follows the backends now known. */
function measured(state: SchedulerState, event: Extract<SchedulerEvent, { type: 'measured' }>): Step {
	const slot = state.slots[event.slot];
	if (slot?.state !== 'measuring' || slot.key !== event.key) return { state, commands: [] };
	let next: SchedulerState = {
		...state,
		picks: { ...state.picks, [event.key]: event.outcome },
		slots: withSlot(state.slots, event.slot, { state: 'idle' })
	};
	// Measurements run only while every slot is idle, so the pool can be resized now.
	if (next.slots.every((s) => s.state === 'idle')) {
		const batch = batchOf(next, next.queue);
		const backends = next.queue.map((t) => knownBackend(next, t));
		const workers = next.fixedConcurrency
			? next.slots.length / next.batch
			: slotsFor(backends.length > 0 ? backends : ['auto'], next.hardwareConcurrency);
		const count = workers * batch;
		next = { ...next, batch, slots: Array.from({ length: count }, () => ({ state: 'idle' })) };
	}
	return dispatch(next, []);
}

/** The first queued trial whose workload still needs its `auto` measurement, with its pick. */
function unmeasured(state: SchedulerState) {
	for (const trial of state.queue) {
		const pick = pickOf(state, trial);
		if (pick && !(pick.key in state.picks)) return { trial, ...pick };
	}
	return null;
}

/** Steps of work not started yet: the queue and the suggestions still to come. */
export function pendingSteps(state: SchedulerState): number {
	const queued = state.queue.reduce((sum, t) => sum + t.steps, 0);
	const suggestions = state.suggestions;
	return queued + (suggestions?.open ? suggestions.toCome * suggestions.stepsEach : 0);
}

/** The study's status once a run ended, from its trials as stored then (all of them, or the shard's). */
export function statusAfterRun(end: EndCommand, stored: readonly TrialRecord[]): StudyStatus {
	if (end.cancelled) return 'cancelled';
	const trials = stored.filter((t) => inShard(t.index ?? 0, end.shard ?? undefined));
	// A bayesian study is done when its budget of trials exists and ran, or suggestions ran out.
	const budgetSpent =
		end.budget === null || end.exhausted || trials.filter((t) => !t.branch).length >= end.budget;
	if (budgetSpent && trials.every((t) => TERMINAL.has(t.status))) return 'finished';
	// Trials still running belong to another tab, which will set the final status.
	return trials.some((t) => t.status === 'running') ? 'running' : 'paused';
}

function withSlot(slots: readonly SlotState[], index: number, slot: SlotState): SlotState[] {
	return slots.map((s, i) => (i === index ? slot : s));
}

/**
 * The order in which idle slots get work: with batched trials (`batch` slots per worker, slot i on
 * worker ⌊i / batch⌋) the first slot of every worker, then the second of every worker, and so on, so
 * a study with fewer trials than slots spreads them over every worker (every core) instead of filling
 * one worker's batch while the others idle. Without batching, slot order.
 */
export function slotOrder(count: number, batch: number): number[] {
	const workers = Math.ceil(count / Math.max(1, batch));
	const order: number[] = [];
	for (let j = 0; j < batch; j++) {
		for (let w = 0; w < workers; w++) {
			const index = w * batch + j;
			if (index < count) order.push(index);
		}
	}
	return order;
}

/** Gives idle slots work while the run goes on, and ends the run when nothing is left to do. */
function dispatch(state: SchedulerState, commands: SchedulerCommand[]): Step {
	if (state.phase === 'idle' || state.ending) return { state, commands };
	let next = state;
	const waiting = next.phase === 'running' ? unmeasured(next) : null;
	if (waiting) {
		// A workload needs its measurement: start nothing else until it is done, and start it once no
		// slot works (trials of the study training beside it would slow the candidates unevenly).
		if (next.slots.every((s) => s.state === 'idle')) {
			const { trial, key, engine, backend } = waiting;
			next = { ...next, slots: withSlot(next.slots, 0, { state: 'measuring', key, trial }) };
			commands.push({ type: 'measure', slot: 0, key, trialId: trial.id, engine, backend });
		}
	} else if (next.phase === 'running') {
		for (const index of slotOrder(next.slots.length, next.batch)) {
			if (next.slots[index]?.state !== 'idle') continue;
			const [trial, ...rest] = next.queue;
			if (trial) {
				next = { ...next, queue: rest, slots: withSlot(next.slots, index, { state: 'claiming', trial }) };
				commands.push({ type: 'claim', slot: index, trial });
			} else if (next.suggestions?.open && !next.suggestions.asking) {
				// One suggestion at a time: the other free slots wait for it (it becomes the queue's next trial).
				next = { ...next, suggestions: { ...next.suggestions, asking: true } };
				commands.push({ type: 'suggest' });
			}
		}
	}
	const working = next.slots.some((s) => s.state !== 'idle') || next.suggestions?.asking === true;
	const more = next.phase === 'running' && (next.queue.length > 0 || next.suggestions?.open === true);
	if (working || more) return { state: next, commands };
	commands.push({
		type: 'end',
		studyId: next.studyId ?? '',
		cancelled: next.phase === 'cancelling',
		shard: next.shard,
		budget: next.suggestions?.budget ?? null,
		exhausted: next.suggestions?.exhausted ?? false
	});
	return { state: { ...next, ending: true }, commands };
}

function cancel(state: SchedulerState): Step {
	if (state.phase === 'idle' || state.ending) return { state, commands: [] };
	const commands: SchedulerCommand[] = state.queue.map((t) => ({
		type: 'cancel-unstarted',
		trialId: t.id,
		reason: 'cancelled with the study'
	}));
	state.slots.forEach((slot, index) => {
		if (slot.state === 'busy') commands.push({ type: 'stop', slot: index, pause: false });
	});
	const next: SchedulerState = {
		...state,
		phase: 'cancelling',
		queue: [],
		done: state.done + state.queue.length,
		suggestions: state.suggestions && { ...state.suggestions, open: false, toCome: 0 }
	};
	return dispatch(next, commands);
}

/** Pauses or cancels one trial: stops it where it runs here, or (cancel) takes it out of the queue. */
function stopTrial(state: SchedulerState, trialId: string, pause: boolean): Step {
	const running = state.slots.findIndex(
		(s) => s.state === 'busy' && s.unit.kind === 'trial' && s.unit.trial.id === trialId
	);
	if (running >= 0) return { state, commands: [{ type: 'stop', slot: running, pause }] };
	// Held between stretches (successive halving): let it go once its rung's scoring is over.
	const held = state.slots.findIndex(
		(s) => (s.state === 'busy' || s.state === 'scoring' || s.state === 'deciding') && s.trial.id === trialId
	);
	if (held >= 0) {
		const slot = state.slots[held]! as Extract<SlotState, { stopAs?: StopAs }>;
		const next = {
			...state,
			slots: withSlot(state.slots, held, { ...slot, stopAs: pause ? 'pause' : 'cancel' })
		};
		// A rung's cooldown branch is stopped at once; its parent is then let go, not scored.
		const commands: SchedulerCommand[] =
			slot.state === 'busy' ? [{ type: 'stop', slot: held, pause: false }] : [];
		return { state: next, commands };
	}
	const queued = state.queue.findIndex((t) => t.id === trialId);
	if (pause || queued < 0) return { state, commands: [] };
	const next: SchedulerState = {
		...state,
		queue: state.queue.filter((_, i) => i !== queued),
		done: state.done + 1
	};
	const reason = 'cancelled by the user before it started';
	return dispatch(next, [{ type: 'cancel-unstarted', trialId, reason }]);
}

function claimed(state: SchedulerState, index: number, resumeStep: number): Step {
	const slot = state.slots[index];
	if (slot?.state !== 'claiming') return { state, commands: [] };
	const { trial } = slot;
	if (state.phase === 'running') {
		const halving = state.halving;
		if (!halving) return trainStretch(state, index, trial, undefined);
		// Cut off while being scored at a rung: score it there first; else train to its next rung.
		const action = nextRungAction(halving.rungs, halving.decided[trial.id] ?? [], resumeStep);
		if (action.kind === 'score') return score(state, index, trial, action.rung);
		return trainStretch(state, index, trial, action.kind === 'train' ? action.rung : undefined);
	}
	// Paused or cancelled while the lock was being taken: the trial does not start.
	const commands: SchedulerCommand[] = [{ type: 'release', slot: index }];
	let next: SchedulerState = { ...state, slots: withSlot(state.slots, index, { state: 'idle' }) };
	if (state.phase === 'cancelling') {
		commands.push({ type: 'cancel-unstarted', trialId: trial.id, reason: 'cancelled with the study' });
		next = { ...next, done: next.done + 1 };
	} else {
		next = { ...next, queue: [trial, ...next.queue] };
	}
	return dispatch(next, commands);
}

/** Trains the claimed trial on the slot: to rung `rung` (successive halving), or to its end. */
function trainStretch(
	state: SchedulerState,
	index: number,
	trial: QueuedTrial,
	rung: number | undefined
): Step {
	const untilStep = rung === undefined ? undefined : state.halving?.rungs[rung];
	const unit: WorkUnit =
		untilStep === undefined ? { kind: 'trial', trial } : { kind: 'trial', trial, untilStep };
	const busy: SlotState = { state: 'busy', trial, unit, branches: [] };
	if (untilStep !== undefined) busy.rung = rung;
	const next = { ...state, slots: withSlot(state.slots, index, busy) };
	// A workload measured for `auto` trains on its chosen pair; otherwise the run's forced choices.
	const pick = pickOf(state, trial);
	const outcome = pick ? state.picks[pick.key] : undefined;
	const pair = outcome && 'pair' in outcome ? outcome.pair : null;
	const command: SchedulerCommand = {
		type: 'run',
		slot: index,
		unit,
		backend: pair?.backend ?? state.backend,
		engine: pair?.engine ?? state.engine
	};
	return { state: next, commands: [command] };
}

/** Scores the claimed trial at rung `rung`: a cooldown branch from its checkpoint there, or its own evaluation. */
function score(state: SchedulerState, index: number, trial: QueuedTrial, rung: number): Step {
	const halving = state.halving!;
	const step = halving.rungs[rung]!;
	if (halving.option.cooldownSteps === 0) {
		const scoring: SlotState = { state: 'scoring', trial, rung };
		return {
			state: { ...state, slots: withSlot(state.slots, index, scoring) },
			commands: [{ type: 'score', slot: index, trialId: trial.id, step, metric: halving.metric }]
		};
	}
	const spec: BranchPoint = {
		fromStep: step,
		length: halving.option.cooldownSteps,
		shape: RUNG_COOLDOWN_SHAPE,
		finalFraction: 0
	};
	const unit: WorkUnit = { kind: 'branch', parentId: trial.id, spec, rung };
	const busy: SlotState = { state: 'busy', trial, unit, branches: [], rung };
	return {
		state: { ...state, slots: withSlot(state.slots, index, busy) },
		// Like the automatic branches, it trains on the pair its parent trained on.
		commands: [{ type: 'run', slot: index, unit, backend: null, engine: null }]
	};
}

/** Decides the trial's arrival at a rung with `value` and stores the decision before acting on it. */
function decide(state: SchedulerState, index: number, trial: QueuedTrial, rung: number, value: number): Step {
	const halving = state.halving!;
	if (state.phase === 'cancelling') return abandon(state, index, trial);
	const step = halving.rungs[rung]!;
	const { table, decision } = decideAtRung(halving.table, {
		rung,
		step,
		score: value,
		eta: halving.option.eta,
		goal: halving.goal,
		// The adapter stamps the time when it stores the decision (this state machine reads no clock).
		now: 0
	});
	const decided = { ...halving.decided, [trial.id]: [...(halving.decided[trial.id] ?? []), decision] };
	const deciding: SlotState = { state: 'deciding', trial, decision };
	const next: SchedulerState = {
		...state,
		halving: { ...halving, table, decided },
		slots: withSlot(state.slots, index, deciding)
	};
	const stopReason = decision.promoted ? null : stoppedReason(decision, halving.option, halving.metric);
	return {
		state: next,
		commands: [{ type: 'decide', slot: index, trialId: trial.id, decision, stopReason }]
	};
}

/** A rung decision is stored: the trial goes on to its next rung (or its end), or it stopped. */
function decided(state: SchedulerState, index: number): Step {
	const slot = state.slots[index];
	if (slot?.state !== 'deciding' || !state.halving) return { state, commands: [] };
	const { trial, decision } = slot;
	// A stop decided by the rung stands (it is stored); a trial that went on is let go as the user asked.
	if (decision.promoted && slot.stopAs) return abandon(state, index, trial, slot.stopAs);
	if (!decision.promoted) {
		const next = { ...state, done: state.done + 1, slots: withSlot(state.slots, index, { state: 'idle' }) };
		return dispatch(next, [{ type: 'release', slot: index }]);
	}
	if (state.phase !== 'running') return abandon(state, index, trial);
	const action = nextRungAction(state.halving.rungs, state.halving.decided[trial.id] ?? [], decision.step);
	return trainStretch(state, index, trial, action.kind === 'train' ? action.rung : undefined);
}

/**
 * Lets go of a trial held between its stretches (stored as queued) when the run pauses or is cancelled:
 * a pause leaves it queued for the next run; a cancel marks it cancelled.
 */
function abandon(state: SchedulerState, index: number, trial: QueuedTrial, stopAs?: StopAs): Step {
	const commands: SchedulerCommand[] = [{ type: 'release', slot: index }];
	let next: SchedulerState = { ...state, slots: withSlot(state.slots, index, { state: 'idle' }) };
	if (state.phase === 'cancelling' || stopAs === 'cancel') {
		const reason = stopAs === 'cancel' ? 'cancelled by the user at a rung' : 'cancelled with the study';
		commands.push({ type: 'cancel-unstarted', trialId: trial.id, reason });
		next = { ...next, done: next.done + 1 };
	}
	return dispatch(next, commands);
}

function unitEnded(state: SchedulerState, event: Extract<SchedulerEvent, { type: 'unit-ended' }>): Step {
	const slot = state.slots[event.slot];
	if (slot?.state !== 'busy') return { state, commands: [] };
	if (slot.rung !== undefined && state.halving) {
		if (slot.unit.kind === 'branch' && slot.stopAs)
			return abandon(state, event.slot, slot.trial, slot.stopAs);
		if (slot.unit.kind === 'branch') {
			// A branch that diverged or failed gives no score: the trial stops (scoreBetter ranks NaN last).
			const value = event.status === 'completed' ? (event.value ?? Number.NaN) : Number.NaN;
			return decide(state, event.slot, slot.trial, slot.rung, value);
		}
		if (event.reached && !event.storageFull) {
			if (state.phase !== 'running') return abandon(state, event.slot, slot.trial);
			return score(state, event.slot, slot.trial, slot.rung);
		}
	}
	let next = state;
	let branches = slot.branches;
	if (slot.unit.kind === 'trial') {
		// Paused trials (back to queued) are not done; completed, infeasible (diverged), failed (a crashed
		// worker too) and cancelled ones are.
		if (TERMINAL.has(event.status)) next = { ...next, done: next.done + 1 };
		const option = next.cooldownBranches;
		if (
			event.status === 'completed' &&
			!event.storageFull &&
			option &&
			branchesApply(option, slot.trial.params)
		) {
			const steps = slot.trial.steps;
			branches = branchSteps(option, steps)
				.filter((fromStep) => event.checkpointSteps.includes(fromStep))
				.map((fromStep) => ({
					fromStep,
					length: branchLength(option, steps, fromStep),
					shape: option.shape,
					finalFraction: option.finalFraction ?? 0
				}));
		}
	}
	// A full disk pauses the whole study: every other trial would hit it too.
	if (event.storageFull && next.phase === 'running') next = { ...next, phase: 'pausing' };
	const [branch, ...later] = branches;
	if (branch && next.phase === 'running') {
		const unit: WorkUnit = { kind: 'branch', parentId: slot.trial.id, spec: branch };
		const busy: SlotState = { state: 'busy', trial: slot.trial, unit, branches: later };
		return {
			state: { ...next, slots: withSlot(next.slots, event.slot, busy) },
			commands: [{ type: 'run', slot: event.slot, unit, backend: null, engine: null }]
		};
	}
	next = { ...next, slots: withSlot(next.slots, event.slot, { state: 'idle' }) };
	return dispatch(next, [{ type: 'release', slot: event.slot }]);
}

function suggested(state: SchedulerState, trial: QueuedTrial | null, problem: string | undefined): Step {
	const suggestions = state.suggestions;
	if (!suggestions?.asking) return { state, commands: [] };
	if (!trial) {
		const closed = {
			...suggestions,
			asking: false,
			open: false,
			toCome: 0,
			exhausted: problem !== undefined
		};
		return dispatch({ ...state, suggestions: closed, suggestionProblem: problem ?? null }, []);
	}
	const toCome = Math.max(0, suggestions.toCome - 1);
	const next: SchedulerState = {
		...state,
		suggestions: { ...suggestions, asking: false, toCome, open: suggestions.open && toCome > 0 }
	};
	if (state.phase === 'cancelling') {
		const reason = 'cancelled with the study';
		return dispatch({ ...next, done: next.done + 1 }, [
			{ type: 'cancel-unstarted', trialId: trial.id, reason }
		]);
	}
	// Paused meanwhile: it waits in the queue like the others.
	return dispatch({ ...next, queue: [...next.queue, trial] }, []);
}
