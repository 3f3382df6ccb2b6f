import { describe, expect, it } from 'vitest';
import { layoutSequence, suggestionSequence } from './suggestions';

const trials = [
	{ index: 2, value: 0.5, infeasible: false },
	{ index: 0, value: 0.9, infeasible: false },
	{ index: 1, value: null, infeasible: true },
	{ index: 3, value: 0.7, infeasible: false },
	{ index: 4, value: 0.3, infeasible: false }
];

describe('suggestionSequence', () => {
	it('splits the quasi-random start from the suggestions and keeps the best so far', () => {
		const { points, best } = suggestionSequence(trials, 2, 'minimize');
		expect(points.map((p) => [p.index, p.phase, p.value])).toEqual([
			[0, 'initial', 0.9],
			[1, 'initial', null],
			[2, 'suggested', 0.5],
			[3, 'suggested', 0.7],
			[4, 'suggested', 0.3]
		]);
		// By hand: 0.9, still 0.9 after the infeasible trial, then 0.5, 0.5, 0.3.
		expect(best).toEqual([
			{ index: 0, value: 0.9 },
			{ index: 1, value: 0.9 },
			{ index: 2, value: 0.5 },
			{ index: 3, value: 0.5 },
			{ index: 4, value: 0.3 }
		]);
	});

	it('keeps a stopped trial in the run order with no value and no step of the best so far', () => {
		// Trial 5 was stopped by halving at a rung with 0.1, better than every finished trial: it must not
		// become the best, and it adds no best-so-far point of its own.
		const { points, best } = suggestionSequence(
			[...trials, { index: 5, value: 0.1, infeasible: false, stopped: true }],
			2,
			'minimize'
		);
		expect(points.at(-1)).toEqual({
			index: 5,
			value: null,
			phase: 'suggested',
			infeasible: false,
			stopped: true
		});
		expect(points.slice(0, 5).every((p) => !p.stopped)).toBe(true);
		expect(best.map((b) => [b.index, b.value])).toEqual([
			[0, 0.9],
			[1, 0.9],
			[2, 0.5],
			[3, 0.5],
			[4, 0.3]
		]);
	});

	it('keeps the largest value when the goal is to maximise', () => {
		const { best } = suggestionSequence(trials, 2, 'maximize');
		expect(best.map((b) => b.value)).toEqual([0.9, 0.9, 0.9, 0.9, 0.9]);
	});
});

describe('layoutSequence', () => {
	it('places points on linear scales, infeasible trials on the worse edge, and a step line for the best', () => {
		const layout = layoutSequence(
			suggestionSequence(trials, 2, 'minimize'),
			{ width: 400, height: 100 },
			'minimize'
		);
		// x: index 0…4 over 0…400 px; y: values 0.3…0.9 padded by 5% of 0.6 on each side over 100…0 px.
		const y = (v: number) => 100 - ((v - 0.27) / 0.66) * 100;
		expect(layout.dots.map((d) => d.cx)).toEqual([0, 200, 300, 400]);
		layout.dots.forEach((d) => expect(d.cy).toBeCloseTo(y(d.value), 9));
		expect(layout.crosses).toEqual([{ index: 1, cx: 100, cy: 0, phase: 'initial' }]);
		expect(layout.switchX).toBe(150);
		const [first, ...rest] = layout.bestPath.split(/(?=[HV])/);
		expect(first).toMatch(/^M0,/);
		expect(rest.map((s) => s[0])).toEqual(['H', 'V', 'H', 'V', 'H', 'V', 'H', 'V', 'H']);
		expect(Number(rest[rest.length - 2]!.slice(1))).toBeCloseTo(y(0.3), 9);
	});
});

describe('layoutSequence with trials stopped by successive halving', () => {
	it('draws them as rings on the trial axis at their index, and the axis reaches the last of them', () => {
		const sequence = suggestionSequence(
			[
				...trials,
				{ index: 6, value: 0.05, infeasible: false, stopped: true },
				{ index: 5, value: null, infeasible: false, stopped: true }
			],
			2,
			'minimize'
		);
		const layout = layoutSequence(sequence, { width: 600, height: 100 }, 'minimize');
		// x: index 0…6 over 0…600 px, 100 px a trial; the rings sit on the bottom edge (y = 100 px).
		expect(layout.stopped).toEqual([
			{ index: 5, cx: 500, cy: 100, phase: 'suggested' },
			{ index: 6, cx: 600, cy: 100, phase: 'suggested' }
		]);
		// Neither is a dot, and the value axis still spans the finished trials only (0.3…0.9 padded by 5%).
		expect(layout.dots.map((d) => d.index)).toEqual([0, 2, 3, 4]);
		const y = (v: number) => 100 - ((v - 0.27) / 0.66) * 100;
		layout.dots.forEach((d) => expect(d.cy).toBeCloseTo(y(d.value), 9));
		// The best-so-far line runs on to the last trial of the study, a stopped one, at 0.3.
		expect(layout.bestPath.endsWith('H600')).toBe(true);
	});
});
