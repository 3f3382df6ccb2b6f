import { describe, expect, it } from 'vitest';
import { layoutCompare } from './compare';

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

	it('keeps the larger value as the best for a maximised objective', () => {
		const layout = layoutCompare([a, b], { width: 300, height: 100 }, 'maximize');
		expect(layout.studies.map((s) => s.best)).toEqual([0.8, 0.7]);
	});
});
