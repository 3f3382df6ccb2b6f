// A study cut down to what reading one objective needs, for sending to the analysis worker: each trial
// keeps its evaluation rows, and its training rows only when the objective is the training loss.
// Structured-cloning a whole study copies every training row (a 5,000-trial × 2,000-row study holds ten
// million), on the page's main thread; a valLoss objective needs about twenty rows per trial.
import { emptyTrainRows } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import type { ObjectiveChoice } from './objective';

/** `study` with each trial's metrics cut to those `trialValue(trial, choice)` reads, and no branches. */
export function studyForObjective(study: Study, choice: ObjectiveChoice): Study {
	const keepTrain = choice.metric === 'trainLoss';
	return {
		...study,
		trials: study.trials.map(({ metrics, branches: _branches, ...trial }) =>
			metrics === undefined
				? trial
				: { ...trial, metrics: { train: keepTrain ? metrics.train : emptyTrainRows(), evals: metrics.evals } }
		)
	};
}
