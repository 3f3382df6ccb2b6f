// What the tuning log writes besides the baseline (project.ts): a study's conclusion, a trial's notes.
// Each reads the newest stored record first, so a runner writing the same record meanwhile keeps its
// fields (only the edited ones change).
import type { CheckpointAverageResult, ScalingLawSection } from '$lib/study/study-schema';
import type { LabDb, StudyRecord, TrialRecord } from './schema';

/** Longest note or conclusion kept, in characters. */
export const MAX_NOTE_LENGTH = 20_000;

/** Stores what the study concluded and whether it changed the baseline. */
export async function saveConclusion(
	db: LabDb,
	studyId: string,
	conclusion: string,
	changedBaseline: boolean,
	now = Date.now()
): Promise<StudyRecord> {
	const tx = db.transaction('studies', 'readwrite');
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

/** Stores the last checkpoint average scored for one trial (it travels in study exports). */
export async function saveCheckpointAverage(
	db: LabDb,
	trialId: string,
	result: CheckpointAverageResult
): Promise<TrialRecord> {
	const tx = db.transaction('trials', 'readwrite');
	const trial = await tx.store.get(trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	const updated: TrialRecord = { ...trial, checkpointAverage: { ...result, steps: [...result.steps] } };
	await tx.store.put(updated);
	await tx.done;
	return updated;
}

/**
 * Stores a scaling-law study's points and fit in its definition's `scalingLaw` section, where the study
 * export carries them (the section's `size` stays as the study was made).
 */
export async function saveScalingLaw(
	db: LabDb,
	studyId: string,
	result: Required<Pick<ScalingLawSection, 'points' | 'fit'>>
): Promise<StudyRecord> {
	const tx = db.transaction('studies', 'readwrite');
	const study = await tx.store.get(studyId);
	if (!study) throw new Error(`study ${studyId} is not in the database`);
	const section = study.definition.scalingLaw;
	if (!section) throw new Error(`study ${studyId} is not a scaling-law study`);
	const updated: StudyRecord = {
		...study,
		definition: {
			...study.definition,
			scalingLaw: { size: section.size, points: result.points, fit: result.fit }
		}
	};
	await tx.store.put(updated);
	await tx.done;
	return updated;
}
