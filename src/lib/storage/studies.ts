// Studies and their trials. A study and all its planned trials are written in one transaction, so
// a study is either fully there or not there at all.
import { summarize } from '$lib/study/metrics';
import { withTrainLoss } from '$lib/study/objective';
import { trimMetricsAfter } from './checkpoints';
import type { LabDb, MetricChunk, StudyRecord, TrialRecord } from './schema';
import { readMetrics } from './trials';

function chunkRange(trialId: string): IDBKeyRange {
	return IDBKeyRange.bound([trialId, -Infinity], [trialId, Infinity]);
}

export async function createStudy(
	db: LabDb,
	study: StudyRecord,
	trials: TrialRecord[],
	chunks: MetricChunk[] = []
): Promise<void> {
	const tx = db.transaction(['studies', 'trials', 'metrics'], 'readwrite');
	// A failed add aborts the whole transaction; the caller hears about it from the add itself.
	tx.done.catch(() => undefined);
	await tx.objectStore('studies').add(study);
	for (const trial of trials) await tx.objectStore('trials').add(trial);
	for (const chunk of chunks) await tx.objectStore('metrics').add(chunk);
	await tx.done;
}

export function getStudy(db: LabDb, id: string): Promise<StudyRecord | undefined> {
	return db.get('studies', id);
}

/** Newest first. */
export async function listStudies(db: LabDb): Promise<StudyRecord[]> {
	return (await db.getAllFromIndex('studies', 'by-created')).reverse();
}

export async function putStudy(db: LabDb, study: StudyRecord): Promise<void> {
	await db.put('studies', study);
}

export async function findStudyBySourceHash(db: LabDb, hash: string): Promise<StudyRecord | undefined> {
	return (await db.getAll('studies')).find((s) => s.sourceHash === hash);
}

/** The study's trials in index order. */
export async function listStudyTrials(db: LabDb, studyId: string): Promise<TrialRecord[]> {
	const trials = await db.getAllFromIndex('trials', 'by-study', studyId);
	return trials.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

/**
 * Puts a failed or cancelled trial back in the queue keeping its work: its checkpoints stay, and the
 * metric rows it logged after its latest checkpoint are dropped (the resumed run logs them again from
 * that step, so no row is duplicated or missing). Its summary is rebuilt from the rows kept. A trial
 * with no checkpoint has nothing to resume from and starts over (`resetTrial`).
 */
export async function requeueTrial(db: LabDb, trialId: string): Promise<TrialRecord> {
	const trial = await db.get('trials', trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	if (trial.status !== 'failed' && trial.status !== 'cancelled') {
		throw new Error(
			`trial ${trial.index ?? trialId} is ${trial.status}: only a failed or cancelled trial can be retried`
		);
	}
	const steps = (trial.checkpoints ?? []).map((c) => c.step);
	if (steps.length === 0) return resetTrial(db, trialId);
	const from = Math.max(...steps);
	await trimMetricsAfter(db, trialId, from);
	const kept = await readMetrics(db, trialId);
	const requeued: TrialRecord = {
		...trial,
		status: 'queued',
		reason: `retried${trial.reason ? ` after: ${trial.reason}` : ''}; it resumes from its checkpoint at step ${from}`,
		lastStep: from,
		summary: summarize(withTrainLoss(kept)),
		updatedAt: Date.now()
	};
	await db.put('trials', requeued);
	return requeued;
}

/** Puts a trial back in the queue with no metrics and no checkpoints: it starts over from step 0. */
export async function resetTrial(db: LabDb, trialId: string): Promise<TrialRecord> {
	const tx = db.transaction(['trials', 'metrics', 'checkpoints'], 'readwrite');
	const trial = await tx.objectStore('trials').get(trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	await tx.objectStore('metrics').delete(chunkRange(trialId));
	await tx.objectStore('checkpoints').delete(chunkRange(trialId));
	const reset: TrialRecord = {
		...trial,
		status: 'queued',
		reason: undefined,
		lastStep: 0,
		summary: null,
		checkpoints: [],
		updatedAt: Date.now()
	};
	await tx.objectStore('trials').put(reset);
	await tx.done;
	return reset;
}

export async function deleteStudy(db: LabDb, studyId: string): Promise<void> {
	const tx = db.transaction(['studies', 'trials', 'metrics', 'checkpoints'], 'readwrite');
	const trials = await tx.objectStore('trials').index('by-study').getAll(studyId);
	for (const trial of trials) {
		await tx.objectStore('metrics').delete(chunkRange(trial.id));
		await tx.objectStore('checkpoints').delete(chunkRange(trial.id));
		await tx.objectStore('trials').delete(trial.id);
	}
	await tx.objectStore('studies').delete(studyId);
	await tx.done;
}
