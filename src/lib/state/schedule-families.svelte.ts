// Glue of the schedule-family comparison between the Procedures page and the lab, on the pattern of
// procedures.svelte.ts: the pure builder (study/schedule-families.ts) makes one study, checked exactly
// as a study file is checked, stored through the lab and run on the lab's study runner (cooldown
// branches of the constant family included); the result is read back from the database with every
// trial's metrics and branches.
import type { StudyRecord } from '$lib/storage/schema';
import type { Study } from '$lib/study/study';
import {
	familyOptionProblems,
	scheduleFamilyStudy,
	type FamilyComparisonOptions
} from '$lib/procedures/schedule-families';
import { addAndRun, ensureIdle, requireStudy, stopOnProblems, type ProcedureRun } from './procedures.svelte';
import type { LabState } from './lab.svelte';

export interface FamilyComparisonResult {
	record: StudyRecord;
	/** The study with every trial's metrics and branches. */
	study: Study;
}

/** Builds, stores and runs the comparison; null (with the run's problems or error set) when it could not. */
export async function runFamilyComparison(
	lab: LabState,
	options: FamilyComparisonOptions,
	run: ProcedureRun
): Promise<FamilyComparisonResult | null> {
	return run.track(async () => {
		stopOnProblems(run, familyOptionProblems(options));
		ensureIdle(lab);
		const study = await addAndRun(lab, run, scheduleFamilyStudy(options), {
			...(options.backend ? { backend: options.backend } : {})
		});
		return loadFamilyComparison(lab, study.id);
	});
}

/** A comparison run before (or still running), read again from the database. */
export async function loadFamilyComparison(lab: LabState, studyId: string): Promise<FamilyComparisonResult> {
	const record = await requireStudy(lab, studyId);
	return { record, study: await lab.studyWithResults(studyId) };
}
