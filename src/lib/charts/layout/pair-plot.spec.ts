import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../math/search-space';
import {
	axisPairs,
	pairAxes,
	pairPanels,
	pairPoints,
	placeAxis,
	TRIAL_INDEX_AXIS,
	type TrialPoint
} from './pair-plot';

const lr: ParamSpec = { name: 'learningRate', type: 'float', min: 1e-4, max: 1e-2, scale: 'log' };
const optimizer: ParamSpec = { name: 'optimizer', type: 'categorical', values: ['adam', 'sgd', 'nesterov'] };
const depth: ParamSpec = { name: 'depth', type: 'int', min: 0, max: 3, scale: 'linear' };
const momentum: ParamSpec = {
	name: 'momentum',
	type: 'float',
	min: 0.8,
	max: 0.99,
	scale: 'linear',
	when: { optimizer: ['sgd', 'nesterov'] }
};

describe('pairAxes', () => {
	it('gives each name one axis: log for log ranges, band for choices, linear otherwise', () => {
		expect(pairAxes([lr, optimizer, depth, { name: 'ema', type: 'bool' }])).toEqual([
			{ name: 'learningRate', kind: 'log', min: 1e-4, max: 1e-2 },
			{ name: 'optimizer', kind: 'band', values: ['adam', 'sgd', 'nesterov'] },
			{ name: 'depth', kind: 'linear', min: 0, max: 3 },
			{ name: 'ema', kind: 'band', values: [false, true] }
		]);
	});

	it('merges parameters of one name into one axis spanning all their ranges', () => {
		const adamLr: ParamSpec = { ...lr, min: 1e-4, max: 1e-1, when: { optimizer: ['adam'] } };
		const sgdLr: ParamSpec = { ...lr, min: 1e-2, max: 3, when: { optimizer: ['sgd'] } };
		expect(pairAxes([optimizer, adamLr, sgdLr])[1]).toEqual({
			name: 'learningRate',
			kind: 'log',
			min: 1e-4,
			max: 3
		});
		const linearToo: ParamSpec = { ...sgdLr, scale: 'linear' };
		expect(pairAxes([adamLr, linearToo])[0]!.kind).toBe('linear');
	});

	it('puts discrete values on a log axis only when they span two decades', () => {
		const rates: ParamSpec = { name: 'learningRate', type: 'discrete', values: [1e-4, 1e-3, 1e-2] };
		const widths: ParamSpec = { name: 'hiddenWidth', type: 'discrete', values: [32, 64, 128] };
		expect(pairAxes([rates, widths])).toEqual([
			{ name: 'learningRate', kind: 'log', min: 1e-4, max: 1e-2 },
			{ name: 'hiddenWidth', kind: 'linear', min: 32, max: 128 }
		]);
	});
});

describe('axisPairs', () => {
	it('lists every pair once, earlier name across', () => {
		expect(axisPairs(['a', 'b', 'c'])).toEqual([
			['a', 'b'],
			['a', 'c'],
			['b', 'c']
		]);
		expect(axisPairs(['a'])).toEqual([]);
	});
});

describe('placeAxis', () => {
	it('puts 1e-3 halfway between 1e-4 and 1e-2 on a log axis', () => {
		const placed = placeAxis({ name: 'learningRate', kind: 'log', min: 1e-4, max: 1e-2 }, [0, 200]);
		expect(placed.position(1e-4)).toBe(0);
		expect(placed.position(1e-3)).toBe(100);
		expect(placed.position(1e-2)).toBe(200);
		expect(placed.position(0)).toBeUndefined();
		expect(placed.position('adam')).toBeUndefined();
		expect(placed.ticks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '0.01']);
		expect(placed.ticks.map((t) => t.at)).toEqual([0, 100, 200]);
	});

	it('places categories at the centres of equal bands with 20% padding', () => {
		const placed = placeAxis(
			{ name: 'optimizer', kind: 'band', values: ['adam', 'sgd', 'nesterov'] },
			[0, 300]
		);
		// step = 300 / 3.2 = 93.75, band = 75, outer padding 18.75
		expect(placed.bandwidth).toBe(75);
		expect(['adam', 'sgd', 'nesterov'].map((v) => placed.position(v))).toEqual([56.25, 150, 243.75]);
		expect(placed.position('rmsprop')).toBeUndefined();
		expect(placed.ticks).toEqual([
			{ at: 56.25, label: 'adam' },
			{ at: 150, label: 'sgd' },
			{ at: 243.75, label: 'nesterov' }
		]);
	});

	it('tells true from "true" on a band axis', () => {
		const placed = placeAxis({ name: 's', kind: 'band', values: [true, 'true'] }, [0, 100]);
		expect(placed.position(true)).not.toBe(placed.position('true'));
	});

	it('runs a vertical axis upwards and widens a single-value range', () => {
		const placed = placeAxis({ name: 'depth', kind: 'linear', min: 0, max: 3 }, [300, 0]);
		expect([0, 1, 3].map((v) => placed.position(v))).toEqual([300, 200, 0]);
		const flat = placeAxis({ name: 'depth', kind: 'linear', min: 2, max: 2 }, [0, 100]);
		expect(flat.position(2)).toBe(50);
	});
});

describe('log ticks', () => {
	it('labels every second decade when there are many, and the ends within one decade', () => {
		const wide = placeAxis({ name: 'epsilon', kind: 'log', min: 1e-10, max: 1e-2 }, [0, 100]);
		expect(wide.ticks.map((t) => t.label)).toEqual(['1e-10', '1e-7', '1e-4']);
		const narrow = placeAxis({ name: 'batchSize', kind: 'log', min: 16, max: 256 }, [0, 100]);
		expect(narrow.ticks.map((t) => t.label)).toEqual(['16', '256']);
	});
});

describe('pairPoints', () => {
	const x = placeAxis({ name: 'optimizer', kind: 'band', values: ['adam', 'sgd', 'nesterov'] }, [0, 300]);
	const y = placeAxis({ name: 'momentum', kind: 'linear', min: 0.8, max: 1 }, [100, 0]);
	const trials: TrialPoint[] = [
		{ index: 0, params: { optimizer: 'adam' } },
		{ index: 1, params: { optimizer: 'sgd', momentum: 0.9 } },
		{ index: 2, params: { optimizer: 'nesterov', momentum: 1 } }
	];

	it('skips trials where a parameter of the pair is inactive', () => {
		expect(pairPoints(trials, x, y)).toEqual([
			{ index: 1, x: 150, y: 50 },
			{ index: 2, x: 243.75, y: 0 }
		]);
	});

	it('spreads points inside their band with jitter, the same way every time', () => {
		const points = pairPoints(trials, x, y, { jitter: 0.5 });
		for (const point of points) {
			const centre = x.position(trials[point.index]!.params.optimizer!)!;
			expect(Math.abs(point.x - centre)).toBeLessThanOrEqual(0.25 * 75);
		}
		expect(points[0]!.x).not.toBe(150);
		expect(pairPoints(trials, x, y, { jitter: 0.5 })).toEqual(points);
		// The continuous axis is never jittered.
		expect(points.map((p) => p.y)).toEqual([50, 0]);
	});
});

describe('pairPanels', () => {
	it('draws one panel per pair, counting the trials left out', () => {
		const trials: TrialPoint[] = [
			{ index: 0, params: { learningRate: 1e-3, optimizer: 'adam' } },
			{ index: 1, params: { learningRate: 1e-4, optimizer: 'sgd', momentum: 0.9 } }
		];
		const panels = pairPanels([lr, optimizer, momentum], trials, 200);
		expect(panels.map((p) => [p.x.axis.name, p.y.axis.name, p.points.length, p.skipped])).toEqual([
			['learningRate', 'optimizer', 2, 0],
			['learningRate', 'momentum', 1, 1],
			['optimizer', 'momentum', 1, 1]
		]);
		expect(panels[0]!.points[0]).toMatchObject({ index: 0, x: 100 });
	});

	it('plots a lone parameter against the trial index', () => {
		const trials = [0, 1, 2].map((index) => ({ index, params: { learningRate: 1e-4 * 10 ** index } }));
		const panels = pairPanels([lr], trials, 200);
		expect(panels).toHaveLength(1);
		expect(panels[0]!.y.axis).toEqual({ name: TRIAL_INDEX_AXIS, kind: 'linear', min: 0, max: 2 });
		expect(panels[0]!.points).toEqual([
			{ index: 0, x: 0, y: 200 },
			{ index: 1, x: 100, y: 100 },
			{ index: 2, x: 200, y: 0 }
		]);
	});

	it('keeps points off the frame with an inset', () => {
		const trials = [0, 1, 2].map((index) => ({ index, params: { learningRate: 1e-4 * 10 ** index } }));
		const [panel] = pairPanels([lr], trials, 200, { inset: 10 });
		expect(panel!.points).toEqual([
			{ index: 0, x: 10, y: 190 },
			{ index: 1, x: 100, y: 100 },
			{ index: 2, x: 190, y: 10 }
		]);
	});

	it('has nothing to draw without parameters', () => {
		expect(pairPanels([], [{ index: 0, params: {} }], 200)).toEqual([]);
	});
});
