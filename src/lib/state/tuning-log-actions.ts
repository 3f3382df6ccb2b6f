// What the tuning log writes: the baseline from a chosen trial, a study's conclusion, a trial's notes.
// Each reads the newest stored record first, so a runner writing the same record meanwhile keeps its
// fields (only the edited ones change).
import { setBaseline } from '$lib/storage/project';
import type { BaselineRecord, LabDb, StudyRecord, TrialRecord } from '$lib/storage/schema';
import type { LabState } from './lab.svelte';
import { fixedKeysOf } from './tuning-log';

/** Longest note or conclusion kept, in characters. */
export const MAX_NOTE_LENGTH = 20_000;

/** Makes the trial's configuration the project's baseline ("launched" configuration). */
export function setBaselineFromTrial(
	db: LabDb,
	study: StudyRecord,
	trial: TrialRecord,
	now = Date.now()
): Promise<BaselineRecord> {
	return setBaseline(db, {
		config: fixedKeysOf(trial.config),
		workload: { dataset: trial.config.dataset, model: trial.config.model },
		fromStudyId: study.id,
		fromTrialIndex: trial.index ?? 0,
		setAt: now
	});
}

/** Stores what the study concluded and whether it changed the baseline. */
export async function saveConclusion(
	lab: Pick<LabState, 'db' | 'upsertStudy'>,
	studyId: string,
	conclusion: string,
	changedBaseline: boolean,
	now = Date.now()
): Promise<StudyRecord> {
	const tx = lab.db.transaction('studies', 'readwrite');
	const study = await tx.store.get(studyId);
	if (!study) throw new Error(`study ${studyId} is not in the database`);
	const updated: StudyRecord = {
		...study,
		conclusion: conclusion.slice(0, MAX_NOTE_LENGTH),
		changedBaseline,
		concludedAt: now
	};
	await tx.store.put(updated);
	await tx.done;
	lab.upsertStudy(updated);
	return updated;
}

/** Stores the user's notes on one trial. */
export async function saveTrialNotes(db: LabDb, trialId: string, notes: string): Promise<TrialRecord> {
	const tx = db.transaction('trials', 'readwrite');
	const trial = await tx.store.get(trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	const updated: TrialRecord = { ...trial, notes: notes.slice(0, MAX_NOTE_LENGTH) };
	await tx.store.put(updated);
	await tx.done;
	return updated;
}
