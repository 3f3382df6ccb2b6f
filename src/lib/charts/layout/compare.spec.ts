import { describe, expect, it } from 'vitest';
import type { StudyParam, TrialRecord } from '../../study/study';
import { comparableNames, groupCountLabel, layoutCompare, layoutCompareIsolation } from './compare';

describe('layoutCompare', () => {
	const a = {
		id: 'a',
		label: 'Round 1',
		trials: [
			{ index: 0, value: 0.8, infeasible: false },
			{ index: 1, value: 0.5, infeasible: false },
			{ index: 2, value: 0.6, infeasible: false }
		]
	};
	const b = {
		id: 'b',
		label: 'Round 2',
		trials: [
			{ index: 0, value: 0.4, infeasible: false },
			{ index: 1, value: null, infeasible: true },
			{ index: 2, value: 0.3, infeasible: false },
			{ index: 3, value: 0.7, infeasible: false }
		]
	};

	it('draws every study on one trial axis and one value axis', () => {
		const layout = layoutCompare([a, b], { width: 300, height: 100 }, 'minimize');
		// Shared axes: trials 0…3 over 0…300 px (100 px a trial); values 0.3…0.8 (both studies) over 100…0 px,
		// so 0.8 → 0, 0.5 → 60, 0.4 → 80, 0.3 → 100.
		const [first, second] = layout.studies;
		// Round 1's best: 0.8, 0.5, 0.5, ending at its own last trial (2).
		expect(first!.bestPath).toBe('M0,0H100V60H200V60H200');
		expect(first!.best).toBe(0.5);
		// Round 2's best: 0.4, 0.4 (trial 1 infeasible), 0.3, 0.3.
		expect(second!.bestPath).toBe('M0,80H100V80H200V100H300V100H300');
		expect(second!.best).toBe(0.3);
		expect(first!.color).not.toBe(second!.color);
	});

	it('draws every EDF on one value axis, each rising to 1 over its own feasible trials', () => {
		const layout = layoutCompare([a, b], { width: 300, height: 100 }, 'minimize');
		// Values 0.3…0.8 over 0…300 px (600 px per unit); shares of 3 values: 1/3, 2/3, 1 at 66.667, 33.333, 0 px.
		expect(layout.studies[0]!.edfPath).toBe('M0,100H120V66.667H180V33.333H300V0H300');
		expect(layout.studies[1]!.edfPath).toBe('M0,100H0V66.667H60V33.333H240V0H300');
		expect(layout.studies.map((s) => [s.values, s.infeasible])).toEqual([
			[3, 0],
			[3, 1]
		]);
		expect(layout.edf.yTicks.map((t) => t.value)).toEqual([0, 0.25, 0.5, 0.75, 1]);
	});

	it('names the stopped trials it leaves out in the key and keeps them off both lines', () => {
		// Round 2 with 2 trials stopped by halving: they are not among its history trials, so the lines are
		// those of the first test exactly; only the key and the counts say they were left out.
		const layout = layoutCompare([a, { ...b, stopped: 2 }], { width: 300, height: 100 }, 'minimize');
		const [first, second] = layout.studies;
		expect(second!.bestPath).toBe('M0,80H100V80H200V100H300V100H300');
		expect(second!.edfPath).toBe('M0,100H0V66.667H60V33.333H240V0H300');
		expect(second!.best).toBe(0.3);
		expect([first!.stopped, second!.stopped]).toEqual([0, 2]);
		expect([first!.keyLabel, second!.keyLabel]).toEqual(['Round 1', 'Round 2 (2 stopped early: not drawn)']);
	});

	it('keeps the larger value as the best for a maximised objective', () => {
		const layout = layoutCompare([a, b], { width: 300, height: 100 }, 'maximize');
		expect(layout.studies.map((s) => s.best)).toEqual([0.8, 0.7]);
	});
});

describe('layoutCompareIsolation', () => {
	const t = (index: number, optimizer: string, valLoss: number | null, status = 'completed') =>
		({
			index,
			params: { optimizer, learningRate: 0.01 },
			config: {},
			seed: index,
			status,
			metrics: {
				train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
				evals: valLoss === null ? [] : [{ step: 10, valLoss, valAccuracy: 0 }]
			}
		}) as unknown as TrialRecord;
	const lr: StudyParam = {
		name: 'learningRate',
		role: 'nuisance',
		type: 'float',
		min: 1e-3,
		max: 1,
		scale: 'log'
	};
	const a = {
		id: 'a',
		label: 'A',
		study: {
			params: [
				{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['adam', 'sgd'] },
				lr
			] as StudyParam[],
			trials: [t(0, 'adam', 1.2), t(1, 'adam', 1.1), t(2, 'sgd', 1.3)]
		}
	};
	const b = {
		id: 'b',
		label: 'B',
		study: {
			params: [
				{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['adam', 'nesterov'] }
			] as StudyParam[],
			trials: [t(0, 'adam', 1.0), t(1, 'nesterov', 1.4), t(2, 'nesterov', null, 'infeasible')]
		}
	};

	it('groups every study on the union of values and draws them on one objective axis', () => {
		const layout = layoutCompareIsolation(
			[a, b],
			'optimizer',
			{ metric: 'valLoss', reduce: 'best' },
			{
				panelWidth: 90,
				height: 100,
				gap: 10
			}
		);
		// Groups adam, sgd, nesterov in every panel. Bands of a 90 px panel with padding 0.25: step
		// 90 / 3.25 = 27.692 px, band 20.769 px, centres at 17.308, 45 and 72.692 px. One value axis over
		// 1.0…1.4 (both studies) from 100 px down to 0: 1.1 → 75, 1.3 → 25, 1.0 → 100, 1.4 → 0.
		expect(layout.panels.map((p) => p.groups.map((g) => g.label))).toEqual([
			['adam', 'sgd', 'nesterov'],
			['adam', 'sgd', 'nesterov']
		]);
		const [first, second] = layout.panels;
		expect(first!.groups.map((g) => [g.cx, g.cy])).toEqual([
			[17.308, 75],
			[45, 25],
			[72.692, null]
		]);
		expect(first!.path).toBe('M17.308,75L45,25');
		expect(second!.groups.map((g) => [g.cy, g.count, g.infeasible])).toEqual([
			[100, 1, 0],
			[null, 0, 0],
			[0, 1, 1]
		]);
		// The path breaks at the empty sgd group of B.
		expect(second!.path).toBe('M17.308,100M72.692,0');
		expect([first!.x0, second!.x0]).toEqual([0, 100]);
		expect(layout.y.position(1.2)).toBe(50);
	});

	it('counts stopped trials per group and never makes one a group best', () => {
		// A's best adam trial (1.1) becomes a stopped one, and B gets a stopped nesterov trial at 0.1, better
		// than anything: adam's best in A falls back to trial 0 (1.2), B's nesterov stays 1.4 (trial 1).
		const stoppedA = {
			...a,
			study: { ...a.study, trials: [t(0, 'adam', 1.2), t(1, 'adam', 1.1, 'stopped'), t(2, 'sgd', 1.3)] }
		};
		const stoppedB = {
			...b,
			study: { ...b.study, trials: [...b.study.trials, t(3, 'nesterov', 0.1, 'stopped')] }
		};
		const layout = layoutCompareIsolation(
			[stoppedA, stoppedB],
			'optimizer',
			{ metric: 'valLoss', reduce: 'best' },
			{ panelWidth: 90, height: 100, gap: 10 }
		);
		const [first, second] = layout.panels;
		expect(first!.groups.map((g) => [g.bestTrialIndex, g.value, g.count, g.stopped ?? 0])).toEqual([
			[0, 1.2, 1, 1],
			[2, 1.3, 1, 0],
			[null, null, 0, 0]
		]);
		expect(second!.groups.map((g) => [g.bestTrialIndex, g.value, g.count, g.stopped ?? 0])).toEqual([
			[0, 1.0, 1, 0],
			[null, null, 0, 0],
			[1, 1.4, 1, 1]
		]);
		expect([first!.stopped, second!.stopped]).toEqual([1, 1]);
		// The shared axis spans the group bests 1.0…1.4 only: the stopped 0.1 is not on it.
		expect(layout.y.position(1.0)).toBe(100);
		expect(layout.y.position(1.4)).toBe(0);
		expect(second!.groups.map(groupCountLabel)).toEqual(['n=1', 'n=0', 'n=1 ×1 ○1']);
	});

	it('marks a study that does not search the parameter, and lists scientific names first', () => {
		const layout = layoutCompareIsolation(
			[a, b],
			'learningRate',
			{ metric: 'valLoss', reduce: 'best' },
			{
				panelWidth: 90,
				height: 100
			}
		);
		expect(layout.panels.map((p) => p.searched)).toEqual([true, false]);
		expect(layout.kind).toBe('buckets');
		expect(comparableNames([b, a])).toEqual(['optimizer', 'learningRate']);
		expect(() =>
			layoutCompareIsolation(
				[b],
				'learningRate',
				{ metric: 'valLoss', reduce: 'best' },
				{ panelWidth: 9, height: 9 }
			)
		).toThrow(/learningRate/);
	});
});
