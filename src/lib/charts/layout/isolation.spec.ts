import { describe, expect, it } from 'vitest';
import type { StudyParam } from '../../study/study';
import { bucketEdges, bucketOf, isolationGroups, layoutIsolation, scientificNames } from './isolation';
import { syntheticStudy, type SyntheticTrial } from '../../testing/synthetic-study';

function trial(params: SyntheticTrial['params'], loss: number, status?: 'infeasible'): SyntheticTrial {
	return { params, status, trainLoss: () => loss, valLoss: () => loss };
}
const choice = { metric: 'valLoss', reduce: 'best' } as const;

describe('isolationGroups for a categorical scientific parameter', () => {
	const params: StudyParam[] = [
		{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'momentum', 'adam'] },
		{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' }
	];
	// Per optimizer, the learning rate (a nuisance) decides the loss; the best of each group is known.
	const study = syntheticStudy(
		[
			trial({ optimizer: 'sgd', learningRate: 1e-3 }, 0.9),
			trial({ optimizer: 'sgd', learningRate: 1e-1 }, 0.6),
			trial({ optimizer: 'adam', learningRate: 1e-4 }, 0.5),
			trial({ optimizer: 'adam', learningRate: 1e-3 }, 0.2),
			trial({ optimizer: 'adam', learningRate: 1e-1 }, NaN, 'infeasible'),
			trial({ optimizer: 'adam', learningRate: 1e-2 }, 0.35)
		],
		{ params }
	);

	it('keeps the best trial of each value, counts trials and infeasible ones', () => {
		const result = isolationGroups(study, 'optimizer', choice);
		expect(result.kind).toBe('values');
		expect(result.groups).toEqual([
			{ label: 'sgd', range: null, category: 'sgd', bestTrialIndex: 1, value: 0.6, count: 2, infeasible: 0 },
			{
				label: 'momentum',
				range: null,
				category: 'momentum',
				bestTrialIndex: null,
				value: null,
				count: 0,
				infeasible: 0
			},
			{ label: 'adam', range: null, category: 'adam', bestTrialIndex: 3, value: 0.2, count: 3, infeasible: 1 }
		]);
	});
	it('counts trials stopped by successive halving apart and never makes one the best of its group', () => {
		const withStopped = structuredClone(study);
		// Trial 0 (sgd, 0.9) would not be best anyway; make the best sgd trial (0.6) a stopped one instead.
		withStopped.trials[1]!.status = 'stopped';
		const [sgd] = isolationGroups(withStopped, 'optimizer', choice).groups;
		expect(sgd).toEqual({
			label: 'sgd',
			range: null,
			category: 'sgd',
			bestTrialIndex: 0,
			value: 0.9,
			count: 1,
			infeasible: 0,
			stopped: 1
		});
	});

	it('follows the metric direction (accuracy is maximised)', () => {
		const result = isolationGroups(study, 'optimizer', { metric: 'valAccuracy', reduce: 'best' });
		// valAccuracy = exp(−loss): the lowest loss has the highest accuracy.
		expect(result.groups[2]!.bestTrialIndex).toBe(3);
		expect(result.groups[2]!.value).toBeCloseTo(Math.exp(-0.2), 12);
	});
	it('lists the scientific parameters and lays the groups out in equal bands', () => {
		expect(scientificNames(params)).toEqual(['optimizer']);
		const layout = layoutIsolation(
			isolationGroups(study, 'optimizer', choice),
			{ width: 300, height: 100 },
			'valLoss'
		);
		expect(layout.groups.map((g) => g.cy === null)).toEqual([false, true, false]);
		expect(layout.groups[1]!.cx - layout.groups[0]!.cx).toBeCloseTo(
			layout.groups[2]!.cx - layout.groups[1]!.cx,
			6
		);
	});
});

describe('isolationGroups for a continuous parameter', () => {
	it('buckets a log range into equal ratios and keeps the best per bucket', () => {
		const params: StudyParam[] = [
			{ name: 'weightDecay', role: 'scientific', type: 'float', min: 1e-6, max: 1, scale: 'log' },
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' }
		];
		const study = syntheticStudy(
			[
				trial({ weightDecay: 1e-6, learningRate: 0.01 }, 0.8),
				trial({ weightDecay: 5e-6, learningRate: 0.001 }, 0.7),
				trial({ weightDecay: 2e-3, learningRate: 0.01 }, 0.4),
				trial({ weightDecay: 1, learningRate: 0.01 }, 0.95)
			],
			{ params }
		);
		const result = isolationGroups(study, 'weightDecay', choice);
		expect(result.kind).toBe('buckets');
		// Six buckets of one decade each: [1e-6, 1e-5), …, [0.1, 1].
		expect(result.groups.map((g) => g.range![0])).toEqual(
			[1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1].map((v) => expect.closeTo(v, 12))
		);
		expect(result.groups.map((g) => [g.count, g.bestTrialIndex, g.value])).toEqual([
			[2, 1, 0.7],
			[0, null, null],
			[0, null, null],
			[1, 2, 0.4],
			[0, null, null],
			[1, 3, 0.95]
		]);
	});
	it('groups a narrow integer range per value', () => {
		const params: StudyParam[] = [
			{ name: 'depth', role: 'scientific', type: 'int', min: 1, max: 3, scale: 'linear' }
		];
		const study = syntheticStudy(
			[trial({ depth: 1 }, 0.5), trial({ depth: 3 }, 0.4), trial({ depth: 3 }, 0.3)],
			{
				params
			}
		);
		const result = isolationGroups(study, 'depth', choice);
		expect(result.kind).toBe('values');
		expect(result.groups.map((g) => [g.label, g.count, g.value])).toEqual([
			['1', 1, 0.5],
			['2', 0, null],
			['3', 2, 0.3]
		]);
	});
	it('rejects an unknown parameter', () => {
		expect(() => isolationGroups(syntheticStudy([]), 'nope', choice)).toThrow(/nope/);
	});
});

describe('bucketEdges and bucketOf', () => {
	it('splits a linear range evenly and puts the upper bound in the last bucket', () => {
		const edges = bucketEdges({ kind: 'linear', min: 0, max: 6 }, 3);
		expect(edges).toEqual([0, 2, 4, 6]);
		expect([0, 1.99, 2, 5.9, 6, 6.1, -1].map((v) => bucketOf(edges, v))).toEqual([0, 0, 1, 2, 2, -1, -1]);
	});
});
