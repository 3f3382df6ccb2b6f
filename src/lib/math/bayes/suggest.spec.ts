import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../search-space';
import { suggestTrials, type Observation, type SuggestRequest } from './suggest';

const line: SearchSpace = { params: [{ name: 'x', type: 'float', min: 0, max: 1, scale: 'linear' }] };
const xs = [0.05, 0.2, 0.45, 0.6, 0.8, 0.95];
const bowl = (x: number) => (x - 0.3) ** 2;

function request(overrides: Partial<SuggestRequest> = {}): SuggestRequest {
	return {
		space: line,
		seed: 7,
		index: xs.length,
		count: 1,
		goal: 'minimize',
		history: xs.map((x) => ({ params: { x }, value: bowl(x) })),
		...overrides
	};
}

const x = (r: SuggestRequest, k = 0) => suggestTrials(r)[k]!.params.x as number;

describe('suggestTrials', () => {
	it('is a pure function of (space, seed, index, goal, ordered history, pending)', () => {
		expect(suggestTrials(request())).toEqual(suggestTrials(request()));
		const other = suggestTrials(
			request({ history: [...request().history, { params: { x: 0.33 }, value: bowl(0.33) }] })
		);
		expect(other).not.toEqual(suggestTrials(request()));
	});

	it('goes to the bottom of a bowl, and a maximised negated bowl gives the same point', () => {
		expect(Math.abs(x(request()) - 0.3)).toBeLessThan(0.1);
		const flipped = request({
			goal: 'maximize',
			history: xs.map((v) => ({ params: { x: v }, value: -bowl(v) }))
		});
		expect(suggestTrials(flipped)[0]!.params).toEqual(suggestTrials(request())[0]!.params);
	});

	it('batches by constant liar: suggestion k equals a single suggestion with the first k pending', () => {
		const batch = suggestTrials(request({ count: 3 }));
		const points = batch.map((s) => s.params.x as number);
		expect(new Set(points).size).toBe(3);
		const second = suggestTrials(request({ index: xs.length + 1, pending: [batch[0]!.params] }));
		expect(second[0]!.params).toEqual(batch[1]!.params);
	});

	it('stays in the feasible region when the unconstrained optimum is infeasible', () => {
		// Values fall towards x = 1, but trials above 0.6 were infeasible (diverged).
		const history: Observation[] = [0.05, 0.15, 0.3, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95].map((v) => ({
			params: { x: v },
			value: v > 0.6 ? null : 1 - v
		}));
		const [suggestion] = suggestTrials(request({ history, index: history.length }));
		expect(suggestion!.params.x as number).toBeLessThan(0.65);
		expect(suggestion!.params.x as number).toBeGreaterThan(0.45);
		expect(suggestion!.feasibility).toBeGreaterThan(0.4);
	});

	it('with no feasible trial yet, heads where feasibility is likeliest', () => {
		const history: Observation[] = [0.6, 0.7, 0.8, 0.9].map((v) => ({ params: { x: v }, value: null }));
		expect(x(request({ history, index: 4 }))).toBeLessThan(0.4);
	});

	it('never repeats a tried categorical point, and says so when none is left', () => {
		const space: SearchSpace = { params: [{ name: 'opt', type: 'categorical', values: ['a', 'b', 'c'] }] };
		const history: Observation[] = [
			{ params: { opt: 'a' }, value: 1 },
			{ params: { opt: 'b' }, value: 2 }
		];
		expect(suggestTrials(request({ space, history, index: 2 }))[0]!.params).toEqual({ opt: 'c' });
		const full = [...history, { params: { opt: 'c' }, value: 3 }];
		expect(() => suggestTrials(request({ space, history: full, index: 3 }))).toThrow(/tried already/);
	});
});
