// Glue of the second set of procedures (maxTrainSteps sweep, early-instability check, warmup, round 1 →
// round 2) between the Procedures page and the lab, on the pattern of procedures.svelte.ts: each builds
// normal studies with a pure builder (src/lib/procedures/), checks them exactly as a study file is
// checked, stores them through the lab, runs them on the lab's study runner, and reads results back from
// the database. What they leave behind are ordinary studies.
import type { StudyRecord } from '$lib/storage/schema';
import type { Objective, Study, TrialRecord } from '$lib/study/study';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';
import { metricPoints } from '$lib/analysis/objective';
import type { MetricBatch } from '$lib/study/metrics';
import {
	readTrainSteps,
	trainStepsOptionProblems,
	trainStepsStudy,
	type TrainStepsOptions,
	type TrainStepsReading
} from '$lib/procedures/train-steps';
import {
	earlyInstabilityStudy,
	earlyOptionProblems,
	lossInstability,
	type EarlyOptions,
	type Instability,
	type RawPoint
} from '$lib/procedures/early-instability';
import {
	planWarmups,
	readWarmups,
	warmupStudy,
	type WarmupOptions,
	type WarmupReading,
	type WarmupRun
} from '$lib/procedures/warmup';
import {
	cooldownBranchStudy,
	factorProblems,
	pickBestTrial,
	roundTwoStudy,
	type RoundTwoSource
} from '$lib/procedures/round-two';
import {
	addAndRun,
	addChecked,
	ensureIdle,
	requireStudy,
	stopOnProblems,
	studyFileProblems,
	type ProcedureRun
} from './procedures.svelte';
import type { LabState } from './lab.svelte';

/** A study with its trials' metrics (branches left out), or an error naming the id. */
async function withResults(lab: LabState, studyId: string): Promise<{ record: StudyRecord; study: Study }> {
	const record = await requireStudy(lab, studyId);
	return { record, study: await lab.studyWithResults(studyId) };
}

/** The best completed trial of a study by its own objective (best value over training). */
export async function bestTrialOf(
	lab: LabState,
	studyId: string
): Promise<{ record: StudyRecord; trial: TrialRecord } | null> {
	const { record, study } = await withResults(lab, studyId);
	const trial = pickBestTrial(study, study.trials);
	return trial ? { record, trial } : null;
}

/** `bestTrialOf`, as an error when the study has no such trial. */
export async function requireBestTrial(
	lab: LabState,
	studyId: string
): Promise<{ record: StudyRecord; trial: TrialRecord }> {
	const best = await bestTrialOf(lab, studyId);
	if (!best) throw new Error('that study has no completed trial with a value of its objective');
	return best;
}

// ——— Picking maxTrainSteps ———

export interface TrainStepsResult {
	study: StudyRecord;
	reading: TrainStepsReading;
}

export async function runTrainSteps(
	lab: LabState,
	config: TrialConfig,
	options: TrainStepsOptions,
	targetFraction: number,
	run: ProcedureRun
): Promise<TrainStepsResult | null> {
	return run.track(async () => {
		stopOnProblems(run, trainStepsOptionProblems(options));
		ensureIdle(lab);
		const study = await addAndRun(lab, run, trainStepsStudy(config, options), { backend: options.backend });
		return loadTrainSteps(lab, study.id, targetFraction);
	});
}

export async function loadTrainSteps(
	lab: LabState,
	studyId: string,
	targetFraction: number
): Promise<TrainStepsResult> {
	const { record, study } = await withResults(lab, studyId);
	const trials = study.trials.map((t) => ({
		index: t.index,
		learningRate: t.config.learningRate,
		status: t.status,
		trainLoss: t.metrics ? metricPoints(t.metrics, 'trainLoss') : []
	}));
	return { study: record, reading: readTrainSteps(trials, targetFraction) };
}

// ——— Early instability ———

export interface EarlyResult {
	study: StudyRecord;
	status: string;
	valLoss: RawPoint[];
	trainLoss: RawPoint[];
	instability: Instability;
}

/** Validation loss of every evaluation and the training loss of every step, NaN and infinity kept as null. */
function rawCurves(metrics: MetricBatch | undefined): { valLoss: RawPoint[]; trainLoss: RawPoint[] } {
	if (!metrics) return { valLoss: [], trainLoss: [] };
	const finite = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
	return {
		valLoss: metrics.evals.map((row) => ({ step: row.step, value: finite(row.valLoss) })),
		trainLoss: metrics.train.step.map((step, i) => ({ step, value: finite(metrics.train.loss[i]) }))
	};
}

export async function runEarlyInstability(
	lab: LabState,
	sourceId: string,
	options: EarlyOptions,
	run: ProcedureRun
): Promise<EarlyResult | null> {
	return run.track(async () => {
		ensureIdle(lab);
		const best = await requireBestTrial(lab, sourceId);
		stopOnProblems(run, earlyOptionProblems(options, best.trial));
		const definition = earlyInstabilityStudy(
			{
				studyName: best.record.definition.name,
				index: best.trial.index,
				config: best.trial.config,
				objective: best.record.definition.objective
			},
			options
		);
		const study = await addAndRun(lab, run, definition, { backend: options.backend });
		return loadEarly(lab, study.id);
	});
}

export async function loadEarly(lab: LabState, studyId: string): Promise<EarlyResult> {
	const { record, study } = await withResults(lab, studyId);
	const trial = study.trials[0];
	const curves = rawCurves(trial?.metrics);
	const instability: Instability =
		trial?.status === 'infeasible' && lossInstability(curves.valLoss).kind === 'stable'
			? {
					kind: 'diverged',
					step: null,
					before: null,
					peak: null,
					text: `The run was stopped as infeasible: ${trial.reason ?? 'the loss diverged'}.`
				}
			: lossInstability(curves.valLoss);
	return { study: record, status: trial?.status ?? 'queued', ...curves, instability };
}

// ——— Warmup ———

export interface WarmupResult {
	studies: StudyRecord[];
	reading: WarmupReading;
}

/**
 * Runs the planned warmups shortest first, one study each, and stops at the first that trains stably:
 * the longer ones could only confirm what is already known.
 */
export async function runWarmups(
	lab: LabState,
	config: TrialConfig,
	options: WarmupOptions,
	objective: Objective | undefined,
	run: ProcedureRun
): Promise<WarmupResult | null> {
	return run.track(async () => {
		const plan = planWarmups(options);
		stopOnProblems(run, plan.problems);
		ensureIdle(lab);
		const studies: StudyRecord[] = [];
		const runs: WarmupRun[] = [];
		for (const planned of plan.runs) {
			const definition = warmupStudy(config, options, planned.warmupSteps, objective);
			const study = await addAndRun(lab, run, definition, { backend: options.backend });
			studies.push(study);
			const result = await warmupRun(lab, study.id, planned.warmupSteps);
			runs.push(result);
			if (readWarmups([result], options.intendedMaxTrainSteps).shortest !== null) break;
			if (result.status === 'queued' || result.status === 'running') break; // paused by the user
		}
		return { studies, reading: readWarmups(runs, options.intendedMaxTrainSteps) };
	});
}

/** An earlier run of the procedure, from its studies (as `warmupRunGroups` found them), read again. */
export async function loadWarmups(
	lab: LabState,
	studyIds: readonly string[],
	intendedMaxTrainSteps: number
): Promise<WarmupResult> {
	const studies: StudyRecord[] = [];
	const runs: WarmupRun[] = [];
	for (const id of studyIds) {
		const record = await requireStudy(lab, id);
		studies.push(record);
		runs.push(await warmupRun(lab, id, record.definition.fixed.warmupSteps ?? 0));
	}
	return { studies, reading: readWarmups(runs, intendedMaxTrainSteps) };
}

async function warmupRun(lab: LabState, studyId: string, warmupSteps: number): Promise<WarmupRun> {
	const { study } = await withResults(lab, studyId);
	const trial = study.trials[0];
	const out: WarmupRun = {
		warmupSteps,
		status: trial?.status ?? 'queued',
		valLoss: rawCurves(trial?.metrics).valLoss
	};
	if (trial?.reason) out.reason = trial.reason;
	return out;
}

// ——— Round 1 → Round 2 ———

export interface RoundTwoResult {
	source: { study: StudyRecord; trial: TrialRecord };
	studies: StudyRecord[];
}

/**
 * Creates (does not run) the round-2 studies of the best trial of `sourceId`: one longer run per factor
 * and, when `branches` is set, one constant-rate run of the largest factor with cooldown branches.
 */
export async function createRoundTwo(
	lab: LabState,
	sourceId: string,
	factors: number[],
	branches: boolean,
	backend: BackendChoice | undefined,
	run: ProcedureRun
): Promise<RoundTwoResult | null> {
	return run.track(async () => {
		stopOnProblems(
			run,
			factors.length === 0 ? ['give at least one length factor'] : factors.flatMap(factorProblems)
		);
		const best = await requireBestTrial(lab, sourceId);
		const source: RoundTwoSource = {
			studyName: best.record.definition.name,
			index: best.trial.index,
			config: best.trial.config,
			budget: best.record.definition.budget,
			objective: best.record.definition.objective
		};
		const definitions = factors.map((f) => roundTwoStudy(source, f, backend));
		if (branches) definitions.push(cooldownBranchStudy(source, Math.max(...factors), backend));
		// Validate all before storing any, so a bad factor leaves nothing half made.
		for (const d of definitions)
			stopOnProblems(
				run,
				studyFileProblems(d).map((problem) => `${d.name}: ${problem}`)
			);
		const studies: StudyRecord[] = [];
		for (const d of definitions) studies.push(await addChecked(lab, run, d));
		run.studyId = studies[0]?.id ?? null;
		return { source: { study: best.record, trial: best.trial }, studies };
	});
}
