// window.tuningLab: the page's side of the automation protocol (src/lib/automation/protocol.ts) that
// `tuning-lab run` drives in headless Chromium. It calls the same code the pages use (import, runner,
// export), so a headless run is a UI run without the clicks.
import {
	AUTOMATION_GLOBAL,
	continuedFromStep,
	type ContinuedTrial,
	type FinishedTrial
} from '$lib/automation/protocol';
import { inShard } from '$lib/study/shard';
import type { LabState } from './lab.svelte';
import { toRow } from '../analysis/trial-table';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { sha256 } from './lab.svelte';

export function installAutomation(lab: LabState): void {
	let finished: FinishedTrial[] = [];
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

	window[AUTOMATION_GLOBAL] = {
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
