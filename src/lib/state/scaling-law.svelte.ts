// Glue of the scaling-law procedure between the Procedures page and the lab, on the pattern of
// procedures-more.svelte.ts: the study comes from a pure builder (procedures/scaling-law.ts), runs on the
// lab's study runner, and is read back from the database. The fit runs in the analysis worker, and the
// points and fit are stored in the study's `scalingLaw` section so its export carries them.
import { pointsProblem, type Interval, type ScalingFit } from '$lib/analysis/scaling-fit';
import {
	fitInputs,
	scalingLawOptionProblems,
	scalingLawStudy,
	scalingPoints,
	tunedRates,
	type ScalingLawOptions,
	type ScalingPointsReading
} from '$lib/procedures/scaling-law';
import { getAnalysisClient } from '$lib/runner/analysis-client';
import type { StudyRecord } from '$lib/storage/schema';
import type { ScalingLawFit, ScalingLawPoint } from '$lib/study/study-schema';
import type { LabState } from './lab.svelte';
import { addAndRun, ensureIdle, requireStudy, stopOnProblems, type ProcedureRun } from './procedures.svelte';

export interface ScalingLawResult {
	study: StudyRecord;
	reading: ScalingPointsReading;
	fit: ScalingFit | null;
	/** Why there is no fit (too few points, say), in words. */
	fitProblem: string | null;
}

/** The options of the form: the learning rate is a number, or the id of an earlier study to read one per size from. */
export type ScalingLawForm = Omit<ScalingLawOptions, 'learningRate'> & {
	learningRate: number | { studyId: string };
};

export async function runScalingLaw(
	lab: LabState,
	form: ScalingLawForm,
	run: ProcedureRun
): Promise<ScalingLawResult | null> {
	return run.track(async () => {
		let options: ScalingLawOptions;
		if (typeof form.learningRate === 'number') {
			options = { ...form, learningRate: form.learningRate };
			stopOnProblems(run, scalingLawOptionProblems(options));
		} else {
			// Every problem is named before anything is created: the earlier study's, and the form's.
			if (form.learningRate.studyId === '')
				stopOnProblems(run, ['pick the earlier study to read a learning rate per size from']);
			const earlier = await lab.studyWithResults(form.learningRate.studyId);
			const tuned = tunedRates(earlier, form.config, form.sizeKey, form.sizes);
			const others = scalingLawOptionProblems({ ...form, learningRate: tuned.ok ? tuned.rates : 1 });
			stopOnProblems(run, tuned.ok ? others : [...tuned.problems, ...others]);
			if (!tuned.ok) return null;
			options = { ...form, learningRate: tuned.rates };
		}
		ensureIdle(lab);
		const study = await addAndRun(lab, run, scalingLawStudy(options), { backend: options.backend });
		return loadScalingLaw(lab, study.id);
	});
}

function samePoints(a: readonly ScalingLawPoint[] | undefined, b: readonly ScalingLawPoint[]): boolean {
	return (
		a !== undefined &&
		a.length === b.length &&
		a.every((p, i) => {
			const q = b[i]!;
			return (
				p.N === q.N && p.D === q.D && p.loss === q.loss && p.trial === q.trial && p.fromStep === q.fromStep
			);
		})
	);
}

/** A fit as the study file holds it (the schema checked each interval has 2 numbers). */
function storedFit(fit: ScalingLawFit): ScalingFit {
	const pair = (i: number[]): Interval => [i[0]!, i[1]!];
	const { E, A, alpha, B, beta } = fit.intervals;
	return {
		...fit,
		intervals: { E: pair(E), A: pair(A), alpha: pair(alpha), B: pair(B), beta: pair(beta) }
	};
}

/**
 * Reads the study's points and fits them, or reuses the stored fit when the points have not changed (an
 * imported study shows the fit its file carries). A new fit is stored unless the study is imported.
 */
export async function loadScalingLaw(lab: LabState, studyId: string): Promise<ScalingLawResult> {
	let record = await requireStudy(lab, studyId);
	const study = await lab.studyWithResults(studyId);
	const stored = record.definition.scalingLaw;
	const hasBranches = study.trials.some((t) => (t.branches ?? []).length > 0);
	// A file imported without branches still has the points its section carries.
	const reading: ScalingPointsReading =
		hasBranches || !stored?.points
			? scalingPoints(study)
			: { points: stored.points, skipped: [], problem: null };
	if (reading.problem) return { study: record, reading, fit: null, fitProblem: reading.problem };
	if (stored?.fit && samePoints(stored.points, reading.points))
		return { study: record, reading, fit: storedFit(stored.fit), fitProblem: null };
	const problem = pointsProblem(fitInputs(reading.points));
	if (problem) return { study: record, reading, fit: null, fitProblem: problem };
	const fit = await getAnalysisClient().scalingFit(fitInputs(reading.points), {});
	if (!record.imported) record = await lab.saveScalingLaw(studyId, { points: reading.points, fit });
	return { study: record, reading, fit, fitProblem: null };
}
