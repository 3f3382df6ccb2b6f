import { describe, expect, it } from 'vitest';
import { centeredL2Discrepancy } from './discrepancy';
import { ksTestUniform } from './ks-test';
import {
	activeParams,
	balancedCell,
	sampleTrials,
	validateSpaceForSampling,
	valueFromUnit,
	type SampleTrialsOptions
} from './sampler';
import type { ParamSpec, Sample, SearchSpace } from './search-space';
import { suggestTrials } from './bayes/suggest';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}

function counts(trials: Sample[], name: string): Map<unknown, number> {
	const tally = new Map<unknown, number>();
	for (const trial of trials) tally.set(trial[name], (tally.get(trial[name]) ?? 0) + 1);
	return tally;
}

function spreadOf(tally: Map<unknown, number>): number {
	return Math.max(...tally.values()) - Math.min(...tally.values());
}

const unitFloat = (name: string, when?: Record<string, string[]>): ParamSpec => ({
	name,
	type: 'float',
	min: 0,
	max: 1,
	scale: 'linear',
	...(when === undefined ? {} : { when })
});

// Seven dimensions of every kind, no conditions.
const flatSpace: SearchSpace = {
	params: [
		{ name: 'learningRate', type: 'float', min: 1e-5, max: 1e-1, scale: 'log' },
		{ name: 'momentum', type: 'float', min: 0.8, max: 0.99, scale: 'linear' },
		{ name: 'warmupSteps', type: 'int', min: 1, max: 8, scale: 'linear' },
		{ name: 'batchSize', type: 'discrete', values: [32, 64, 128, 256] },
		{ name: 'activation', type: 'categorical', values: ['relu', 'gelu', 'tanh'] },
		{ name: 'weightDecay', type: 'float', min: 1e-6, max: 1e-2, scale: 'log' },
		{ name: 'labelSmoothing', type: 'bool' }
	]
};

// A scientific optimizer choice whose branches own differently ranged parameters of the same name.
const optimizerSpace: SearchSpace = {
	params: [
		{ name: 'optimizer', type: 'categorical', values: ['sgd', 'nesterov', 'adam'], role: 'scientific' },
		{ name: 'learningRate', type: 'float', min: 0.01, max: 1, scale: 'log', when: { optimizer: ['sgd'] } },
		{
			name: 'learningRate',
			type: 'float',
			min: 0.01,
			max: 1,
			scale: 'log',
			when: { optimizer: ['nesterov'] }
		},
		{
			name: 'learningRate',
			type: 'float',
			min: 1e-5,
			max: 1e-3,
			scale: 'log',
			when: { optimizer: ['adam'] }
		},
		{
			name: 'momentum',
			type: 'float',
			min: 0.8,
			max: 0.99,
			scale: 'linear',
			when: { optimizer: ['nesterov'] }
		},
		{ name: 'beta1', type: 'float', min: 0.8, max: 0.99, scale: 'linear', when: { optimizer: ['adam'] } },
		{ name: 'dropout', type: 'float', min: 0, max: 0.5, scale: 'linear' }
	]
};

const quasi = (count: number, seed = 1, start?: number): SampleTrialsOptions => ({
	algorithm: 'quasi-random',
	seed,
	count,
	...(start === undefined ? {} : { start })
});

describe('valueFromUnit', () => {
	it('maps the unit interval linearly, logarithmically, to widened integer bins and to value lists', () => {
		const linear: ParamSpec = { name: 'x', type: 'float', min: 2, max: 4, scale: 'linear' };
		expect(valueFromUnit(linear, 0)).toBe(2);
		expect(valueFromUnit(linear, 0.25)).toBe(2.5);
		const log: ParamSpec = { name: 'x', type: 'float', min: 1e-4, max: 1, scale: 'log' };
		expect(valueFromUnit(log, 0.5)).toBeCloseTo(1e-2, 15);
		expect(valueFromUnit(log, 0.75)).toBeCloseTo(1e-1, 15);
		// 1..4 widened to [0.5, 4.5): each integer owns a quarter of the interval.
		const int: ParamSpec = { name: 'x', type: 'int', min: 1, max: 4, scale: 'linear' };
		expect([0, 0.24, 0.26, 0.49, 0.51, 0.74, 0.76, 0.9999].map((u) => valueFromUnit(int, u))).toEqual([
			1, 1, 2, 2, 3, 3, 4, 4
		]);
		const logInt: ParamSpec = { name: 'x', type: 'int', min: 1, max: 1000, scale: 'log' };
		expect(valueFromUnit(logInt, 0)).toBe(1);
		expect(valueFromUnit(logInt, 0.99999)).toBe(1000);
		expect(valueFromUnit(logInt, 0.5)).toBe(22); // √(0.5 · 1000.5) ≈ 22.4
		const categorical: ParamSpec = { name: 'x', type: 'categorical', values: ['a', 'b', 'c'] };
		expect([0, 0.33, 0.34, 0.99].map((u) => valueFromUnit(categorical, u))).toEqual(['a', 'a', 'b', 'c']);
		expect([0.2, 0.7].map((u) => valueFromUnit({ name: 'x', type: 'bool' }, u))).toEqual([false, true]);
	});
});

describe('sampleTrials: quasi-random and random', () => {
	it('is deterministic for a seed and differs between seeds', () => {
		for (const algorithm of ['quasi-random', 'random'] as const) {
			const a = sampleTrials(flatSpace, { algorithm, seed: 5, count: 20 });
			expect(sampleTrials(flatSpace, { algorithm, seed: 5, count: 20 })).toEqual(a);
			const b = sampleTrials(flatSpace, { algorithm, seed: 6, count: 20 });
			expect(b).not.toEqual(a);
			expect(b.map((t) => t.learningRate)).not.toEqual(a.map((t) => t.learningRate));
		}
		expect(sampleTrials(flatSpace, quasi(20, 5))).not.toEqual(
			sampleTrials(flatSpace, { algorithm: 'random', seed: 5, count: 20 })
		);
	});

	it('resumes: start k gives the tail of a full run', () => {
		for (const space of [flatSpace, optimizerSpace]) {
			for (const algorithm of ['quasi-random', 'random'] as const) {
				const full = sampleTrials(space, { algorithm, seed: 9, count: 40 });
				for (const k of [1, 17, 39]) {
					expect(sampleTrials(space, { algorithm, seed: 9, count: 40 - k, start: k })).toEqual(full.slice(k));
				}
				expect(sampleTrials(space, { algorithm, seed: 9, count: 1, start: 23 })[0]).toEqual(full[23]);
			}
		}
	});

	it('spreads every mapped coordinate uniformly (KS, N = 256) and keeps values in range', () => {
		const trials = sampleTrials(flatSpace, quasi(256, 31));
		const columns: Record<string, number[]> = {
			learningRate: trials.map((t) => Math.log((t.learningRate as number) / 1e-5) / Math.log(1e4)),
			momentum: trials.map((t) => ((t.momentum as number) - 0.8) / 0.19),
			weightDecay: trials.map((t) => Math.log((t.weightDecay as number) / 1e-6) / Math.log(1e4))
		};
		for (const [name, column] of Object.entries(columns)) {
			for (const u of column) expect(u >= 0 && u <= 1, name).toBe(true);
			expect(ksTestUniform(column).pValue, name).toBeGreaterThan(0.01);
		}
		for (const t of trials) {
			expect([32, 64, 128, 256]).toContain(t.batchSize);
			expect(['relu', 'gelu', 'tanh']).toContain(t.activation);
			expect(typeof t.labelSmoothing).toBe('boolean');
			expect(
				Number.isInteger(t.warmupSteps) && (t.warmupSteps as number) >= 1 && (t.warmupSteps as number) <= 8
			).toBe(true);
		}
	});

	it('covers every decade of a log range: 1e-5…1e-1 with 64 trials puts ≥ 12 in each', () => {
		const trials = sampleTrials(flatSpace, quasi(64, 4));
		const decades = [0, 0, 0, 0];
		for (const t of trials) decades[Math.floor(Math.log10(t.learningRate as number) + 5)]!++;
		for (const count of decades) expect(count).toBeGreaterThanOrEqual(12);
		// The same holds for a log parameter in a later (larger-base) Halton dimension.
		const later = [0, 0, 0, 0];
		for (const t of trials) later[Math.min(3, Math.floor(Math.log10(t.weightDecay as number) + 6))]!++;
		for (const count of later) expect(count).toBeGreaterThanOrEqual(12);
	});

	it('gives each integer an equal share of the trials (±1)', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'layers', type: 'int', min: 1, max: 8, scale: 'linear' },
				{ name: 'width', type: 'int', min: 1, max: 3, scale: 'linear' }
			]
		};
		const trials = sampleTrials(space, quasi(64, 12));
		const layers = counts(trials, 'layers');
		expect(layers.size).toBe(8);
		expect(spreadOf(layers)).toBeLessThanOrEqual(1);
		// Base 3 stratifies a 3-valued integer exactly on every block of 3 trials, too.
		const width = counts(trials, 'width');
		expect(width.size).toBe(3);
		expect(spreadOf(width)).toBeLessThanOrEqual(1);
	});

	it('balances a scientific categorical (±1 after every trial) and gives its branches the right parameters', () => {
		for (const algorithm of ['quasi-random', 'random'] as const) {
			const trials = sampleTrials(optimizerSpace, { algorithm, seed: 3, count: 64 });
			for (let n = 1; n <= 64; n++) {
				const tally = counts(trials.slice(0, n), 'optimizer');
				const shares = ['sgd', 'nesterov', 'adam'].map((v) => tally.get(v) ?? 0);
				expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
			}
			for (const t of trials) {
				const lr = t.learningRate as number;
				if (t.optimizer === 'adam') {
					expect(lr >= 1e-5 && lr <= 1e-3).toBe(true);
					expect(Object.keys(t).sort()).toEqual(['beta1', 'dropout', 'learningRate', 'optimizer']);
				} else {
					expect(lr >= 0.01 && lr <= 1).toBe(true);
					const expected = t.optimizer === 'nesterov' ? ['momentum'] : [];
					expect(Object.keys(t).sort()).toEqual(['dropout', 'learningRate', ...expected, 'optimizer'].sort());
				}
			}
		}
	});

	it('keeps each branch low-discrepancy: CD² of the branch points below pseudo-random', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'optimizer', type: 'categorical', values: ['sgd', 'nesterov', 'adam'], role: 'scientific' },
				unitFloat('w'),
				unitFloat('lr', { optimizer: ['sgd'] }),
				unitFloat('lr', { optimizer: ['nesterov'] }),
				unitFloat('lr', { optimizer: ['adam'] }),
				unitFloat('momentum', { optimizer: ['nesterov'] }),
				unitFloat('beta1', { optimizer: ['adam'] }),
				unitFloat('beta2', { optimizer: ['adam'] })
			]
		};
		const branchDiscrepancy = (
			algorithm: 'quasi-random' | 'random',
			seed: number,
			branch: string
		): number => {
			const points = sampleTrials(space, { algorithm, seed, count: 64 })
				.filter((t) => t.optimizer === branch)
				.map((t) =>
					Object.keys(t)
						.filter((k) => k !== 'optimizer')
						.map((k) => t[k] as number)
				);
			return centeredL2Discrepancy(points);
		};
		for (const branch of ['sgd', 'nesterov', 'adam']) {
			const quasiValue = branchDiscrepancy('quasi-random', 3, branch);
			const random = Array.from({ length: 10 }, (_, s) => branchDiscrepancy('random', s, branch));
			expect(quasiValue, branch).toBeLessThan(median(random) / 2);
		}
	});

	it('balances several scientific categoricals jointly and a nested one inside each branch', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'optimizer', type: 'categorical', values: ['sgd', 'adam'], role: 'scientific' },
				{
					name: 'normalization',
					type: 'categorical',
					values: ['none', 'batch', 'layer'],
					role: 'scientific'
				},
				{ name: 'nesterov', type: 'bool', role: 'scientific', when: { optimizer: ['sgd'] } },
				unitFloat('lr')
			]
		};
		const trials = sampleTrials(space, quasi(61, 8));
		for (let n = 1; n <= trials.length; n++) {
			const prefix = trials.slice(0, n);
			expect(spreadOf(counts(prefix, 'optimizer'))).toBeLessThanOrEqual(1);
			if (n >= 3) expect(spreadOf(counts(prefix, 'normalization'))).toBeLessThanOrEqual(1);
		}
		const cells = counts(
			trials.map((t) => ({ cell: `${t.optimizer}/${t.normalization}` })),
			'cell'
		);
		expect(cells.size).toBe(6);
		expect(spreadOf(cells)).toBeLessThanOrEqual(1);
		const sgd = trials.filter((t) => t.optimizer === 'sgd');
		expect(spreadOf(counts(sgd, 'nesterov'))).toBeLessThanOrEqual(1);
		expect(trials.filter((t) => t.optimizer === 'adam').every((t) => !('nesterov' in t))).toBe(true);
	});

	it('samples a nuisance categorical as a coordinate and activates its children accordingly', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'schedule', type: 'categorical', values: ['cosine', 'wsd'], role: 'nuisance' },
				{
					name: 'cooldownFraction',
					type: 'float',
					min: 0.1,
					max: 0.3,
					scale: 'linear',
					when: { schedule: ['wsd'] }
				},
				unitFloat('lr')
			]
		};
		const trials = sampleTrials(space, quasi(40, 2));
		expect(spreadOf(counts(trials, 'schedule'))).toBeLessThanOrEqual(1); // base 2: exact halves
		for (const t of trials) expect('cooldownFraction' in t).toBe(t.schedule === 'wsd');
	});

	it('returns empty samples for an empty space and nothing for count 0', () => {
		expect(sampleTrials({ params: [] }, quasi(3))).toEqual([{}, {}, {}]);
		expect(sampleTrials(flatSpace, quasi(0))).toEqual([]);
		expect(() => sampleTrials(flatSpace, quasi(-1))).toThrow(RangeError);
		expect(() => sampleTrials(flatSpace, quasi(2, 1, 0.5))).toThrow(RangeError);
	});
});

describe('balancedCell', () => {
	it('visits every cell once per period with each factor balanced on every prefix', () => {
		for (const sizes of [[3], [2, 2], [2, 3], [4, 6], [3, 3, 2]]) {
			const period = sizes.reduce((a, b) => a * b, 1);
			const seen = new Set<string>();
			const tallies = sizes.map((n) => new Array<number>(n).fill(0));
			for (let k = 0; k < 2 * period; k++) {
				const cell = balancedCell(k, sizes);
				if (k < period) seen.add(cell.join(','));
				else expect(cell).toEqual(balancedCell(k - period, sizes));
				cell.forEach((v, f) => tallies[f]![v]!++);
				for (const tally of tallies) expect(Math.max(...tally) - Math.min(...tally)).toBeLessThanOrEqual(1);
			}
			expect(seen.size).toBe(period);
		}
	});
});

describe('sampleTrials: grid', () => {
	it('splits the budget into an even 2-D grid at bin centres, log-spaced on a log scale', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'learningRate', type: 'float', min: 1e-4, max: 1, scale: 'log' },
				{ name: 'dropout', type: 'float', min: 0, max: 0.8, scale: 'linear' }
			]
		};
		const trials = sampleTrials(space, { algorithm: 'grid', seed: 0, count: 64 });
		expect(trials).toHaveLength(64);
		const rates = [...counts(trials, 'learningRate').keys()] as number[];
		const dropouts = [...counts(trials, 'dropout').keys()] as number[];
		expect(rates).toHaveLength(8);
		expect(dropouts).toHaveLength(8);
		expect(dropouts[0]).toBeCloseTo(0.05, 12);
		expect(dropouts[7]).toBeCloseTo(0.75, 12);
		expect(rates[0]).toBeCloseTo(10 ** -3.75, 12);
		for (let k = 1; k < 8; k++) expect(rates[k]! / rates[k - 1]!).toBeCloseTo(10 ** 0.5, 10);
		// 10 trials do not factor evenly: the grid is the largest even one that fits, 3 × 3.
		expect(sampleTrials(space, { algorithm: 'grid', seed: 0, count: 10 })).toHaveLength(9);
	});

	it('enumerates categorical axes, caps integer axes at their size, and resumes with the same total', () => {
		const space: SearchSpace = {
			params: [
				{ name: 'optimizer', type: 'categorical', values: ['sgd', 'adam'] },
				{ name: 'layers', type: 'int', min: 1, max: 3, scale: 'linear' }
			]
		};
		const trials = sampleTrials(space, { algorithm: 'grid', seed: 0, count: 20 });
		expect(trials).toEqual([
			{ optimizer: 'sgd', layers: 1 },
			{ optimizer: 'sgd', layers: 2 },
			{ optimizer: 'sgd', layers: 3 },
			{ optimizer: 'adam', layers: 1 },
			{ optimizer: 'adam', layers: 2 },
			{ optimizer: 'adam', layers: 3 }
		]);
		expect(sampleTrials(space, { algorithm: 'grid', seed: 0, count: 16, start: 4 })).toEqual(trials.slice(4));
		expect(() =>
			sampleTrials(
				{ params: [space.params[0]!, { name: 'b', type: 'bool' }] },
				{ algorithm: 'grid', seed: 0, count: 3 }
			)
		).toThrow(/at least 4 trials/);
	});

	it('refuses more than two dimensions, pointing to quasi-random search', () => {
		expect(() => sampleTrials(flatSpace, { algorithm: 'grid', seed: 0, count: 100 })).toThrow(
			/Grid search is limited to 2 parameters.*playbook advises against grid search.*quasi-random/s
		);
		expect(() => sampleTrials(optimizerSpace, { algorithm: 'grid', seed: 0, count: 100 })).toThrow(
			/Grid search/
		);
	});
});

describe('activeParams', () => {
	it('lists the definitions whose conditions hold for the given values', () => {
		const active = activeParams(optimizerSpace, { optimizer: 'adam' });
		expect(active.map((spec) => spec.name)).toEqual(['optimizer', 'learningRate', 'beta1', 'dropout']);
		const learningRate = active.find((spec) => spec.name === 'learningRate');
		expect(learningRate?.type === 'float' && learningRate.max).toBe(1e-3);
		expect(activeParams(optimizerSpace, {}).map((spec) => spec.name)).toEqual(['optimizer', 'dropout']);
	});
});

describe('validateSpaceForSampling', () => {
	it('accepts the spaces used above', () => {
		expect(validateSpaceForSampling(flatSpace)).toEqual([]);
		expect(validateSpaceForSampling(optimizerSpace)).toEqual([]);
	});

	it('names the parameter behind each problem', () => {
		const problems = validateSpaceForSampling({
			params: [
				{ name: 'lr', type: 'float', min: 1, max: 1, scale: 'linear' },
				{ name: 'wd', type: 'float', min: 0, max: 1, scale: 'log' },
				{ name: 'depth', type: 'int', min: 1.5, max: 4, scale: 'linear' },
				{ name: 'act', type: 'categorical', values: [] },
				{ name: 'opt', type: 'categorical', values: ['sgd', 'adam', 'sgd'] },
				{ name: 'beta', type: 'float', min: 0, max: 1, scale: 'linear', when: { optimiser: ['adam'] } },
				{ name: 'mom', type: 'float', min: 0, max: 1, scale: 'linear', when: { opt: ['nesterov'] } },
				{ name: 'eps', type: 'float', min: 0, max: 1, scale: 'linear', when: { lr: [0.5] } },
				{ name: 'x', type: 'float', min: 0, max: 1, scale: 'linear', when: { opt: [] } }
			]
		});
		const expectations: [string, RegExp][] = [
			['lr', /'lr': min \(1\) must be less than max \(1\)/],
			['wd', /'wd': a log scale needs min > 0/],
			['depth', /'depth': an int parameter needs integer bounds/],
			['act', /'act': the list of values is empty/],
			['opt', /'opt': value 'sgd' is listed more than once/],
			['beta', /'beta': its condition names 'optimiser', which is not a parameter/],
			['mom', /'mom': its condition expects 'opt' = 'nesterov', a value it cannot take/],
			['eps', /'eps': its condition names 'lr', a float/],
			['x', /'x': its condition on 'opt' lists no values/]
		];
		for (const [name, pattern] of expectations) {
			expect(
				problems.some((p) => pattern.test(p)),
				name
			).toBe(true);
		}
		expect(problems).toHaveLength(expectations.length);
	});

	it('finds condition cycles and one name defined twice under overlapping conditions', () => {
		const problems = validateSpaceForSampling({
			params: [
				{ name: 'a', type: 'categorical', values: ['x', 'y'], when: { b: ['x'] } },
				{ name: 'b', type: 'categorical', values: ['x', 'y'], when: { a: ['x'] } },
				{ name: 'opt', type: 'categorical', values: ['sgd', 'adam', 'nadam'] },
				{ name: 'lr', type: 'float', min: 0.1, max: 1, scale: 'log', when: { opt: ['sgd', 'adam'] } },
				{ name: 'lr', type: 'float', min: 1e-4, max: 1e-2, scale: 'log', when: { opt: ['adam', 'nadam'] } }
			]
		});
		expect(
			problems.some((p) => /form a cycle \('a' → 'b' → 'a'\)|form a cycle \('b' → 'a' → 'b'\)/.test(p))
		).toBe(true);
		expect(problems.some((p) => /'lr' is defined more than once \(parameters #4 and #5\)/.test(p))).toBe(
			true
		);
		expect(problems).toHaveLength(2);
		expect(
			validateSpaceForSampling({ params: [{ name: 's', type: 'bool', when: { s: [true] } }] }).some((p) =>
				/'s'.*cycle/.test(p)
			)
		).toBe(true);
	});

	it('makes sampleTrials throw with the list of problems', () => {
		expect(() =>
			sampleTrials({ params: [{ name: 'lr', type: 'float', min: -1, max: 1, scale: 'log' }] }, quasi(1))
		).toThrow(/cannot be sampled:\n- Parameter 'lr': a log scale needs min > 0/);
	});
});

describe('a discrete parent with conditional children (one learning rate per model width)', () => {
	// Width 8 trains at 0.03, 16 at 0.01, 32 at 0.003: one one-value child per width, plus a free float.
	const rateOf = new Map([
		[8, 0.03],
		[16, 0.01],
		[32, 0.003]
	]);
	const space: SearchSpace = {
		params: [
			{ name: 'width', type: 'discrete', role: 'scientific', values: [8, 16, 32] },
			...[...rateOf].map(([width, rate]): ParamSpec => ({
				name: 'lr',
				type: 'discrete',
				values: [rate],
				when: { width: [width] }
			})),
			unitFloat('dropout')
		]
	};
	const each = (trials: Sample[]) => {
		for (const t of trials) {
			expect(Object.keys(t).sort()).toEqual(['dropout', 'lr', 'width']);
			expect(t.lr).toBe(rateOf.get(t.width as number));
		}
	};

	it('quasi-random and random search give each trial its width’s rate, and quasi-random each width once in 3', () => {
		for (const algorithm of ['quasi-random', 'random', 'bayesian'] as const) {
			each(sampleTrials(space, { algorithm, seed: 5, count: 30 }));
		}
		const three = sampleTrials(space, { algorithm: 'quasi-random', seed: 5, count: 3 });
		expect(three.map((t) => t.width).sort((a, b) => (a as number) - (b as number))).toEqual([8, 16, 32]);
	});

	it('Bayesian suggestions after the quasi-random start keep each width’s rate', () => {
		const start = sampleTrials(space, { algorithm: 'bayesian', seed: 5, count: 6 });
		const history = start.map((params) => ({
			params,
			value: (params.dropout as number) + (params.width as number) / 32
		}));
		const suggestions = suggestTrials({ space, seed: 5, index: 6, count: 3, goal: 'minimize', history });
		expect(suggestions).toHaveLength(3);
		each(suggestions.map((s) => s.params));
	});

	it('grid search refuses the conditional children by name', () => {
		expect(() =>
			sampleTrials({ params: space.params.slice(0, 2) }, { algorithm: 'grid', seed: 5, count: 3, total: 3 })
		).toThrow(/Grid search does not support conditional parameters \('lr' has a condition\)/);
	});
});
