import { describe, expect, it } from 'vitest';
import { syntheticStudy } from '$lib/testing/synthetic-study';
import { computeImportance } from './importance';
import { studyForObjective } from './objective-study';
import { trialValue, type ObjectiveChoice } from './objective';

// Eight trials whose losses are known functions of the step: trial i trains to 0.5 + i/10 and
// validates 0.1 above that, so the best valLoss of trial i is 0.6 + i/10 + e^(-100/20) at step 100.
const study = syntheticStudy(
	Array.from({ length: 8 }, (_, i) => ({
		params: { learningRate: 10 ** (-4 + (i % 4)), weightDecay: 10 ** (-3 + (i % 2)) },
		trainLoss: (t: number) => 0.5 + i / 10 + Math.exp(-t / 20),
		valLoss: (t: number) => 0.6 + i / 10 + Math.exp(-t / 20)
	})),
	{ maxTrainSteps: 100, evalEvery: 25 }
);

describe('studyForObjective', () => {
	it('drops the training rows for an evaluation objective and keeps every evaluation row', () => {
		const lean = studyForObjective(study, { metric: 'valLoss', reduce: 'best' });
		for (const [i, trial] of lean.trials.entries()) {
			expect(trial.metrics!.train.step).toHaveLength(0);
			expect(trial.metrics!.evals).toEqual(study.trials[i]!.metrics!.evals);
		}
		// Best valLoss of trial 3, by hand: 0.6 + 0.3 + e^-5 at step 100.
		expect(trialValue(lean.trials[3]!, { metric: 'valLoss', reduce: 'best' })!.value).toBeCloseTo(
			0.9 + Math.exp(-5),
			12
		);
	});

	it('keeps the training rows for the training loss, whose final value reads them', () => {
		const choice: ObjectiveChoice = { metric: 'trainLoss', reduce: 'final' };
		const lean = studyForObjective(study, choice);
		expect(lean.trials[0]!.metrics!.train.step).toHaveLength(100);
		for (const [i, trial] of lean.trials.entries())
			expect(trialValue(trial, choice)).toEqual(trialValue(study.trials[i]!, choice));
	});

	it('gives the importance of the full study', () => {
		for (const choice of [
			{ metric: 'valLoss', reduce: 'best' },
			{ metric: 'valAccuracy', reduce: 'final' },
			{ metric: 'trainLoss', reduce: 'best' }
		] as ObjectiveChoice[]) {
			expect(computeImportance(studyForObjective(study, choice), choice)).toEqual(
				computeImportance(study, choice)
			);
		}
	});
});
