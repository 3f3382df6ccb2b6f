import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '../../study/metrics';
import type { TrialRecord } from '../../study/study';
import { bestSoFar, empiricalDistribution, historyTrials, layoutEdf, layoutHistory } from './history';

/** A trial whose valLoss evaluations are `losses` (steps 10, 20, …). */
function trial(index: number, status: TrialRecord['status'], losses: number[]): TrialRecord {
	const metrics: MetricBatch = {
		train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
		evals: losses.map((valLoss, i) => ({ step: 10 * (i + 1), valLoss, valAccuracy: 1 - valLoss }))
	};
	return { index, seed: index, status, params: {}, config: {} as TrialRecord['config'], metrics };
}

describe('historyTrials', () => {
	it('keeps completed and infeasible trials in index order and leaves out running, failed and cancelled ones', () => {
		const study = {
			trials: [
				trial(3, 'completed', [0.9, 0.4]),
				trial(0, 'completed', [0.8]),
				trial(1, 'running', [0.1]),
				trial(2, 'infeasible', [2]),
				trial(4, 'failed', [0.05]),
				trial(5, 'cancelled', [0.01]),
				trial(6, 'queued', [])
			]
		};
		expect(historyTrials(study, { metric: 'valLoss', reduce: 'best' })).toEqual([
			{ index: 0, value: 0.8, infeasible: false },
			{ index: 2, value: null, infeasible: true },
			{ index: 3, value: 0.4, infeasible: false }
		]);
		// Accuracies are 1 − loss here: trial 0's best is 0.2, trial 3's best 1 − 0.4 = 0.6.
		const accuracy = historyTrials(study, { metric: 'valAccuracy', reduce: 'best' }).map((t) => t.value);
		expect(accuracy[0]).toBeCloseTo(0.2, 12);
		expect(accuracy[1]).toBeNull();
		expect(accuracy[2]).toBeCloseTo(0.6, 12);
	});
});

describe('bestSoFar', () => {
	const trials = [
		{ index: 0, value: null, infeasible: true },
		{ index: 1, value: 0.7, infeasible: false },
		{ index: 2, value: 0.9, infeasible: false },
		{ index: 3, value: null, infeasible: true },
		{ index: 4, value: 0.5, infeasible: false },
		{ index: 5, value: 0.6, infeasible: false }
	];

	it('is the running minimum in trial order, with no entry before the first value', () => {
		// By hand: nothing after the infeasible trial 0; 0.7; min(0.7, 0.9) = 0.7; 0.7; 0.5; 0.5.
		expect(bestSoFar(trials, 'minimize')).toEqual([
			{ index: 1, value: 0.7 },
			{ index: 2, value: 0.7 },
			{ index: 3, value: 0.7 },
			{ index: 4, value: 0.5 },
			{ index: 5, value: 0.5 }
		]);
	});

	it('is the running maximum for a maximised objective, whatever order the trials come in', () => {
		// By hand: 0.7, 0.9, 0.9, 0.9, 0.9.
		expect(bestSoFar([...trials].reverse(), 'maximize').map((b) => b.value)).toEqual([
			0.7, 0.9, 0.9, 0.9, 0.9
		]);
	});
});

describe('empiricalDistribution', () => {
	it('steps up by 1/n at each value and by k/n at a value reached k times, ending at 1', () => {
		// Values 0.3, 0.1, 0.3, 0.2 (and NaN, left out): sorted 0.1, 0.2, 0.3, 0.3 → 1/4, 2/4, 4/4.
		expect(empiricalDistribution([0.3, 0.1, Number.NaN, 0.3, 0.2])).toEqual([
			{ value: 0.1, fraction: 0.25 },
			{ value: 0.2, fraction: 0.5 },
			{ value: 0.3, fraction: 1 }
		]);
		expect(empiricalDistribution([])).toEqual([]);
	});
});

describe('layoutHistory', () => {
	it('draws the best-so-far step line over index, the values as dots and infeasible trials on the worse edge', () => {
		const trials = [
			{ index: 0, value: 0.8, infeasible: false },
			{ index: 1, value: null, infeasible: true },
			{ index: 2, value: 0.4, infeasible: false },
			{ index: 4, value: 0.6, infeasible: false }
		];
		const layout = layoutHistory(trials, { width: 400, height: 100 }, 'minimize');
		// x: index 0…4 over 0…400 px. y: d3's nice domain for 0.4…0.8 is 0.4…0.8, over 100…0 px.
		const y = (v: number) => 100 - ((v - 0.4) / 0.4) * 100;
		expect(layout.dots.map((d) => d.cx)).toEqual([0, 200, 400]);
		layout.dots.forEach((d) => expect(d.cy).toBeCloseTo(y(d.value), 3));
		expect(layout.crosses).toEqual([{ index: 1, cx: 100, cy: 0 }]);
		// Best so far: 0.8 at 0 and 1, 0.4 from 2 on: M0,0 H100V0 H200V100 H400V100 H400.
		expect(layout.bestPath).toBe('M0,0H100V0H200V100H400V100H400');
		expect(layout.best).toBe(0.4);
		expect(layout.log).toBe(false);
	});

	it('puts infeasible trials at the bottom when the objective is maximised', () => {
		const layout = layoutHistory(
			[
				{ index: 0, value: null, infeasible: true },
				{ index: 1, value: 0.5, infeasible: false }
			],
			{ width: 100, height: 50 },
			'maximize'
		);
		expect(layout.crosses).toEqual([{ index: 0, cx: 0, cy: 50 }]);
		expect(layout.best).toBe(0.5);
	});
});

describe('layoutEdf', () => {
	it('rises from 0 to 1 over the value axis, one riser per distinct value', () => {
		const layout = layoutEdf([1, 3, 2, 4], { width: 300, height: 100 });
		// d3's nice domain for 1…4 is 1…4: value v at (v − 1) / 3 × 300 px. Fractions 1/4 … 1 at 75 … 0 px.
		expect(layout.steps.map((s) => [s.x, s.y])).toEqual([
			[0, 75],
			[100, 50],
			[200, 25],
			[300, 0]
		]);
		expect(layout.path).toBe('M0,100H0V75H100V50H200V25H300V0H300');
		expect(layout.steps.at(-1)!.fraction).toBe(1);
	});

	it('uses a log value axis when positive values span more than 30×', () => {
		const layout = layoutEdf([0.01, 0.1, 1], { width: 200, height: 100 });
		expect(layout.log).toBe(true);
		// Log domain 0.01…1: 0.1 sits halfway.
		expect(layout.steps.map((s) => s.x)).toEqual([0, 100, 200]);
	});
});
