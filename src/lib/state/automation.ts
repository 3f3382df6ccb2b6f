// window.tuningLab: the small API `tuning-lab run` drives in headless Chromium. It calls the same
// code the pages use (import, runner, export), so a headless run is a UI run without the clicks.
import { inShard, type RunOptions } from '$lib/runner/study-runner.svelte';
import type { LabState } from './lab.svelte';
import type { TrialRecord } from '$lib/storage/schema';
import { toRow } from '../analysis/trial-table';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { sha256 } from './lab.svelte';

export interface AutomationProgress {
	total: number;
	done: number;
	/** `saved`: step of the trial's latest checkpoint that is safely stored (null before the first). */
	running: {
		index: number;
		step: number;
		maxTrainSteps: number;
		stepsPerSecond: number;
		saved: number | null;
	}[];
	etaSeconds: number | null;
	/** `best` is the study objective's best value (absent for a trainLoss objective, kept per step only). */
	finished: { index: number; status: string; reason?: string; best?: number }[];
}

/** A trial of this run that started from a stored checkpoint instead of step 0, and that step. */
export interface ContinuedTrial {
	index: number;
	fromStep: number;
}

/**
 * The step a trial that is starting to train continues from: its latest stored checkpoint, as
 * TrialClient resumes it (the trial's list of checkpoints and the checkpoints themselves change in
 * one transaction, so the list says exactly which one that is); null when it starts from step 0.
 */
export function continuedFromStep(trial: TrialRecord): number | null {
	const steps = trial.checkpointPolicy ? (trial.checkpoints ?? []).map((c) => c.step) : [];
	return steps.length === 0 ? null : Math.max(...steps);
}

export interface TuningLabAutomation {
	runStudy(fileText: string, options?: RunOptions): Promise<string>;
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
}

declare global {
	interface Window {
		tuningLab?: TuningLabAutomation;
	}
}

export function installAutomation(lab: LabState): void {
	let finished: AutomationProgress['finished'] = [];
	let active = false;
	let objective: 'valLoss' | 'valAccuracy' | 'trainLoss' = 'valLoss';
	const trained: string[] = [];
	let resumedStudy = false;
	let continued: ContinuedTrial[] = [];
	/** Trials of the current runStudy seen turning `running`: only their first such change tells where they start. */
	let started = new Set<number>();
	lab.onTrial((trial) => {
		// Only this tab's own clients report here, so a trial turning `running` was started by this tab.
		if (trial.status === 'running' && !trained.includes(trial.id)) trained.push(trial.id);
	});
	lab.onTrial((trial) => {
		if (!active || trial.studyId !== lab.runner.studyId || trial.index === undefined) return;
		// A cooldown branch carries its parent's index and starts from the parent's checkpoint: not counted.
		if (trial.status === 'running' && !trial.branch && !started.has(trial.index)) {
			// The first change of a run is the record the trial client is about to train, checkpoints as stored.
			started.add(trial.index);
			const fromStep = continuedFromStep(trial);
			if (fromStep !== null) continued = [...continued, { index: trial.index, fromStep }];
		}
		if (trial.status === 'queued' || trial.status === 'running') return;
		finished = [
			...finished.filter((f) => f.index !== trial.index),
			{ index: trial.index, status: trial.status, reason: trial.reason, best: toRow(trial, objective).best }
		];
	});

	window.tuningLab = {
		async runStudy(fileText, options = {}) {
			const parsed = parseStudyFile(fileText);
			if (!parsed.ok) {
				throw new Error(
					`the study file is invalid:\n${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`
				);
			}
			// The same definition run again in the same profile (after a crash or a kill) continues the
			// unfinished study instead of starting over.
			const runKey = await sha256(serializeStudy({ ...parsed.study, trials: [] }));
			const unfinished = lab.studies.find(
				(s) => s.runKey === runKey && s.status !== 'finished' && s.status !== 'cancelled'
			);
			let study = unfinished;
			if (!study) {
				const imported = await lab.importStudyText(fileText);
				if (!imported.ok) throw new Error(`the study file is invalid:\n${imported.errors.join('\n')}`);
				// A file with results is history; running it means running a fresh copy.
				const fresh = imported.study.imported ? await lab.cloneStudy(imported.study.id) : imported.study;
				study = await lab.setRunKey(fresh.id, runKey);
			}
			resumedStudy = unfinished !== undefined;
			finished = [];
			continued = [];
			started = new Set();
			objective = study.definition.objective.metric;
			active = true;
			try {
				await lab.runStudy(study.id, options);
			} finally {
				active = false;
			}
			return lab.exportStudyText(study.id, (index) => inShard(index, options.shard));
		},
		trainedHere: () => [...trained],
		resumed: () => resumedStudy,
		continued: () => [...continued],
		progress() {
			const runner = lab.runner;
			if (!active) return null;
			return {
				total: runner.total,
				done: runner.done,
				running: runner.runningTrials.map(
					({ index, step, maxTrainSteps, stepsPerSecond, savedCheckpointStep }) => ({
						index,
						step,
						maxTrainSteps,
						stepsPerSecond,
						saved: savedCheckpointStep
					})
				),
				etaSeconds: runner.etaSeconds,
				finished: [...finished].sort((a, b) => a.index - b.index)
			};
		}
	};
}
