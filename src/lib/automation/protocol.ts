// The protocol between the lab page and `tuning-lab run`, which drives the built app in headless
// Chromium: the global the page defines, what its methods take and answer, and the pure rules both
// sides read the answers by. The page implements it (src/lib/state/automation.ts); the command line
// calls it through Playwright (cli/commands/run.ts). Both import this file, so a change here is a
// change on both sides, checked by the compiler.
//
// Everything crosses as structured-clone data (page.evaluate): plain objects, numbers, strings.
import type { TrialRecord } from '../storage/schema';
import type { Shard } from '../study/shard';
import type { BackendChoice, EngineChoice } from '../study/trial-config';

/** The name of the global the page defines once its database is open (`window.tuningLab`). */
export const AUTOMATION_GLOBAL = 'tuningLab' satisfies keyof Window;

/** How a runStudy call runs the study; unset fields keep the app's choices. */
export interface RunStudyOptions {
	/** Overrides every trial's backend for this run (the trial's stored config is unchanged). */
	backend?: BackendChoice;
	/** Overrides every trial's engine for this run (the trial's stored config is unchanged). */
	engine?: EngineChoice;
	/** How many trials train at once. */
	concurrency?: number;
	/** Run only the trials whose index ≡ shard.index (mod shard.count). */
	shard?: Shard;
	/** Trials trained together per worker (batched trials), over the measured number; 1: one at a time. */
	batch?: number;
}

/** A trial training right now. */
export interface RunningTrialProgress {
	index: number;
	/** The latest step the trial reported; 0, with maxTrainSteps 0, before its first report. */
	step: number;
	maxTrainSteps: number;
	stepsPerSecond: number;
	/** Step of the trial's latest checkpoint that is safely stored (null before the first). */
	saved: number | null;
}

/** A WebGPU adapter as the page describes it (the shape of the trial worker's report of it). */
export interface AdapterDescription {
	vendor: string;
	architecture: string;
	device: string;
	description: string;
	/** A software adapter (SwiftShader and the like): it emulates a GPU on the CPU. */
	isFallback: boolean;
}

/** A trial of the run that reached a final status. */
export interface FinishedTrial {
	index: number;
	status: string;
	reason?: string;
	/** The study objective's best value (absent for a trainLoss objective, kept per step only). */
	best?: number;
	/** The engine and backend it trained on (absent when it never started). */
	engine?: string;
	backend?: string;
	/** The WebGPU adapter it trained on, when its backend was webgpu. */
	adapter?: AdapterDescription;
}

/** One pair `auto` measured for a workload: its speed, or why it could not run. */
export interface MeasuredPair {
	engine: string;
	backend: string;
	stepsPerSecond?: number;
	error?: string;
}

/** What `auto` chose for one workload of the study, and the measurement it chose from. */
export interface AutoPick {
	/** The workload as the probe names it (model, dataset, size, batch). */
	workload: string;
	engine: string;
	backend: string;
	/** Every pair measured, in the order measured (empty when the study kept a pick without its probe). */
	measured: MeasuredPair[];
}

/** A trial of the run that started from a stored checkpoint instead of step 0, and that step. */
export interface ContinuedTrial {
	index: number;
	fromStep: number;
}

/** The run's progress as read at one moment (the command line samples it). */
export interface AutomationProgress {
	/** Trials of this run (its shard) and how many of them reached a final status. */
	total: number;
	done: number;
	running: RunningTrialProgress[];
	/** Seconds left, from the running trials' current speed; null before any speed is known. */
	etaSeconds: number | null;
	/** Every trial of this run that reached a final status so far, by index. */
	finished: FinishedTrial[];
}

export interface TuningLabAutomation {
	/** Imports (or finds, to resume) the study in `fileText`, runs it, and answers its export. */
	runStudy(fileText: string, options?: RunStudyOptions): Promise<string>;
	/** The running study's progress; null when no runStudy is running. */
	progress(): AutomationProgress | null;
	/** Ids of the trials this tab has started training since it loaded (other tabs' trials excluded). */
	trainedHere(): string[];
	/** Whether the last runStudy continued an unfinished run of the same study in this profile. */
	resumed(): boolean;
	/**
	 * The trials the last (or running) runStudy started from a stored checkpoint, in the order they
	 * started. Kept for the whole run, so a poller sees each one even if it trained between two polls.
	 */
	continued(): ContinuedTrial[];
	/** What `auto` picked for each workload of the last (or running) runStudy so far. */
	picks(): AutoPick[];
}

declare global {
	interface Window {
		tuningLab?: TuningLabAutomation;
	}
}

/**
 * The step a trial that is starting to train continues from: its latest stored checkpoint, as the
 * trial client resumes it (the trial's list of checkpoints and the checkpoints themselves change in
 * one transaction, so the list says exactly which one that is); null when it starts from step 0.
 */
export function continuedFromStep(trial: TrialRecord): number | null {
	const steps = trial.checkpointPolicy ? (trial.checkpoints ?? []).map((c) => c.step) : [];
	return steps.length === 0 ? null : Math.max(...steps);
}
