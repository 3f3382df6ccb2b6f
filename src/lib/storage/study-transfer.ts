// Converting between what the database holds (a study record, trial records, metric chunks) and the
// public study file (a Study with its trials' results). Export and import are inverses.
import { planTrials } from '$lib/study/study-trials';
import type { Study, TrialBest, TrialRecord as FileTrial } from '$lib/study/study';
import { summarize, type MetricBatch } from '$lib/study/metrics';
import { bestObjective, withTrainLoss } from '$lib/study/objective';
import type { Objective } from '$lib/study/study';
import { branchesApply, branchSteps, type BranchResult } from '$lib/study/cooldown-branches';
import type { CooldownShape } from '$lib/math/schedules';
import { BACKEND_NAMES, type BackendChoice, type EngineName } from '$lib/study/trial-config';
import { adapterText, type BackendReport } from '$lib/training/backend-report';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { newId } from '$lib/util/new-id';
import { sha256Hex } from '$lib/util/sha256';
import type { LabDb, MetricChunk, StudyRecord, TrialRecord } from './schema';
import { createStudy, findStudyBySourceHash } from './studies';
import { studyFileSizeProblem } from '$lib/study/file-limits';
import { errorMessage } from '$lib/util/error-message';

/** Retrospective selection: the step where the objective was best over training, and its value (objective.ts). */
export function bestByObjective(metrics: MetricBatch, objective: Objective): TrialBest | undefined {
	return bestObjective(metrics, objective);
}

export interface StoredBranch {
	trial: TrialRecord;
	metrics: MetricBatch;
}

function toBranchResult(branch: StoredBranch, objective: Objective): BranchResult {
	const spec = branch.trial.branch!;
	const out: BranchResult = {
		fromStep: spec.fromStep,
		length: spec.length,
		shape: spec.shape,
		finalFraction: spec.finalFraction,
		status: branch.trial.status,
		metrics: branch.metrics
	};
	if (branch.trial.reason) out.reason = branch.trial.reason;
	const best = bestByObjective(branch.metrics, objective);
	if (best) out.best = best;
	return out;
}

export function toFileTrial(
	trial: TrialRecord,
	metrics: MetricBatch,
	objective: Objective,
	branches: StoredBranch[] = []
): FileTrial {
	const out: FileTrial = {
		index: trial.index ?? 0,
		params: trial.params ?? {},
		config: trial.config,
		seed: trial.config.seed,
		status: trial.status,
		metrics
	};
	if (trial.reason) out.reason = trial.reason;
	if (trial.backend) out.backend = trial.backend.backend;
	// Reports from before there were two engines have none (they trained on TF.js); files say so by its absence.
	if (trial.backend?.engine) out.engine = trial.backend.engine;
	// The adapter a trial on webgpu trained on: a software one explains a slow trial (and is no GPU result).
	const adapter = trial.backend?.backend === 'webgpu' ? trial.backend.adapter : null;
	if (adapter)
		out.adapter = { name: adapterText({ ...adapter, isFallback: false }), fallback: adapter.isFallback };
	if (trial.batchId) out.batch = trial.batchId;
	const best = bestByObjective(metrics, objective);
	if (best) out.best = best;
	if (branches.length > 0) out.branches = branches.map((b) => toBranchResult(b, objective));
	if (trial.notes) out.notes = trial.notes;
	if (trial.throughput) out.throughput = trial.throughput;
	if (trial.runs && trial.runs.length > 0) out.runs = trial.runs.map((run) => ({ ...run }));
	if (trial.checkpointAverage) out.checkpointAverage = trial.checkpointAverage;
	return out;
}

/** The study file of a stored study, with every trial's results and branches. */
export function toStudyWithResults(
	record: StudyRecord,
	trials: { trial: TrialRecord; metrics: MetricBatch; branches?: StoredBranch[] }[]
): Study {
	return {
		...record.definition,
		trials: trials.map(({ trial, metrics, branches }) =>
			toFileTrial(trial, metrics, record.definition.objective, branches)
		),
		...(record.conclusion ? { conclusion: record.conclusion } : {}),
		...(record.changedBaseline === undefined ? {} : { changedBaseline: record.changedBaseline })
	};
}

/** A new cooldown-branch trial of `parent` (queued), on the engine and backend the parent ran on. */
export function branchRecord(
	parent: TrialRecord,
	spec: { fromStep: number; length: number; shape: CooldownShape; finalFraction: number },
	now = Date.now()
): TrialRecord {
	return {
		id: newId('branch'),
		createdAt: now,
		updatedAt: now,
		config: {
			...parent.config,
			maxTrainSteps: spec.fromStep + spec.length,
			backend: parent.backend?.backend ?? parent.config.backend,
			...(parent.backend ? { engine: parent.backend.engine ?? 'tfjs' } : {})
		},
		status: 'queued',
		lastStep: spec.fromStep,
		summary: null,
		index: parent.index,
		branch: { parentId: parent.id, ...spec, baseTotalSteps: parent.config.maxTrainSteps }
	};
}

/**
 * Files record the backend's and engine's names, and for webgpu the adapter's names in one string
 * (kept as its description, so it is written back the same). A file without an engine was written when
 * TF.js was the only one (and is written back so).
 */
function importedBackend(
	name: string | undefined,
	requested: BackendChoice,
	engine: EngineName | undefined,
	adapter: FileTrial['adapter']
): BackendReport | undefined {
	const known = BACKEND_NAMES.find((b) => b === name);
	if (!known) return undefined;
	const report: BackendReport = {
		requested,
		backend: known,
		attempts: [],
		adapter: adapter
			? { vendor: '', architecture: '', device: '', description: adapter.name, isFallback: adapter.fallback }
			: null
	};
	if (engine) report.engine = engine;
	return report;
}

function emptyMetrics(): MetricBatch {
	return { train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] }, evals: [] };
}

/** Updates applied by the end of these metrics (one past the last logged training step). */
function lastStepOf(metrics: MetricBatch, start: number): number {
	const steps = metrics.train.step;
	return steps.length > 0 ? steps[steps.length - 1]! + 1 : start;
}

export interface StudyRows {
	study: StudyRecord;
	trials: TrialRecord[];
	chunks: MetricChunk[];
}

/**
 * Rows for a new study. Trials come from the file's results when it has them (an imported study),
 * otherwise from planning the search (a study to run, every trial queued).
 */
export function studyRows(
	definition: Study,
	options: { imported: boolean; sourceHash?: string; now?: number }
): StudyRows {
	const now = options.now ?? Date.now();
	const studyId = newId('study');
	// The tuning log keeps a study's conclusion on its record, beside (not inside) the definition.
	const { conclusion, changedBaseline, ...design } = definition;
	const study: StudyRecord = {
		id: studyId,
		createdAt: now,
		updatedAt: now,
		definition: { ...design, trials: [] },
		status: options.imported ? 'finished' : 'draft',
		imported: options.imported,
		sourceHash: options.sourceHash
	};
	if (conclusion !== undefined) study.conclusion = conclusion;
	if (changedBaseline !== undefined) study.changedBaseline = changedBaseline;
	const trials: TrialRecord[] = [];
	const chunks: MetricChunk[] = [];
	if (options.imported) {
		for (const t of definition.trials) {
			const id = `${studyId}-t${t.index}`;
			const metrics = t.metrics ?? {
				train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
				evals: []
			};
			trials.push({
				id,
				createdAt: now,
				updatedAt: now,
				config: t.config,
				status: t.status,
				reason: t.reason,
				lastStep: lastStepOf(metrics, 0),
				// Files written before the loop logged the trainLoss column get it derived for the summary.
				summary: summarize(withTrainLoss(metrics)),
				studyId,
				index: t.index,
				params: t.params,
				backend: importedBackend(t.backend, t.config.backend, t.engine, t.adapter),
				...(t.batch === undefined ? {} : { batchId: t.batch }),
				...(t.notes === undefined ? {} : { notes: t.notes }),
				...(t.throughput === undefined ? {} : { throughput: t.throughput }),
				runs: t.runs ?? [],
				...(t.checkpointAverage === undefined
					? {}
					: {
							checkpointAverage: {
								steps: t.checkpointAverage.steps,
								valLoss: t.checkpointAverage.valLoss ?? Number.NaN,
								valAccuracy: t.checkpointAverage.valAccuracy ?? Number.NaN
							}
						})
			});
			chunks.push({ trialId: id, seq: 0, ...metrics });
			const parent = trials[trials.length - 1]!;
			for (const [k, b] of (t.branches ?? []).entries()) {
				const branch = branchRecord(parent, b, now);
				branch.id = `${id}-b${k}`;
				const branchMetrics = b.metrics ?? emptyMetrics();
				trials.push({
					...branch,
					status: b.status,
					reason: b.reason,
					summary: summarize(withTrainLoss(branchMetrics)),
					lastStep: lastStepOf(branchMetrics, b.fromStep)
				});
				chunks.push({ trialId: branch.id, seq: 0, ...branchMetrics });
			}
		}
	} else {
		for (const planned of planTrials(definition)) {
			trials.push({
				id: `${studyId}-t${planned.index}`,
				createdAt: now,
				updatedAt: now,
				config: planned.config,
				status: 'queued',
				lastStep: 0,
				summary: null,
				studyId,
				index: planned.index,
				params: planned.params,
				checkpointPolicy: {
					every: definition.budget.checkpointEvery,
					keepBest: definition.budget.keepBestCheckpoints,
					objective: definition.objective,
					pinnedSteps:
						definition.cooldownBranches && branchesApply(definition.cooldownBranches, planned.params)
							? branchSteps(definition.cooldownBranches, planned.config.maxTrainSteps)
							: undefined
				},
				checkpoints: []
			});
		}
	}
	return { study, trials, chunks };
}

/**
 * The hash that identifies a study file: SHA-256 of its canonical text (the file as the lab writes
 * it), so the same study exported twice, or re-indented by hand, is recognised as the same.
 */
export function studySourceHash(study: Study): Promise<string> {
	return sha256Hex(serializeStudy(study));
}

export type StudyImport =
	{ ok: true; study: StudyRecord; existed: boolean; definition: Study } | { ok: false; errors: string[] };

/**
 * Imports the text of a study file. Everything is checked before anything is written, and the study,
 * its trials and their metrics are then added in one transaction: a refused or failed import leaves
 * the database as it was. A file with results becomes read-only history; importing the same file
 * again returns the first copy. A file without results becomes a study to run; importing it again
 * returns that copy while it has not started, and a new copy once it has.
 */
export async function importStudyFile(db: LabDb, text: string, now = Date.now()): Promise<StudyImport> {
	// A string of n characters holds at least n bytes in UTF-8, so this check never lets a large file by.
	const tooLarge = studyFileSizeProblem(text.length, 'the study text');
	if (tooLarge) return { ok: false, errors: [tooLarge] };
	const parsed = parseStudyFile(text);
	if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => `${e.path}: ${e.message}`) };
	const definition = parsed.study;
	const sourceHash = await studySourceHash(definition);
	const existing = await findStudyBySourceHash(db, sourceHash);
	if (existing && (existing.imported || existing.status === 'draft')) {
		return { ok: true, study: existing, existed: true, definition };
	}
	const imported = definition.trials.length > 0;
	const rows = studyRows(definition, { imported, sourceHash, now });
	try {
		await createStudy(db, rows.study, rows.trials, rows.chunks);
	} catch (error) {
		const why = errorMessage(error);
		return { ok: false, errors: [`$: the browser refused to store the study (${why}); nothing was saved`] };
	}
	return { ok: true, study: rows.study, existed: false, definition };
}
