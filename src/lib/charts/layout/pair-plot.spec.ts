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
		// One format for the whole axis (tick-format.ts): exponent notation for every tick, not 0.01 beside 1e-4.
		expect(placed.ticks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '1e-2']);
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

describe('tick labels', () => {
	it('writes every tick of a linear axis with the same digits, and thins labels that would overlap', () => {
		// d3 puts ticks every 0.05 on [0.8, 1] (about 3 asked for): five of them, all with two decimals.
		const up = placeAxis({ name: 'momentum', kind: 'linear', min: 0.8, max: 1 }, [100, 0], { labels: 'up' });
		expect(up.ticks).toEqual([
			{ at: 100, label: '0.80' },
			{ at: 75, label: '0.85' },
			{ at: 50, label: '0.90' },
			{ at: 25, label: '0.95' },
			{ at: 0, label: '1.00' }
		]);
		// Side by side, a 4-character label is about 24 px wide: 25 px apart leaves less than the 4 px gap
		// (24 + 4 = 28 > 25), so every second tick keeps its label, 50 px apart.
		const across = placeAxis({ name: 'momentum', kind: 'linear', min: 0.8, max: 1 }, [0, 100], {
			labels: 'across'
		});
		expect(across.ticks).toEqual([
			{ at: 0, label: '0.80' },
			{ at: 50, label: '0.90' },
			{ at: 100, label: '1.00' }
		]);
		// Without a direction (an axis on a unit range, scaled later) every tick stays.
		const unit = placeAxis({ name: 'momentum', kind: 'linear', min: 0.8, max: 1 }, [0, 1]);
		expect(unit.ticks.map((t) => t.label)).toEqual(['0.80', '0.85', '0.90', '0.95', '1.00']);
	});

	it('writes the numbers of a band axis in one format, trailing zeros trimmed', () => {
		const rates = placeAxis(
			{ name: 'learningRate', kind: 'band', values: [0.001, 0.0031622776601683794, 0.01] },
			[0, 300],
			{ labels: 'across' }
		);
		expect(rates.ticks.map((t) => t.label)).toEqual(['0.001', '0.003162', '0.01']);
		const tiny = placeAxis({ name: 'weightDecay', kind: 'band', values: [1e-4, 1e-3, 1e-2] }, [0, 300], {
			labels: 'across'
		});
		expect(tiny.ticks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '1e-2']);
		const mixed = placeAxis(
			{ name: 's', kind: 'band', values: ['auto', 0.0031622776601683794, true] },
			[0, 300]
		);
		expect(mixed.ticks.map((t) => t.label)).toEqual(['auto', '0.003162', 'true']);
	});

	it('shortens names of choices to their band before leaving any out', () => {
		// 172 px over 4 bands with 20% padding: a step of 172 / 4.2 ≈ 41 px, room for (41 − 4) / 6 ≈ 6
		// characters (about 6 px each, 4 px apart): five and an ellipsis.
		const placed = placeAxis(
			{ name: 'optimizer', kind: 'band', values: ['sgd', 'momentum', 'nesterov', 'adam'] },
			[0, 172],
			{ labels: 'across' }
		);
		expect(placed.ticks.map((t) => t.label)).toEqual(['sgd', 'momen…', 'neste…', 'adam']);
		// Stacked up a left axis, the names keep their length (the margin, not the band, limits them).
		const up = placeAxis(
			{ name: 'optimizer', kind: 'band', values: ['sgd', 'momentum', 'nesterov', 'adam'] },
			[172, 0],
			{ labels: 'up' }
		);
		expect(up.ticks.map((t) => t.label)).toEqual(['sgd', 'momentum', 'nesterov', 'adam']);
	});

	it('labels every second band of twelve on a small plot', () => {
		const values = Array.from({ length: 12 }, (_, k) => k + 1);
		// 120 px over 12 bands: a step of 120 / 12.2 ≈ 9.8 px. One digit is about 6 px wide, so two
		// neighbours need 6 + 4 = 10 px; up the axis a label is a 12 px line and needs 12 + 4 = 16 px.
		// Every second band (19.7 px apart) is enough both ways.
		const across = placeAxis({ name: 'depth', kind: 'band', values }, [0, 120], { labels: 'across' });
		expect(across.ticks.map((t) => t.label)).toEqual(['1', '3', '5', '7', '9', '11']);
		const up = placeAxis({ name: 'depth', kind: 'band', values }, [120, 0], { labels: 'up' });
		expect(up.ticks.map((t) => t.label)).toEqual(['1', '3', '5', '7', '9', '11']);
		// Every band still places its points.
		expect(values.every((v) => across.position(v) !== undefined)).toBe(true);
	});

	it('keeps the labels of the pair plot panels apart', () => {
		const params: ParamSpec[] = [
			{ name: 'learningRate', type: 'float', min: 1e-5, max: 1, scale: 'log' },
			{ name: 'depth', type: 'discrete', values: [1, 2, 3, 4, 5, 6, 7, 8] }
		];
		const [panel] = pairPanels(params, [], 170, { inset: 6 });
		// Six decades, at most 4 labels: every second power of ten, all in exponent notation.
		expect(panel!.x.ticks.map((t) => t.label)).toEqual(['1e-5', '1e-3', '1e-1']);
		// depth 1…8 on a linear axis: d3's ticks every 2 (about 3 asked for), no decimals.
		expect(panel!.y.ticks.map((t) => t.label)).toEqual(['2', '4', '6', '8']);
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
