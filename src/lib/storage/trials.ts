// Trials and their metric chunks. Metrics arrive in batches (one chunk per readback of the trial
// loop), each written together with the trial's progress in one transaction.
import { appendBatch, emptyTrainRows, extendSummary, type MetricBatch } from '$lib/study/metrics';
import type { LabDb, TrialRecord } from './schema';

function chunkRange(trialId: string): IDBKeyRange {
	return IDBKeyRange.bound([trialId, -Infinity], [trialId, Infinity]);
}

/**
 * The runs with the open (last) one, if any, ended at `endedAt` (milliseconds since the epoch; never
 * before the run started, should the clock have stepped back).
 */
export function closeRun(runs: TrialRecord['runs'], endedAt: number): TrialRecord['runs'] {
	const last = runs?.at(-1);
	if (!runs || !last || last.endedAt !== undefined) return runs;
	return [...runs.slice(0, -1), { ...last, endedAt: Math.max(last.startedAt, endedAt) }];
}

export async function putTrial(db: LabDb, trial: TrialRecord): Promise<void> {
	await db.put('trials', trial);
}

export function getTrial(db: LabDb, id: string): Promise<TrialRecord | undefined> {
	return db.get('trials', id);
}

/** Newest first. */
export async function listTrials(db: LabDb): Promise<TrialRecord[]> {
	return (await db.getAllFromIndex('trials', 'by-created')).reverse();
}

/** Appends one metric batch and updates the trial's progress and summary atomically. */
export async function appendMetrics(
	db: LabDb,
	trialId: string,
	seq: number,
	batch: MetricBatch,
	lastStep: number
): Promise<TrialRecord> {
	const tx = db.transaction(['trials', 'metrics'], 'readwrite');
	const trial = await tx.objectStore('trials').get(trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	await tx.objectStore('metrics').put({ trialId, seq, ...batch });

	const updated: TrialRecord = {
		...trial,
		lastStep,
		updatedAt: Date.now(),
		summary: extendSummary(trial.summary, batch.evals)
	};
	await tx.objectStore('trials').put(updated);
	await tx.done;
	return updated;
}

/** All metric rows of a trial, in step order. */
export async function readMetrics(db: LabDb, trialId: string): Promise<MetricBatch> {
	const chunks = await db.getAll('metrics', chunkRange(trialId));
	const all: MetricBatch = { train: emptyTrainRows(), evals: [] };
	for (const chunk of chunks) appendBatch(all, chunk);
	return all;
}

export async function deleteTrial(db: LabDb, trialId: string): Promise<void> {
	const tx = db.transaction(['trials', 'metrics', 'checkpoints'], 'readwrite');
	await tx.objectStore('trials').delete(trialId);
	await tx.objectStore('metrics').delete(chunkRange(trialId));
	await tx.objectStore('checkpoints').delete(chunkRange(trialId));
	await tx.done;
}

/**
 * Trials left `running` by a tab that closed mid-trial. A single trial is marked cancelled; a study's
 * trial goes back to the queue, and resuming the study continues it from its latest checkpoint.
 */
export async function markInterruptedTrials(
	db: LabDb,
	isRunningSomewhere: (id: string) => boolean
): Promise<number> {
	let count = 0;
	for (const trial of await db.getAll('trials')) {
		if (trial.status !== 'running' || isRunningSomewhere(trial.id)) continue;
		count++;
		// Its open run ended, as far as anyone knows, at its last stored progress.
		const runs = closeRun(trial.runs, trial.updatedAt);
		if (trial.studyId) {
			// Metrics and checkpoints stay: resuming trims the metrics back to the latest checkpoint.
			await db.put('trials', {
				...trial,
				runs,
				status: 'queued',
				reason: `interrupted at step ${trial.lastStep} when its tab closed; it resumes from its latest checkpoint`,
				updatedAt: Date.now()
			});
		} else {
			await db.put('trials', {
				...trial,
				runs,
				status: 'cancelled',
				reason: `interrupted at step ${trial.lastStep}: the tab closed while the trial was training`,
				updatedAt: Date.now()
			});
		}
	}
	return count;
}
