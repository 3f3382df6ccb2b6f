// The one IndexedDB schema of the lab. Each version adds an `if (oldVersion < N)` step; steps are
// never edited once released, and each is tested by opening a database created at the older version.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type StoreNames } from 'idb';
import type { BackendReport } from '$lib/training/backend-report';
import type { BackendProbe, EnginePair } from '$lib/training/backend-choice';
import type { MetricBatch, TrialStatus, TrialSummary } from '$lib/study/metrics';
import type { TrialConfig } from '$lib/study/trial-config';
import type { CheckpointAverageResult } from '$lib/study/study-schema';
import type { FixedConfig, Objective, Study, TrialRun, Workload } from '$lib/study/study';
import type { CheckpointMeta } from '$lib/math/checkpoint-retention';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import type { Sample } from '$lib/math/search-space';
import type { CooldownShape } from '$lib/math/schedules';
import type { RungDecision } from '$lib/study/halving';
import type { UserDatasetFiles, UserDatasetRecord } from '$lib/datasets/user-dataset-info';
import type { TrialThroughput } from '$lib/procedures/throughput';

export const DB_NAME = 'tuning-lab';
export const DB_VERSION = 6;

export interface TrialRecord {
	id: string;
	/** Milliseconds since the epoch. */
	createdAt: number;
	updatedAt: number;
	config: TrialConfig;
	status: TrialStatus;
	/** Why a trial is infeasible, failed, cancelled or stopped (by successive halving). */
	reason?: string;
	backend?: BackendReport;
	/** Updates applied so far. */
	lastStep: number;
	summary: TrialSummary | null;
	/** Set for trials that belong to a study (schema v2); absent for single trials. */
	studyId?: string;
	/** Position in the study's sampled sequence. */
	index?: number;
	/** The searched values of this trial, by parameter name. */
	params?: Sample;
	/** Set on a cooldown branch: the trial it branched from, and how (schema v3). */
	branch?: BranchSpec;
	/** How this trial saves checkpoints (schema v3; absent = none). */
	checkpointPolicy?: CheckpointPolicy;
	/** The checkpoints it holds now (latest + best), newest last. */
	checkpoints?: CheckpointMeta[];
	/**
	 * Training speed of its last run, warm-up left out (set when a run ends; optional, so older records
	 * need no upgrade step). Read by the throughput probe.
	 */
	throughput?: TrialThroughput;
	/** The user's notes on this trial (optional, so older records need no upgrade step). */
	notes?: string;
	/**
	 * When it trained and on which worker slot, oldest first: the runner opens a run when a trial starts
	 * training and closes it when it stops (schema v6; trials stored before v6 have an empty list, as
	 * nothing recorded when they ran). Optional in the type because single trials made before v6 and
	 * records built elsewhere (branches, imports) may lack it.
	 */
	runs?: TrialRun[];
	/**
	 * The last checkpoint average scored for this trial: the steps averaged and the validation score
	 * (optional, so older records need no upgrade step).
	 */
	checkpointAverage?: CheckpointAverageResult;
	/**
	 * Its successive-halving decisions, one per rung it was scored at, oldest first (stored before the
	 * runner acts on each, so a resumed study keeps them; optional, so older records need no upgrade step).
	 */
	halving?: RungDecision[];
	/**
	 * The batch its latest run trained in (trials with the same id trained as one vectorised step);
	 * absent when it trained alone (optional, so older records need no upgrade step).
	 */
	batchId?: string;
}

/** A cooldown branch: from a saved checkpoint of its parent, `length` more steps decaying the rate. */
export interface BranchSpec {
	parentId: string;
	fromStep: number;
	length: number;
	shape: CooldownShape;
	finalFraction: number;
	/** The parent's own run length: the horizon of the base schedule being decayed. */
	baseTotalSteps: number;
}

export interface CheckpointPolicy {
	every: number;
	keepBest: number;
	objective: Objective;
	/** Steps that always get a checkpoint, kept until the trial ends (automatic branch points). */
	pinnedSteps?: number[];
}

/** A saved checkpoint. Key: [trialId, step]. */
export interface CheckpointRecord {
	trialId: string;
	step: number;
	createdAt: number;
	state: TrialCheckpoint;
}

export type StudyStatus = 'draft' | 'running' | 'paused' | 'finished' | 'cancelled';

export interface StudyRecord {
	id: string;
	createdAt: number;
	updatedAt: number;
	/** The validated study definition; its `trials` list is empty (results live in the trials store). */
	definition: Study;
	status: StudyStatus;
	/** Imported from a file: read-only history. */
	imported: boolean;
	/** Canonical hash of the imported file, so importing it twice does not duplicate it. */
	sourceHash?: string;
	/** Hash of the definition a headless run started from, so a rerun with the same profile resumes it. */
	runKey?: string;
	/** What the study found, in the user's words (tuning log; optional, no upgrade step). */
	conclusion?: string;
	/** Whether the study's outcome changed the baseline ("launched") configuration. */
	changedBaseline?: boolean;
	/** When the conclusion was last saved, in milliseconds since the epoch. */
	concludedAt?: number;
	/**
	 * The engine and backend `auto` chose for each workload of this study on this device, by choice key
	 * (backend-choice.ts `pickKey`), with the measurement it chose from: every trial of that workload
	 * trains on the one pair, also after a pause (optional, no upgrade step; never exported).
	 */
	enginePicks?: Record<string, StudyPick>;
}

/** One workload's `auto` choice in a study: the pair, and the probe that measured it. */
export interface StudyPick {
	pair: EnginePair;
	probe?: BackendProbe;
	/** Trials of this workload trained together as one batch (measured; absent or 1: one at a time). */
	batch?: number;
	/** Milliseconds since the epoch. */
	chosenAt: number;
}

/** One configuration that was the baseline, and where it came from. */
export interface BaselineEntry {
	/** The trial's configuration keys that a study can fix (no workload or budget keys). */
	config: FixedConfig;
	workload: Workload;
	fromStudyId?: string;
	fromTrialIndex?: number;
	/** Milliseconds since the epoch. */
	setAt: number;
}

/**
 * The project's current best ("launched") configuration, with the ones it replaced, oldest first
 * (playbook: "The incremental tuning strategy"). The one record of the `project` store (schema v5).
 */
export interface BaselineRecord extends BaselineEntry {
	id: 'baseline';
	history: BaselineEntry[];
}

/** One batch of metric rows, as the trial loop published it. Key: [trialId, seq]. */
export interface MetricChunk extends MetricBatch {
	trialId: string;
	seq: number;
}

export interface LabSchema extends DBSchema {
	trials: {
		key: string;
		value: TrialRecord;
		indexes: { 'by-created': number; 'by-study': string; 'by-parent': string };
	};
	studies: { key: string; value: StudyRecord; indexes: { 'by-created': number } };
	metrics: { key: [string, number]; value: MetricChunk };
	checkpoints: { key: [string, number]; value: CheckpointRecord };
	/** Users' own datasets, described (schema v4). */
	datasets: { key: string; value: UserDatasetRecord };
	/** Their files as imported, apart so that listing datasets never reads file bytes (schema v4). */
	'dataset-files': { key: string; value: UserDatasetFiles };
	/** Project-wide records: only the baseline so far (schema v5). */
	project: { key: string; value: BaselineRecord };
}

export type LabDb = IDBPDatabase<LabSchema>;

/** Version 6: every stored trial gets `runs`, empty when nothing recorded when it ran. */
async function upgradeToRunTimes(
	trials: IDBPObjectStore<LabSchema, StoreNames<LabSchema>[], 'trials', 'versionchange'>
): Promise<void> {
	let cursor = await trials.openCursor();
	while (cursor) {
		if (cursor.value.runs === undefined) await cursor.update({ ...cursor.value, runs: [] });
		cursor = await cursor.continue();
	}
}

export function openLabDb(name = DB_NAME): Promise<LabDb> {
	return openDB<LabSchema>(name, DB_VERSION, {
		upgrade(db, oldVersion, _newVersion, transaction) {
			if (oldVersion < 1) {
				const trials = db.createObjectStore('trials', { keyPath: 'id' });
				trials.createIndex('by-created', 'createdAt');
				db.createObjectStore('metrics', { keyPath: ['trialId', 'seq'] });
			}
			if (oldVersion < 2) {
				// Studies. Single trials from v1 stay as they are: no studyId, so the index skips them.
				const studies = db.createObjectStore('studies', { keyPath: 'id' });
				studies.createIndex('by-created', 'createdAt');
				transaction.objectStore('trials').createIndex('by-study', 'studyId');
			}
			if (oldVersion < 3) {
				// Checkpoints, kept apart from trials so listing trials never loads weights.
				db.createObjectStore('checkpoints', { keyPath: ['trialId', 'step'] });
				transaction.objectStore('trials').createIndex('by-parent', 'branch.parentId');
			}
			if (oldVersion < 4) {
				// Users' own datasets, keyed by content hash ("csv:…", "text:…", "idx:…").
				db.createObjectStore('datasets', { keyPath: 'id' });
				db.createObjectStore('dataset-files', { keyPath: 'id' });
			}
			if (oldVersion < 5) {
				// The project's baseline ("launched") configuration, one record keyed 'baseline'.
				db.createObjectStore('project', { keyPath: 'id' });
			}
			if (oldVersion < 6) {
				// Run times and worker slots (the study timeline). Trials stored before kept no times: each
				// gets an empty list, so "never timed" reads the same everywhere and no time is invented.
				void upgradeToRunTimes(transaction.objectStore('trials'));
			}
		},
		blocked() {
			console.warn('Tuning Lab: another tab holds an older version of the database open.');
		}
	});
}
