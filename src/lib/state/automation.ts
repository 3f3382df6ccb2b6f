// window.tuningLab: the page's side of the automation protocol (src/lib/automation/protocol.ts) that
// `tuning-lab run` drives in headless Chromium. It calls the same code the pages use (import, runner,
// export), so a headless run is a UI run without the clicks.
import {
	AUTOMATION_GLOBAL,
	continuedFromStep,
	type AutomationProgress,
	type AutoPick,
	type ContinuedTrial,
	type FinishedTrial,
	type RunStudyOptions
} from '$lib/automation/protocol';
import { inShard } from '$lib/study/shard';
import type { LabState, TrialRecord } from './lab.svelte';
import { toRow } from '../analysis/trial-table';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { sha256Hex } from '$lib/util/sha256';

/** The page's side of `window.tuningLab`: what this tab's runs started, continued and finished. */
export class PageAutomation {
	private finished: FinishedTrial[] = [];
	private active = false;
	private objective: 'valLoss' | 'valAccuracy' | 'trainLoss' = 'valLoss';
	private readonly trained: string[] = [];
	private resumedStudy = false;
	private continued: ContinuedTrial[] = [];
	/** Trials of the current runStudy seen turning `running`: only their first such change tells where they start. */
	private started = new Set<number>();
	/** The study of the last (or running) runStudy. */
	private studyId: string | null = null;

	constructor(private readonly lab: LabState) {
		lab.onTrial((trial) => {
			// Only this tab's own clients report here, so a trial turning `running` was started by this tab.
			if (trial.status === 'running' && !this.trained.includes(trial.id)) this.trained.push(trial.id);
		});
		lab.onTrial((trial) => this.observe(trial));
	}

	private observe(trial: TrialRecord): void {
		if (!this.active || trial.studyId !== this.lab.runner.studyId || trial.index === undefined) return;
		// A cooldown branch carries its parent's index and starts from the parent's checkpoint: not counted.
		if (trial.status === 'running' && !trial.branch && !this.started.has(trial.index)) {
			// The first change of a run is the record the trial client is about to train, checkpoints as stored.
			this.started.add(trial.index);
			const fromStep = continuedFromStep(trial);
			if (fromStep !== null) this.continued = [...this.continued, { index: trial.index, fromStep }];
		}
		if (trial.status === 'queued' || trial.status === 'running') return;
		const report = trial.backend;
		this.finished = [
			...this.finished.filter((f) => f.index !== trial.index),
			{
				index: trial.index,
				status: trial.status,
				reason: trial.reason,
				best: toRow(trial, this.objective).best,
				...(report ? { engine: report.engine ?? 'tfjs', backend: report.backend } : {}),
				// The adapter matters only where the trial trained on it.
				...(report?.backend === 'webgpu' && report.adapter ? { adapter: { ...report.adapter } } : {})
			}
		];
	}

	/** Runs a study file to its end (or continues its unfinished run) and returns the export of its results. */
	async runStudy(fileText: string, options: RunStudyOptions = {}): Promise<string> {
		const lab = this.lab;
		const parsed = parseStudyFile(fileText);
		if (!parsed.ok) {
			throw new Error(
				`the study file is invalid:\n${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`
			);
		}
		// The same definition run again in the same profile (after a crash or a kill) continues the
		// unfinished study instead of starting over.
		const runKey = await sha256Hex(serializeStudy({ ...parsed.study, trials: [] }));
		const unfinished = lab.studies.find(
			(s) => s.runKey === runKey && s.status !== 'finished' && s.status !== 'cancelled'
		);
		let study = unfinished;
		if (!study) {
			const imported = await lab.importStudyText(fileText);
			if (!imported.ok) throw new Error(`the study file is invalid:\n${imported.errors.join('\n')}`);
			// A file with results is history; running it means running a fresh copy. The person named this
			// very file to run, so its notes are theirs for this run and travel into the copy.
			const fresh = imported.study.imported
				? await lab.cloneStudy(imported.study.id, { copyNotes: true })
				: imported.study;
			study = await lab.setRunKey(fresh.id, runKey);
		}
		this.resumedStudy = unfinished !== undefined;
		this.finished = [];
		this.continued = [];
		this.started = new Set();
		this.objective = study.definition.objective.metric;
		this.studyId = study.id;
		this.active = true;
		try {
			await lab.runStudy(study.id, options);
		} finally {
			this.active = false;
		}
		return lab.exportStudyText(study.id, (index) => inShard(index, options.shard));
	}

	/** The study's `auto` choices so far, one per workload, with the speeds they were chosen from. */
	picks(): AutoPick[] {
		const study = this.lab.studies.find((s) => s.id === this.studyId);
		return Object.entries(study?.enginePicks ?? {}).map(([key, { pair, probe }]) => ({
			workload: probe?.workload ?? key,
			engine: pair.engine,
			backend: pair.backend,
			measured: (probe?.speeds ?? []).map(({ engine, backend, stepsPerSecond, error }) => ({
				engine,
				backend,
				...(stepsPerSecond === undefined ? {} : { stepsPerSecond }),
				...(error === undefined ? {} : { error })
			}))
		}));
	}

	progress(): AutomationProgress | null {
		const runner = this.lab.runner;
		if (!this.active) return null;
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
			finished: [...this.finished].sort((a, b) => a.index - b.index)
		};
	}

	/** Installs `window.tuningLab`, the API `tuning-lab run` drives. */
	install(): void {
		window[AUTOMATION_GLOBAL] = {
			runStudy: (fileText, options = {}) => this.runStudy(fileText, options),
			trainedHere: () => [...this.trained],
			resumed: () => this.resumedStudy,
			continued: () => [...this.continued],
			picks: () => this.picks(),
			progress: () => this.progress()
		};
	}
}
