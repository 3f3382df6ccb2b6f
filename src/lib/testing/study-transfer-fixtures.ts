// Shared by the sharing specs (study-transfer, its fuzz test, checkpoint-transfer): a small study
// with results and tuning-log fields, a whole-database snapshot, and the export of a stored study.
import { syntheticStudy } from '$lib/testing/synthetic-study';
import { serializeStudy } from '$lib/study/study-file';
import type { Study } from '$lib/study/study';
import { BACKEND_NAMES } from '$lib/study/trial-config';
import type { LabDb } from '../storage/schema';
import { getStudy, listStudyTrials } from '../storage/studies';
import { toStudyWithResults } from '../storage/study-transfer';
import { readMetrics } from '../storage/trials';

/** Every record of every store, to compare a database before and after an import. */
export async function snapshot(db: LabDb): Promise<Record<string, unknown[]>> {
	const out: Record<string, unknown[]> = {};
	for (const store of Array.from(db.objectStoreNames)) out[store] = await db.getAll(store);
	return out;
}

/** A small study with results and everything the tuning log adds to one. */
export function sharedStudy(): Study {
	const study = syntheticStudy(
		[0, 1, 2].map((i) => ({
			params: { learningRate: 0.01 * (i + 1), weightDecay: 0.001 },
			trainLoss: (s: number) => 2 / (1 + s / (10 + i)),
			valLoss: (s: number) => 2.1 / (1 + s / (12 + i))
		})),
		{ maxTrainSteps: 20, evalEvery: 5 }
	);
	// Real trials record their seed in their config too (the export reads it from there).
	for (const trial of study.trials) trial.config = { ...trial.config, seed: trial.seed };
	study.notes = 'Study notes: the first round.';
	study.conclusion = 'Width 128 wins at every learning rate.';
	study.changedBaseline = true;
	study.trials[0]!.notes = 'Trial 0 looks noisy.';
	study.trials[1]!.throughput = {
		stepsPerSecond: 41.5,
		measuredSteps: 60,
		warmupSteps: 20,
		includesEvaluation: false
	};
	return study;
}

/** The study file of a stored study, as the lab's export writes it. */
export async function exportedText(db: LabDb, studyId: string): Promise<string> {
	const record = (await getStudy(db, studyId))!;
	const trials = await listStudyTrials(db, studyId);
	const withMetrics = await Promise.all(
		trials.map(async (trial) => ({ trial, metrics: await readMetrics(db, trial.id) }))
	);
	return serializeStudy(toStudyWithResults(record, withMetrics));
}

/**
 * A study as the lab keeps it: what a file says, less what the lab derives again on import. `best`
 * is recomputed from the metrics, a trial without metrics gets empty ones, and a backend name the lab
 * does not know is dropped (the record keeps only known backends).
 */
export function asStored(study: Study): Study {
	return {
		...study,
		trials: study.trials.map((trial) => {
			const { best: _best, backend, ...rest } = trial;
			const known = BACKEND_NAMES.some((name) => name === backend);
			return {
				...rest,
				...(known ? { backend } : {}),
				metrics: trial.metrics ?? {
					train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
					evals: []
				}
			};
		})
	};
}
