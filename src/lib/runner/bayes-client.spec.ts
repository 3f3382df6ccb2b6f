import { describe, expect, it } from 'vitest';
import { suggestTrials } from '$lib/math/bayes/suggest';
import type { Study } from '$lib/study/study';
import { resolveTrialConfig } from '$lib/study/study-trials';
import { suggestedTrialRecord, suggestionRequest, type TrialOutcome } from './bayes-client';

const study: Study = {
	name: 'Exploitation',
	goal: 'Tune the learning rate',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 40, evalEvery: 10, checkpointEvery: 20, keepBestCheckpoints: 1 },
	objective: { metric: 'valAccuracy', goal: 'maximize' },
	fixed: { optimizer: 'adam', schedule: 'constant' },
	search: { algorithm: 'bayesian', trials: 10, seed: 5 },
	params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' }],
	trials: []
};

const outcome = (
	index: number,
	status: TrialOutcome['status'],
	lr: number,
	value: number | null = null
): TrialOutcome => ({
	index,
	status,
	params: { learningRate: lr },
	value
});

describe('suggestionRequest', () => {
	const trials = [
		outcome(3, 'running', 0.02),
		outcome(0, 'completed', 0.001, 0.91),
		outcome(2, 'infeasible', 0.09),
		outcome(1, 'failed', 0.004),
		outcome(4, 'completed', 0.0003, null),
		outcome(5, 'queued', 0.0002)
	];

	it('orders the history by index: completed with a value, infeasible as null; failed and valueless left out', () => {
		const request = suggestionRequest(study, trials, 6);
		expect(request.history).toEqual([
			{ params: { learningRate: 0.001 }, value: 0.91 },
			{ params: { learningRate: 0.09 }, value: null }
		]);
		expect(request.pending).toEqual([{ learningRate: 0.02 }, { learningRate: 0.0002 }]);
		expect(request).toMatchObject({ seed: 5, index: 6, count: 1, goal: 'maximize' });
	});

	it('gives the same suggestion whatever order the trials were read in', () => {
		const a = suggestTrials(suggestionRequest(study, trials, 6));
		const b = suggestTrials(suggestionRequest(study, [...trials].reverse(), 6));
		expect(a).toEqual(b);
	});
});

describe('suggestedTrialRecord', () => {
	it('is a queued trial with the resolved config and the study checkpoint policy', () => {
		const record = suggestedTrialRecord(study, 's1', 7, { learningRate: 0.01 }, 1000);
		expect(record).toMatchObject({
			id: 's1-t7',
			studyId: 's1',
			index: 7,
			status: 'queued',
			lastStep: 0,
			params: { learningRate: 0.01 },
			checkpointPolicy: { every: 20, keepBest: 1, objective: study.objective },
			createdAt: 1000
		});
		expect(record.config).toEqual(resolveTrialConfig(study, 7, { learningRate: 0.01 }));
		expect(record.config.learningRate).toBe(0.01);
	});
});
