import { describe, expect, it } from 'vitest';
import type { StudyParam } from '../../study/study';
import { brushFilter, INFEASIBLE_STROKE, linePath, parallelData, setBrush, STOPPED_STROKE } from './parallel';
import { rankColor } from './study-curves';
import { syntheticStudy, type SyntheticTrial } from '../../testing/synthetic-study';

function trial(params: SyntheticTrial['params'], loss: number, status?: 'infeasible'): SyntheticTrial {
	return { params, status, trainLoss: () => loss, valLoss: () => loss };
}
const params: StudyParam[] = [
	{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' },
	{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] }
];
const study = syntheticStudy(
	[
		trial({ learningRate: 1e-4, optimizer: 'sgd' }, 0.6),
		trial({ learningRate: 1e-2, optimizer: 'adam' }, 0.2),
		trial({ learningRate: 1, optimizer: 'adam' }, NaN, 'infeasible')
	],
	{ params }
);
const choice = { metric: 'valLoss', reduce: 'best' } as const;

describe('parallelData', () => {
	it('has one axis per parameter plus the objective, with better values up', () => {
		const { axes, lines } = parallelData(study, choice);
		expect(axes.map((a) => [a.name, a.kind])).toEqual([
			['learningRate', 'param'],
			['optimizer', 'param'],
			['valLoss', 'objective']
		]);
		// Titled in words from the one vocabulary, never the code names.
		expect(axes.map((a) => a.title)).toEqual(['learning rate (log)', 'optimizer', 'validation loss (nats)']);
		// Log axis: 1e-2 is halfway. Loss is minimised: 0.2 (best) at the top, 0.6 at the bottom.
		expect(lines[1]!.positions[0]).toBeCloseTo(0.5, 6);
		expect(lines[1]!.positions[2]).toBe(1);
		expect(lines[0]!.positions[2]).toBe(0);
		expect(lines[2]).toMatchObject({ infeasible: true, value: null, color: INFEASIBLE_STROKE });
		expect(lines[2]!.positions[2]).toBe(0);
		expect(lines[0]!.positions[1]).toBeLessThan(lines[1]!.positions[1]!); // sgd band below adam's
		// One colour for better on the page: the best trial takes viridis's dark start (#440154), as the
		// best-ranked study curve does; the worst stops at 0.85 of the ramp, short of the pale yellow.
		expect(lines[1]!.color).toBe('#440154');
		expect(lines[0]!.color).toBe(rankColor(1, 2));
	});
});

describe('trials stopped by successive halving', () => {
	it('get their own stroke and flag, widen the objective axis, and leave the colour ramp to the others', () => {
		const withStopped = syntheticStudy(
			[
				trial({ learningRate: 1e-4, optimizer: 'sgd' }, 0.6),
				trial({ learningRate: 1e-2, optimizer: 'adam' }, 0.2),
				trial({ learningRate: 1e-3, optimizer: 'adam' }, 1)
			],
			{ params }
		);
		withStopped.trials[2]!.status = 'stopped';
		const { lines } = parallelData(withStopped, choice);
		expect(lines[2]).toMatchObject({ stopped: true, value: 1, color: STOPPED_STROKE, infeasible: false });
		// The axis spans 0.2…1 (the stopped 1.0 at the bottom): 0.6 sits halfway.
		expect(lines[2]!.positions[2]).toBe(0);
		expect(lines[0]!.positions[2]).toBeCloseTo(0.5, 6);
		// The ramp spans 0.2…0.6 only: the worst finished trial keeps the ramp's dark end, as without it.
		expect(lines[0]!.color).toBe(parallelData(study, choice).lines[0]!.color);
	});
});

describe('brushFilter', () => {
	const lines = [
		{ trialIndex: 0, positions: [0.1, 0.9, 0.5] },
		{ trialIndex: 1, positions: [0.5, 0.2, 0.8] },
		{ trialIndex: 2, positions: [0.9, undefined, 0.8] }
	];
	it('keeps every trial without brushes', () => {
		expect([...brushFilter(lines, [])]).toEqual([0, 1, 2]);
	});
	it('keeps the trials inside a brush, ends included, in either drag direction', () => {
		expect([...brushFilter(lines, [{ axis: 0, from: 0.5, to: 1 }])]).toEqual([1, 2]);
		expect([...brushFilter(lines, [{ axis: 0, from: 1, to: 0.5 }])]).toEqual([1, 2]);
	});
	it('ANDs brushes on several axes and drops trials with no value on a brushed axis', () => {
		expect([
			...brushFilter(lines, [
				{ axis: 0, from: 0.4, to: 1 },
				{ axis: 2, from: 0.7, to: 0.9 }
			])
		]).toEqual([1, 2]);
		expect([...brushFilter(lines, [{ axis: 1, from: 0, to: 1 }])]).toEqual([0, 1]);
	});
});

describe('setBrush', () => {
	it('keeps one brush per axis and removes a brush of no height', () => {
		const one = setBrush([], { axis: 1, from: 0.2, to: 0.4 });
		const replaced = setBrush(one, { axis: 1, from: 0.5, to: 0.9 });
		expect(replaced).toEqual([{ axis: 1, from: 0.5, to: 0.9 }]);
		expect(setBrush(replaced, { axis: 1, from: 0.3, to: 0.3 })).toEqual([]);
	});
});

describe('linePath', () => {
	it('breaks the line where a parameter was inactive', () => {
		expect(linePath([0, 1, undefined, 0.5], [0, 10, 20, 30], 100)).toBe('M0,100L10,0M30,50');
	});
});
