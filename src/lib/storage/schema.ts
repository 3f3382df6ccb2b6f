// The one IndexedDB schema of the lab. Each version adds an `if (oldVersion < N)` step; steps are
// never edited once released, and each is tested by opening a database created at the older version.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BackendReport } from '$lib/training/backend';
import type { MetricBatch, TrialStatus, TrialSummary } from '$lib/study/metrics';
import type { TrialConfig } from '$lib/study/trial-config';

export const DB_NAME = 'tuning-lab';
export const DB_VERSION = 1;

export interface TrialRecord {
	id: string;
	/** Milliseconds since the epoch. */
	createdAt: number;
	updatedAt: number;
	config: TrialConfig;
	status: TrialStatus;
	/** Why a trial is infeasible, failed or cancelled. */
	reason?: string;
	backend?: BackendReport;
	/** Updates applied so far. */
	lastStep: number;
	summary: TrialSummary | null;
}

/** One batch of metric rows, as the trial loop published it. Key: [trialId, seq]. */
export interface MetricChunk extends MetricBatch {
	trialId: string;
	seq: number;
}

export interface LabSchema extends DBSchema {
	trials: { key: string; value: TrialRecord; indexes: { 'by-created': number } };
	metrics: { key: [string, number]; value: MetricChunk };
}

export type LabDb = IDBPDatabase<LabSchema>;

export function openLabDb(name = DB_NAME): Promise<LabDb> {
	return openDB<LabSchema>(name, DB_VERSION, {
		upgrade(db, oldVersion) {
			if (oldVersion < 1) {
				const trials = db.createObjectStore('trials', { keyPath: 'id' });
				trials.createIndex('by-created', 'createdAt');
				db.createObjectStore('metrics', { keyPath: ['trialId', 'seq'] });
			}
		},
		blocked() {
			console.warn('Tuning Lab: another tab holds an older version of the database open.');
		}
	});
}
