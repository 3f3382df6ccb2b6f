// The glue between the Procedures page and the lab: each procedure builds a normal study (validated like
// a study file), stores it through the lab, runs it on the lab's study runner, and reads its results
// back from the database. What a procedure leaves behind is an ordinary study: listed on the first page,
// exportable, analysable; reopening it here recomputes the same table.
import { listStudyTrials, putStudy, getStudy } from '$lib/storage/studies';
import { putTrial } from '$lib/storage/trials';
import type { StudyRecord, TrialRecord } from '$lib/storage/schema';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import type { Study } from '$lib/study/study';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';
import { defaultChoice, trialValue } from '$lib/analysis/objective';
import {
	probeOptionProblems,
	probeRows,
	probeStudy,
	suggestBatchSize,
	type ProbeOptions,
	type ProbeRow,
	type ProbeSuggestion
} from '$lib/procedures/throughput';
import {
	MAX_SEEDS,
	MIN_SEEDS,
	summarizeSample,
	varianceStudy,
	type SampleSummary
} from '$lib/procedures/trial-variance';
import type { RunOptions } from '$lib/runner/study-runner.svelte';
import type { LabState } from './lab.svelte';
import { errorMessage } from '$lib/util/error-message';

export type ProcedurePhase = 'idle' | 'running' | 'done' | 'failed';

/** One procedure's run as the page shows it: phase, the study it made, and what went wrong. */
export class ProcedureRun {
	phase = $state<ProcedurePhase>('idle');
	studyId = $state<string | null>(null);
	error = $state<string | null>(null);
	/** Problems that kept the study from being created (each in words). */
	problems = $state<string[]>([]);

	get running(): boolean {
		return this.phase === 'running';
	}

	/** Whether this run's study is the one the lab's study runner is running now. */
	runningIn(lab: LabState): boolean {
		return this.running && lab.runner.studyId === this.studyId;
	}

	/** Runs `work`, recording failures instead of throwing, so the page (and the lab) keep working. */
	async track<T>(work: () => Promise<T>): Promise<T | null> {
		this.phase = 'running';
		this.error = null;
		this.problems = [];
		try {
			const value = await work();
			this.phase = 'done';
			return value;
		} catch (error) {
			this.phase = 'failed';
			this.error = errorMessage(error);
			return null;
		}
	}

	/** Reads an earlier run's result back (`load`), then shows `studyId` as this run's study. */
	async reopen<T>(studyId: string | null, load: () => Promise<T>): Promise<T | null> {
		return this.track(async () => {
			const value = await load();
			this.studyId = studyId;
			return value;
		});
	}
}

/** Why a procedure cannot start now, or null when it can. */
export function busyReason(lab: LabState): string | null {
	if (lab.runner.busy) return 'A study is already running in this tab: wait for it, or pause it, first.';
	return null;
}

/** Throws (so `run.track` records it) when the lab's study runner is taken. */
export function ensureIdle(lab: LabState): void {
	const busy = busyReason(lab);
	if (busy) throw new Error(busy);
}

export class InvalidStudy extends Error {
	constructor(readonly problems: string[]) {
		super(`the procedure's study is not valid: ${problems.join('; ')}`);
	}
}

/** What keeps a generated study from passing as a study file (each in words); empty when it passes. */
export function studyFileProblems(definition: Study): string[] {
	const parsed = parseStudyFile(serializeStudy(definition));
	return parsed.ok ? [] : parsed.errors.map(inWords);
}

/** Checks the generated study exactly as a study file is checked, then stores it as a draft. */
export async function addValidated(lab: LabState, definition: Study): Promise<StudyRecord> {
	const parsed = parseStudyFile(serializeStudy(definition));
	if (!parsed.ok) throw new InvalidStudy(parsed.errors.map(inWords));
	return lab.addStudy(parsed.study, { imported: false });
}

const inWords = (error: { path: string; message: string }) => `${error.path}: ${error.message}`;

/** Shows a generated study's problems on the procedure's run, then rethrows. */
export function problemsOf(run: ProcedureRun, error: unknown): never {
	if (error instanceof InvalidStudy) run.problems = error.problems;
	throw error;
}

/** Stops the procedure, listing `problems` on its run, when there are any. */
export function stopOnProblems(run: ProcedureRun, problems: string[]): void {
	if (problems.length > 0) problemsOf(run, new InvalidStudy(problems));
}

/** `addValidated`, with a rejected study's problems listed on the procedure's run. */
export function addChecked(lab: LabState, run: ProcedureRun, definition: Study): Promise<StudyRecord> {
	return addValidated(lab, definition).catch((error: unknown) => problemsOf(run, error));
}

/** Stores the generated study, makes it the run's study, and runs it on the lab's study runner. */
export async function addAndRun(
	lab: LabState,
	run: ProcedureRun,
	definition: Study,
	options: RunOptions
): Promise<StudyRecord> {
	const study = await addChecked(lab, run, definition);
	run.studyId = study.id;
	await lab.runStudy(study.id, options);
	return study;
}

/** The stored study with this id, or an error naming the id. */
export async function requireStudy(lab: LabState, studyId: string): Promise<StudyRecord> {
	const study = await getStudy(lab.db, studyId);
	if (!study) throw new Error(`there is no study with id “${studyId}” in this browser`);
	return study;
}

export interface ProbeResult {
	study: StudyRecord;
	rows: ProbeRow[];
	suggestion: ProbeSuggestion;
}

/**
 * Runs the throughput probe for `config`: one trial per batch size, one at a time (two trials sharing
 * the CPU or GPU would each measure half a machine). The first trial that fails (out of memory, a
 * backend error) ends the probe: larger sizes would only fail the same way, so they are marked
 * cancelled with the reason, and the study ends finished.
 */
export async function runThroughputProbe(
	lab: LabState,
	config: TrialConfig,
	options: ProbeOptions,
	run: ProcedureRun
): Promise<ProbeResult | null> {
	return run.track(async () => {
		stopOnProblems(run, probeOptionProblems(options));
		ensureIdle(lab);
		const study = await addChecked(lab, run, probeStudy(config, options));
		run.studyId = study.id;
		let failed: TrialRecord | null = null;
		const off = lab.onTrial((trial) => {
			if (trial.studyId !== study.id || trial.branch || trial.status !== 'failed' || failed) return;
			failed = trial;
			lab.runner.pause();
		});
		try {
			await lab.runStudy(study.id, { concurrency: 1, backend: options.backend });
		} finally {
			off();
		}
		const stoppedBy = failed as TrialRecord | null;
		if (stoppedBy) await closeAfterFailure(lab, study.id, stoppedBy);
		return loadProbe(lab, study.id);
	});
}

/** Marks the sizes left in the queue cancelled (saying why) and the study finished. */
async function closeAfterFailure(lab: LabState, studyId: string, failed: TrialRecord): Promise<void> {
	const size = failed.config.batchSize;
	for (const trial of await listStudyTrials(lab.db, studyId)) {
		if (trial.status !== 'queued') continue;
		await putTrial(lab.db, {
			...trial,
			status: 'cancelled',
			reason: `not run: the probe stops at the first batch size that fails (batch ${size})`,
			updatedAt: Date.now()
		});
	}
	const record = await getStudy(lab.db, studyId);
	if (!record) return;
	const finished: StudyRecord = { ...record, status: 'finished', updatedAt: Date.now() };
	await putStudy(lab.db, finished);
	lab.upsertStudy(finished);
}

/** The probe table of a stored study (a probe run now or earlier). */
export async function loadProbe(lab: LabState, studyId: string): Promise<ProbeResult> {
	const study = await requireStudy(lab, studyId);
	const trials = await studyTrials(lab, studyId);
	const rows = probeRows(
		trials.map((t) => ({
			batchSize: t.config.batchSize,
			status: t.status,
			reason: t.reason,
			throughput: t.throughput
		}))
	);
	return { study, rows, suggestion: suggestBatchSize(rows) };
}

export interface SeedResult {
	index: number;
	seed: number;
	status: string;
	reason?: string;
	/** The objective reduced by its best value over training; null when the trial logged none. */
	value: number | null;
	step: number | null;
}

export interface VarianceResult {
	study: StudyRecord;
	metric: string;
	goal: 'minimize' | 'maximize';
	seeds: SeedResult[];
	/** Over the seeds that have a value (diverged or failed seeds are listed, not averaged). */
	summary: SampleSummary | null;
}

/**
 * Re-runs trial `index` of study `sourceId` with `n` seeds as a new study and returns its spread. Runs
 * on the lab's study runner with its usual concurrency (only the values matter here, not the speed).
 */
export async function runTrialVariance(
	lab: LabState,
	sourceId: string,
	index: number,
	n: number,
	backend: BackendChoice | undefined,
	run: ProcedureRun
): Promise<VarianceResult | null> {
	return run.track(async () => {
		if (!Number.isInteger(n) || n < MIN_SEEDS || n > MAX_SEEDS)
			stopOnProblems(run, [`the number of seeds must be a whole number from ${MIN_SEEDS} to ${MAX_SEEDS}`]);
		ensureIdle(lab);
		const source = await requireStudy(lab, sourceId);
		const trial = (await studyTrials(lab, sourceId)).find((t) => t.index === index);
		if (!trial) throw new Error(`study “${source.definition.name}” has no trial ${index}`);
		const definition = varianceStudy(
			{
				studyName: source.definition.name,
				index,
				config: trial.config,
				budget: source.definition.budget,
				objective: source.definition.objective
			},
			n,
			backend
		);
		const study = await addAndRun(lab, run, definition, backend ? { backend } : {});
		return loadVariance(lab, study.id);
	});
}

/** Mean ± sd of a stored seeds study's objective (best over training, as the analysis page reads it). */
export async function loadVariance(lab: LabState, studyId: string): Promise<VarianceResult> {
	const withResults = await lab.studyWithResults(studyId);
	const study = await requireStudy(lab, studyId);
	const choice = defaultChoice(withResults);
	const seeds: SeedResult[] = withResults.trials.map((t) => {
		const value = t.status === 'completed' ? trialValue(t, choice) : null;
		const out: SeedResult = {
			index: t.index,
			seed: t.config.seed,
			status: t.status,
			value: value?.value ?? null,
			step: value?.step ?? null
		};
		if (t.reason) out.reason = t.reason;
		return out;
	});
	const values = seeds.flatMap((s) => (s.value === null ? [] : [s.value]));
	return {
		study,
		metric: choice.metric,
		goal: withResults.objective.goal,
		seeds,
		summary: values.length > 0 ? summarizeSample(values) : null
	};
}

/** Every trial of a study (no branches), for the trial picker. */
export async function studyTrials(lab: LabState, studyId: string): Promise<TrialRecord[]> {
	return (await listStudyTrials(lab.db, studyId)).filter((t) => !t.branch);
}
