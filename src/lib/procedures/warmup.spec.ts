import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	defaultWarmups,
	planWarmups,
	readWarmups,
	warmupRunGroups,
	warmupStudy,
	type WarmupOptions
} from './warmup';

const options: WarmupOptions = {
	unstableLearningRate: 0.03,
	multiplier: 10,
	warmups: [10, 100, 1000],
	intendedMaxTrainSteps: 5000,
	confirmLong: false,
	backend: 'wasm'
};
const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, schedule: 'linear', finalLrFraction: 0, seed: 9 };

describe('planning the warmups', () => {
	it('defaults to powers of ten up to 10% of the intended run', () => {
		expect(defaultWarmups(5000)).toEqual([10, 100]);
		expect(defaultWarmups(10_000)).toEqual([10, 100, 1000]);
		expect(defaultWarmups(50)).toEqual([10]);
	});

	it('runs 3 × warmup steps each and leaves out warmups above 10% unless confirmed', () => {
		const plan = planWarmups(options);
		expect(plan.runs).toEqual([
			{ warmupSteps: 10, maxTrainSteps: 30 },
			{ warmupSteps: 100, maxTrainSteps: 300 }
		]);
		expect(plan.long).toEqual([1000]);
		expect(plan.warning).toContain('Left out unless you confirm');
		const confirmed = planWarmups({ ...options, confirmLong: true });
		expect(confirmed.runs.map((r) => r.maxTrainSteps)).toEqual([30, 300, 3000]);
		expect(confirmed.warning).toContain('Confirmed');
		expect(planWarmups({ ...options, warmups: [500, 100, 500] }).runs.map((r) => r.warmupSteps)).toEqual([
			100, 500
		]);
	});

	it('names bad options', () => {
		expect(planWarmups(options).problems).toEqual([]);
		expect(planWarmups({ ...options, unstableLearningRate: 0, warmups: [1.5] }).problems).toHaveLength(2);
		expect(planWarmups({ ...options, warmups: [1000] }).problems[0]).toContain('confirm');
	});
});

describe('warmupStudy', () => {
	it('ramps to 10× the unstable rate over the warmup, then holds it for twice as long', () => {
		const study = warmupStudy(config, options, 100);
		const parsed = parseStudyFile(serializeStudy(study));
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
		expect(parsed.study.fixed).toMatchObject({
			learningRate: 0.3,
			schedule: 'constant',
			warmupSteps: 100,
			seed: 9,
			backend: 'wasm'
		});
		expect(parsed.study.fixed).not.toHaveProperty('finalLrFraction');
		expect(parsed.study.budget).toEqual({
			maxTrainSteps: 300,
			evalEvery: 10,
			checkpointEvery: 300,
			keepBestCheckpoints: 1
		});
		expect(parsed.study.params).toEqual([]);
		expect(warmupStudy(config, options, 10).budget.evalEvery).toBe(1);
	});
});

describe('readWarmups', () => {
	const falling = [2, 1.5, 1.2, 1.0].map((value, step) => ({ step, value }));
	const spiking = [2, 1.5, 1.0, 2.5, 1.1].map((value, step) => ({ step, value }));

	it('reports the shortest warmup that completed without a spike', () => {
		const reading = readWarmups(
			[
				{ warmupSteps: 100, status: 'completed', valLoss: falling },
				{ warmupSteps: 10, status: 'completed', valLoss: spiking },
				{ warmupSteps: 1000, status: 'completed', valLoss: falling }
			],
			5000
		);
		expect(reading.rows.map((r) => [r.warmupSteps, r.stable])).toEqual([
			[10, false],
			[100, true],
			[1000, true]
		]);
		expect(reading.shortest).toBe(100);
		expect(reading.text).toContain('5100 steps in all');
		expect(reading.text).not.toContain('may need to grow');
	});

	it('counts infeasible runs as unstable and flags warmups above 5% of the run', () => {
		const reading = readWarmups(
			[
				{ warmupSteps: 100, status: 'infeasible', valLoss: falling },
				{ warmupSteps: 1000, status: 'completed', valLoss: falling }
			],
			10_000
		);
		expect(reading.shortest).toBe(1000);
		expect(reading.text).toContain('10.0% of 10000 steps');
		expect(readWarmups([{ warmupSteps: 10, status: 'failed', valLoss: [] }], 100).shortest).toBeNull();
	});
});

describe('warmupRunGroups', () => {
	const options = { unstableLearningRate: 0.01, multiplier: 10, backend: 'wasm' as const };
	const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, dataset: 'digits', model: 'mlp' };
	const made = (id: string, createdAt: number, warmup: number, opts = options, cfg = config) => ({
		id,
		createdAt,
		definition: warmupStudy(cfg, opts, warmup)
	});

	it('groups the studies of one run, shortest first, and lists runs newest first', () => {
		const other = { ...options, unstableLearningRate: 0.02 };
		const studies = [
			made('a1', 1, 10),
			made('a2', 2, 100),
			made('b1', 3, 10, other), // another target: its own run
			made('c1', 4, 10), // same target again, but the warmup starts over: a new run
			made('c2', 5, 100),
			made('c3', 6, 1000),
			{ id: 'x', createdAt: 7, definition: { ...made('x', 7, 10).definition, notes: 'mine' } }
		];
		expect(warmupRunGroups(studies)).toEqual([['c1', 'c2', 'c3'], ['b1'], ['a1', 'a2']]);
	});

	it('keeps runs on different workloads apart even when their studies interleave', () => {
		const wine: TrialConfig = { ...config, dataset: 'wine' };
		const studies = [made('d1', 1, 10), made('w1', 2, 10, options, wine), made('d2', 3, 100)];
		expect(warmupRunGroups(studies)).toEqual([['w1'], ['d1', 'd2']]);
	});
});
