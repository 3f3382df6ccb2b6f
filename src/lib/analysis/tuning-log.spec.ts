import { describe, expect, it } from 'vitest';
import type { StudyRecord, TrialRecord } from '$lib/storage/schema';
import type { TrialStatus } from '$lib/study/metrics';
import type { ObjectiveMetric } from '$lib/study/study';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import {
	buildTuningLog,
	configChanges,
	fixedKeysOf,
	formatValue,
	studyBest,
	summaryBest
} from './tuning-log';

function study(id: string, createdAt: number, metric: ObjectiveMetric = 'valLoss', extra = {}): StudyRecord {
	return {
		id,
		createdAt,
		updatedAt: createdAt,
		status: 'finished',
		imported: false,
		definition: {
			name: `study ${id}`,
			goal: `goal of ${id}`,
			workload: { dataset: 'digits', model: 'mlp' },
			budget: { maxTrainSteps: 10, evalEvery: 5, checkpointEvery: 5, keepBestCheckpoints: 1 },
			objective: { metric, goal: metric === 'valAccuracy' ? 'maximize' : 'minimize' },
			fixed: {},
			search: { algorithm: 'quasi-random', trials: 3, seed: 1 },
			params: [],
			trials: []
		},
		...extra
	};
}

function trial(index: number, status: TrialStatus, loss: number | null, accuracy = 0.5): TrialRecord {
	return {
		id: `t${index}`,
		studyId: 's',
		index,
		createdAt: index,
		updatedAt: index,
		config: DEFAULT_TRIAL_CONFIG,
		status,
		lastStep: 10,
		summary:
			loss === null
				? null
				: {
						bestValLoss: loss,
						bestValLossStep: 5 + index,
						bestValAccuracy: accuracy,
						finalValLoss: loss + 0.1,
						finalValAccuracy: accuracy
					}
	};
}

describe('summaryBest', () => {
	it('reads the validation loss and accuracy from the summary, and nothing for the training loss', () => {
		const t = trial(2, 'completed', 0.4, 0.9);
		expect(summaryBest(t, 'valLoss')).toEqual({ value: 0.4, step: 7 });
		expect(summaryBest(t, 'valAccuracy')).toEqual({ value: 0.9 });
		expect(summaryBest(t, 'trainLoss')).toBeNull();
		expect(summaryBest(trial(0, 'queued', null), 'valLoss')).toBeNull();
	});
});

describe('studyBest', () => {
	const trials = [
		trial(0, 'completed', 0.5, 0.8),
		trial(1, 'cancelled', 0.3, 0.95),
		trial(2, 'infeasible', 0.1, 0.99),
		trial(3, 'failed', 0.05, 1),
		trial(4, 'queued', null)
	];

	it('picks the lowest loss, leaving out infeasible and failed trials', () => {
		expect(studyBest(trials, 'valLoss', 'minimize')).toEqual({ value: 0.3, trialIndex: 1, step: 6 });
	});

	it('never picks a trial stopped early by successive halving, in either direction', () => {
		// The stopped trial has the lowest loss (0.2) and the highest accuracy (0.97) of the feasible ones.
		const withStopped = [...trials, trial(5, 'stopped', 0.2, 0.97)];
		expect(studyBest(withStopped, 'valLoss', 'minimize')).toMatchObject({ value: 0.3, trialIndex: 1 });
		expect(studyBest(withStopped, 'valAccuracy', 'maximize')).toMatchObject({ value: 0.95, trialIndex: 1 });
	});

	it('picks the highest accuracy when maximizing', () => {
		expect(studyBest(trials, 'valAccuracy', 'maximize')).toMatchObject({ value: 0.95, trialIndex: 1 });
	});

	it('uses the given values where the summary has none, and skips non-finite values', () => {
		const values: Record<string, number> = { t0: 1.2, t1: 0.7, t4: NaN };
		const best = studyBest(trials, 'trainLoss', 'minimize', (t) =>
			t.id in values ? { value: values[t.id]!, step: 9 } : null
		);
		expect(best).toEqual({ value: 0.7, trialIndex: 1, step: 9 });
	});

	it('is null before any trial has a value', () => {
		expect(studyBest([trial(0, 'queued', null)], 'valLoss', 'minimize')).toBeNull();
		expect(studyBest([], 'valLoss', 'minimize')).toBeNull();
	});
});

describe('buildTuningLog', () => {
	it('dates a finished study by the end of its last trial run, not by its creation', () => {
		const ran = (index: number, runs: TrialRecord['runs']): TrialRecord => ({
			...trial(index, 'completed', 0.5),
			runs
		});
		const trials: Record<string, TrialRecord[]> = {
			done: [
				ran(0, [{ slot: 0, startedAt: 1_000, endedAt: 5_000 }]),
				// Paused and resumed: its second stretch ends last.
				ran(1, [
					{ slot: 1, startedAt: 1_000, endedAt: 2_000 },
					{ slot: 0, startedAt: 5_000, endedAt: 9_000 }
				])
			],
			running: [
				ran(0, [{ slot: 0, startedAt: 1_000, endedAt: 3_000 }]),
				ran(1, [{ slot: 1, startedAt: 3_000 }])
			],
			old: [ran(0, [])]
		};
		const rows = buildTuningLog(
			[study('done', 100), study('running', 200, 'valLoss', { status: 'running' }), study('old', 300)],
			(id) => trials[id] ?? []
		);
		expect(rows.map((r) => [r.studyId, r.finishedAt])).toEqual([
			['done', 9_000],
			['running', undefined],
			// Trials stored before run times were: no finish time is invented.
			['old', undefined]
		]);
		expect(rows[0]!.createdAt).toBe(100);
	});

	it('lists studies oldest first with trial counts, best result and conclusion', () => {
		const studies = [
			study('b', 20, 'valAccuracy'),
			study('a', 10, 'valLoss', { conclusion: 'Adam wins', changedBaseline: true, concludedAt: 15 })
		];
		const trials: Record<string, TrialRecord[]> = {
			a: [trial(0, 'completed', 0.6), trial(1, 'completed', 0.4), trial(2, 'running', 0.9)],
			b: [trial(0, 'queued', null)]
		};
		const rows = buildTuningLog(studies, (id) => trials[id] ?? []);
		expect(rows.map((r) => r.studyId)).toEqual(['a', 'b']);
		expect(rows[0]).toMatchObject({
			name: 'study a',
			goal: 'goal of a',
			completed: 2,
			total: 3,
			metric: 'valLoss',
			direction: 'minimize',
			best: { value: 0.4, trialIndex: 1 },
			conclusion: 'Adam wins',
			changedBaseline: true,
			concludedAt: 15
		});
		expect(rows[1]).toMatchObject({
			completed: 0,
			total: 1,
			best: null,
			conclusion: '',
			changedBaseline: false
		});
		expect(rows[1]).not.toHaveProperty('concludedAt');
	});

	it('does not count cooldown branches as trials', () => {
		const branch: TrialRecord = {
			...trial(9, 'completed', 0.01),
			branch: {
				parentId: 't0',
				fromStep: 5,
				length: 5,
				shape: 'linear',
				finalFraction: 0,
				baseTotalSteps: 10
			}
		};
		const [row] = buildTuningLog([study('a', 1)], () => [trial(0, 'completed', 0.5), branch]);
		expect(row).toMatchObject({ completed: 1, total: 1, best: { value: 0.5, trialIndex: 0 } });
	});
});

describe('fixedKeysOf', () => {
	it('keeps the fixable keys and drops workload, budget and unset keys', () => {
		const fixed = fixedKeysOf({ ...DEFAULT_TRIAL_CONFIG, learningRate: 0.02, cnnWidth: undefined });
		expect(fixed.learningRate).toBe(0.02);
		expect(fixed).not.toHaveProperty('dataset');
		expect(fixed).not.toHaveProperty('model');
		expect(fixed).not.toHaveProperty('maxTrainSteps');
		expect(fixed).not.toHaveProperty('cnnWidth');
	});
});

describe('formatValue', () => {
	it('shows four significant digits, or a dash for no value', () => {
		expect(formatValue(0.123456)).toBe('0.1235');
		expect(formatValue(12)).toBe('12');
		expect(formatValue(null)).toBe('—');
		expect(formatValue(NaN)).toBe('—');
	});
});

describe('configChanges', () => {
	it('lists the keys that differ, added and removed ones included', () => {
		expect(
			configChanges(
				{ optimizer: 'sgd', learningRate: 0.1, batchSize: 32 },
				{ optimizer: 'adam', learningRate: 0.1, warmupSteps: 10, batchSize: 32 }
			)
		).toEqual([
			{ key: 'optimizer', before: 'sgd', after: 'adam' },
			{ key: 'warmupSteps', before: undefined, after: 10 }
		]);
		expect(configChanges({ learningRate: 1 }, { learningRate: 1 })).toEqual([]);
	});
});
