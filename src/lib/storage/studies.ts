// Studies and their trials. A study and all its planned trials are written in one transaction, so
// a study is either fully there or not there at all.
import type { LabDb, MetricChunk, StudyRecord, TrialRecord } from './schema';

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

/** Puts a trial back in the queue with no metrics (retry after a failure or a cancel). */
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
