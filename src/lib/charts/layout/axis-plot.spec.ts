import { describe, expect, it } from 'vitest';
import type { StudyParam } from '../../study/study';
import { axisPlotData, layoutAxisPlot, objectiveAxis, plotAxis, trialTitle } from './axis-plot';
import { syntheticStudy, type SyntheticTrial } from '../../testing/synthetic-study';

const params: StudyParam[] = [
	{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' },
	{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] },
	{
		name: 'momentum',
		role: 'nuisance',
		type: 'float',
		min: 0,
		max: 0.8,
		scale: 'linear',
		when: { optimizer: ['sgd'] }
	}
];

function trial(
	params: SyntheticTrial['params'],
	loss: number,
	status?: 'infeasible' | 'queued'
): SyntheticTrial {
	return { params, status, trainLoss: () => loss, valLoss: (step) => loss + 1 / (1 + step) };
}

const study = syntheticStudy(
	[
		trial({ learningRate: 1e-4, optimizer: 'adam' }, 0.5),
		trial({ learningRate: 1e-2, optimizer: 'sgd', momentum: 0.2 }, 0.3),
		trial({ learningRate: 1, optimizer: 'sgd', momentum: 0.8 }, NaN, 'infeasible'),
		trial({ learningRate: 1e-3, optimizer: 'adam' }, 0.4, 'queued')
	],
	{ params }
);
const choice = { metric: 'valLoss', reduce: 'final' } as const;

describe('axisPlotData', () => {
	it('gives one plot per searched name with the finished trials where it is active', () => {
		const plots = axisPlotData(study, choice);
		expect(plots.map((p) => [p.name, p.role, p.axis.kind, p.points.length])).toEqual([
			['learningRate', 'nuisance', 'log', 3],
			['optimizer', 'scientific', 'band', 3],
			['momentum', 'nuisance', 'linear', 2]
		]);
		const lr = plots[0]!.points;
		expect(lr.map((p) => p.trialIndex)).toEqual([0, 1, 2]);
		expect(lr[2]).toEqual({ trialIndex: 2, x: 1, y: null, infeasible: true });
		// The final validation loss at step 300: loss + 1/301.
		expect(lr[1]!.y).toBeCloseTo(0.3 + 1 / 301, 12);
	});
});

describe('trials stopped by successive halving', () => {
	it('are drawn as their own kind of point with the value they reached, and counted apart', () => {
		const withStopped = syntheticStudy(
			[
				trial({ learningRate: 1e-4, optimizer: 'adam' }, 0.5),
				trial({ learningRate: 1e-2, optimizer: 'sgd', momentum: 0.2 }, 0.9)
			],
			{ params }
		);
		withStopped.trials[1]!.status = 'stopped';
		const [lr] = axisPlotData(withStopped, choice);
		expect(lr!.points.map((p) => [p.trialIndex, p.stopped ?? false])).toEqual([
			[0, false],
			[1, true]
		]);
		expect(lr!.points[1]!.y).toBeCloseTo(0.9 + 1 / 301, 12);
		const layout = layoutAxisPlot(lr!, { width: 400, height: 100 }, 'valLoss');
		expect([layout.stoppedCount, layout.infeasibleCount]).toEqual([1, 0]);
	});
});

describe('plotAxis', () => {
	it('gives a discrete parameter one band per value, in increasing order; other axes stay', () => {
		const discrete: StudyParam[] = [
			{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [128, 32, 64] },
			{ name: 'lr', role: 'nuisance', type: 'float', min: 0.1, max: 1, scale: 'linear' }
		];
		expect(plotAxis({ name: 'hiddenWidth', kind: 'log', min: 32, max: 128 }, discrete)).toEqual({
			name: 'hiddenWidth',
			kind: 'band',
			values: [32, 64, 128]
		});
		const linear = { name: 'lr', kind: 'linear', min: 0.1, max: 1 } as const;
		expect(plotAxis(linear, discrete)).toBe(linear);
	});
});

describe('layoutAxisPlot', () => {
	it('maps a log-scaled parameter by its logarithm and puts infeasible trials on the worse edge', () => {
		const [lr] = axisPlotData(study, choice);
		const layout = layoutAxisPlot(lr!, { width: 400, height: 100 }, 'valLoss');
		// 1e-4 → 0, 1e-2 → halfway in log space, 1 → the right end.
		expect(layout.points.map((p) => p.px)).toEqual([0, 200, 400]);
		expect(layout.points[2]!.py).toBe(0); // minimised metric: worse is up
		expect(layout.infeasibleCount).toBe(1);
		const accuracy = layoutAxisPlot(lr!, { width: 400, height: 100 }, 'valAccuracy');
		expect(accuracy.points[2]!.py).toBe(100);
	});
	it('places categorical values in bands, spread within half the band', () => {
		const optimizer = axisPlotData(study, choice)[1]!;
		const layout = layoutAxisPlot(optimizer, { width: 200, height: 100 }, 'valLoss');
		const centre = (v: string) => layout.x.position(v)!;
		for (const p of layout.points) {
			expect(Math.abs(p.px - centre(p.x as string))).toBeLessThanOrEqual(layout.x.bandwidth / 4);
		}
		expect(centre('sgd')).toBeLessThan(centre('adam'));
	});
});

describe('objectiveAxis', () => {
	it('uses a log axis when positive values span more than a factor 30, else linear', () => {
		expect(objectiveAxis([0.01, 1], 100, 'minimize').log).toBe(true);
		expect(objectiveAxis([0.1, 0.9], 100, 'minimize').log).toBe(false);
		const flat = objectiveAxis([2, 2], 100, 'maximize');
		expect(flat.position(2)).toBeCloseTo(50, 6);
		expect(flat.worseEdge).toBe(100);
	});
});

describe('trialTitle', () => {
	it('names the trial, its values and its objective', () => {
		expect(
			trialTitle({ index: 3, params: { learningRate: 0.001, optimizer: 'adam' } }, 0.25, 'valLoss')
		).toBe('Trial #3\nlearning rate = 0.001\noptimizer = adam\nvalidation loss = 0.25');
		expect(trialTitle({ index: 4, params: {} }, null, 'valLoss')).toBe('Trial #4\ninfeasible');
	});
});
