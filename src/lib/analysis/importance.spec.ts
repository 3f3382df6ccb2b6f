import { describe, expect, it } from 'vitest';
import { Random } from '../math/random';
import type { StudyParam } from '../study/study';
import { computeImportance, fitTree, forestImportance, treeVariances, unitCoordinate } from './importance';
import { syntheticStudy, type SyntheticTrial } from '../testing/synthetic-study';

const choice = { metric: 'valLoss', reduce: 'best' } as const;

/** A trial whose validation loss is the constant `loss` at every evaluation. */
function flatTrial(
	params: SyntheticTrial['params'],
	loss: number,
	status?: SyntheticTrial['status']
): SyntheticTrial {
	return { params, status, trainLoss: () => loss, valLoss: () => loss };
}

describe('unitCoordinate', () => {
	it('maps log ranges by the logarithm, linear ranges linearly, bands to their centres', () => {
		expect(unitCoordinate({ name: 'lr', kind: 'log', min: 1e-4, max: 1 }, 1e-2)).toBeCloseTo(0.5, 12);
		expect(unitCoordinate({ name: 'm', kind: 'linear', min: 0, max: 0.8 }, 0.2)).toBeCloseTo(0.25, 12);
		expect(unitCoordinate({ name: 'opt', kind: 'band', values: ['sgd', 'adam'] }, 'adam')).toBe(0.75);
		expect(unitCoordinate({ name: 'opt', kind: 'band', values: ['sgd', 'adam'] }, 'nadam')).toBeUndefined();
	});
});

describe('treeVariances (exact fANOVA of one tree)', () => {
	it('splits the variance of a hand-built tree into its main effects', () => {
		// f = 1 on x0 < 0.5, else 3: total variance 1, all of it along x0.
		const leaves = [
			{ lo: Float64Array.of(0, 0), hi: Float64Array.of(0.5, 1), value: 1 },
			{ lo: Float64Array.of(0.5, 0), hi: Float64Array.of(1, 1), value: 3 }
		];
		const { total, main } = treeVariances(leaves, 2);
		expect(total).toBeCloseTo(1, 12);
		expect(main[0]).toBeCloseTo(1, 12);
		expect(main[1]).toBeCloseTo(0, 12);
	});
	it('leaves a pure interaction (XOR) out of both main effects', () => {
		const leaves = [
			{ lo: Float64Array.of(0, 0), hi: Float64Array.of(0.5, 0.5), value: 1 },
			{ lo: Float64Array.of(0, 0.5), hi: Float64Array.of(0.5, 1), value: -1 },
			{ lo: Float64Array.of(0.5, 0), hi: Float64Array.of(1, 0.5), value: -1 },
			{ lo: Float64Array.of(0.5, 0.5), hi: Float64Array.of(1, 1), value: 1 }
		];
		const { total, main } = treeVariances(leaves, 2);
		expect(total).toBeCloseTo(1, 12);
		expect(main[0]).toBeCloseTo(0, 12);
		expect(main[1]).toBeCloseTo(0, 12);
	});
	it('fits a step function exactly with one split in the middle of the gap', () => {
		const xs = [0.1, 0.2, 0.7, 0.9].map((x) => Float64Array.of(x));
		const leaves = fitTree(xs, [0, 0, 5, 5], [0, 1, 2, 3], { minLeaf: 1, maxDepth: 8 });
		expect(leaves.map((l) => l.value)).toEqual([0, 5]);
		expect(leaves[0]!.hi[0]).toBeCloseTo(0.45, 12);
		expect(leaves[1]!.lo[0]).toBeCloseTo(0.45, 12);
	});
});

describe('forestImportance', () => {
	it('gives the additive f = 3·x1 + x2 on uniform samples main-effect shares ≈ 9/10 and 1/10', () => {
		const random = new Random(7);
		const xs: Float64Array[] = [];
		const ys: number[] = [];
		for (let i = 0; i < 400; i++) {
			const x = Float64Array.of(random.next(), random.next());
			xs.push(x);
			ys.push(3 * x[0]! + x[1]!);
		}
		const [s1, s2] = forestImportance(xs, ys);
		// Var(3·U) = 9/12 and Var(U) = 1/12 of a total 10/12; a finite forest lands near, not on, them.
		expect(s1).toBeGreaterThan(0.85);
		expect(s1).toBeLessThan(0.95);
		expect(s2).toBeGreaterThan(0.06);
		expect(s2).toBeLessThan(0.14);
	});
	it('is deterministic for a seed', () => {
		const random = new Random(3);
		const xs = Array.from({ length: 40 }, () => Float64Array.of(random.next(), random.next()));
		const ys = xs.map((x) => Math.sin(6 * x[0]!) + x[1]! * x[0]!);
		expect(forestImportance(xs, ys, { seed: 5 })).toEqual(forestImportance(xs, ys, { seed: 5 }));
	});
	it('returns zeros below the minimum number of trials', () => {
		expect(forestImportance([Float64Array.of(0.5)], [1])).toEqual([0]);
	});
});

describe('computeImportance', () => {
	const params: StudyParam[] = [
		{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' },
		{ name: 'weightDecay', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' }
	];

	it('puts the only parameter the objective depends on first with importance ≈ 1', () => {
		const random = new Random(11);
		const trials: SyntheticTrial[] = [];
		for (let i = 0; i < 48; i++) {
			const learningRate = 10 ** (-4 + 3 * random.next());
			const weightDecay = 10 ** (-4 + 4 * random.next());
			// A bowl in log10(lr) around 1e-2; weight decay has no effect at all.
			trials.push(flatTrial({ learningRate, weightDecay }, 0.2 + (Math.log10(learningRate) + 2) ** 2));
		}
		// Infeasible trials carry huge values that would dominate the variance if they were counted.
		trials.push(flatTrial({ learningRate: 0.09, weightDecay: 1e-4 }, 1e6, 'infeasible'));
		const result = computeImportance(syntheticStudy(trials, { params }), choice);
		expect(result.map((r) => r.name)).toEqual(['learningRate', 'weightDecay']);
		expect(result[0]!.importance).toBeGreaterThan(0.95);
		expect(result[1]!.importance).toBeLessThan(0.03);
	});

	it('counts only finished trials: running, cancelled and failed ones carry no evidence', () => {
		const random = new Random(12);
		const trials: SyntheticTrial[] = [];
		for (let i = 0; i < 48; i++) {
			const learningRate = 10 ** (-4 + 3 * random.next());
			const weightDecay = 10 ** (-4 + 4 * random.next());
			trials.push(flatTrial({ learningRate, weightDecay }, 0.2 + (Math.log10(learningRate) + 2) ** 2));
		}
		// Half-run trials whose partial losses follow weight decay alone: counted, they would rank it first.
		for (const [k, status] of (['running', 'cancelled', 'failed'] as const).entries()) {
			for (let i = 0; i < 16; i++) {
				const weightDecay = 10 ** (-4 + (4 * (i + 0.5)) / 16);
				trials.push(
					flatTrial({ learningRate: 10 ** (-4 + (k + 0.5)), weightDecay }, 50 * weightDecay, status)
				);
			}
		}
		const result = computeImportance(syntheticStudy(trials, { params }), choice);
		expect(result.map((r) => r.name)).toEqual(['learningRate', 'weightDecay']);
		expect(result[0]!.importance).toBeGreaterThan(0.95);
	});

	it('handles categorical parameters as bands and conditional parameters with an inactive band', () => {
		const categorical: StudyParam[] = [
			{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] },
			{
				name: 'momentum',
				role: 'nuisance',
				type: 'float',
				min: 0,
				max: 0.99,
				scale: 'linear',
				when: { optimizer: ['sgd'] }
			}
		];
		const trials: SyntheticTrial[] = [];
		for (let i = 0; i < 20; i++) {
			trials.push(flatTrial({ optimizer: 'adam' }, 0.3));
			trials.push(flatTrial({ optimizer: 'sgd', momentum: i / 21 }, 0.9));
		}
		const result = computeImportance(syntheticStudy(trials, { params: categorical }), choice);
		expect(result[0]!.name).toBe('optimizer');
		expect(result[0]!.importance).toBeGreaterThan(0.9);
		expect(result.find((r) => r.name === 'momentum')!.importance).toBeLessThan(0.1);
	});

	it('gives every parameter 0 when there are too few feasible trials', () => {
		const trials = [flatTrial({ learningRate: 0.01, weightDecay: 0.1 }, 1)];
		expect(computeImportance(syntheticStudy(trials, { params }), choice)).toEqual([
			{ name: 'learningRate', importance: 0 },
			{ name: 'weightDecay', importance: 0 }
		]);
	});
});
