import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { planTrials } from '../study/study-trials';
import { cleanTrialConfig } from '../study/trial-config-clean';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	CLEAR_T,
	NOISE_T,
	adoptReading,
	fixedFromConfig,
	isVarianceStudy,
	logGamma,
	mean,
	sampleSd,
	summarizeSample,
	twoSidedP,
	varianceSeeds,
	varianceStudy,
	welchTest,
	type WelchTest
} from './trial-variance';

describe('mean and sample standard deviation', () => {
	it('match values worked by hand', () => {
		expect(mean([1, 2, 3, 4])).toBe(2.5);
		// Mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; 32 / (8 − 1).
		expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
		expect(sampleSd([3])).toBeNaN();
		const s = summarizeSample([1, 2, 3]);
		expect(s).toMatchObject({ n: 3, mean: 2, sd: 1, min: 1, max: 3 });
		expect(s.se).toBeCloseTo(1 / Math.sqrt(3), 12);
	});
});

describe('welchTest', () => {
	it('matches t and the Welch–Satterthwaite degrees of freedom worked by hand', () => {
		// Baseline 1, 2, 3: mean 2, sd 1. Candidate 4, 6, 8: mean 6, sd 2.
		// s²/n: 1/3 and 4/3; se = √(5/3); t = 4 / √(5/3) ≈ 3.0984;
		// df = (5/3)² / ((1/3)²/2 + (4/3)²/2) = (25/9) / (17/18) = 50/17 ≈ 2.941.
		const test = welchTest(summarizeSample([1, 2, 3]), summarizeSample([4, 6, 8]))!;
		expect(test.difference).toBe(4);
		expect(test.standardError).toBeCloseTo(Math.sqrt(5 / 3), 12);
		expect(test.t).toBeCloseTo(4 / Math.sqrt(5 / 3), 12);
		expect(test.t).toBeCloseTo(3.0984, 4);
		expect(test.df).toBeCloseTo(50 / 17, 12);
		expect(test.p).toBeGreaterThan(0.05);
		expect(test.p).toBeLessThan(0.06);
	});

	it('equals Student’s df when both sides have the same n and spread', () => {
		const test = welchTest(summarizeSample([1, 2, 3, 4]), summarizeSample([2, 3, 4, 5]))!;
		expect(test.df).toBeCloseTo(6, 12);
		expect(test.t).toBeCloseTo(1 / Math.sqrt(2 * (5 / 3 / 4)), 12);
	});

	it('needs two values a side, and handles samples with no spread', () => {
		expect(welchTest(summarizeSample([1]), summarizeSample([1, 2]))).toBeNull();
		const exact = welchTest(summarizeSample([1, 1]), summarizeSample([0.5, 0.5]))!;
		expect(exact.t).toBe(-Infinity);
		expect(exact.p).toBe(0);
		expect(welchTest(summarizeSample([1, 1]), summarizeSample([1, 1]))!.p).toBe(1);
	});
});

describe('twoSidedP', () => {
	it('matches tabled critical values of Student’s t', () => {
		expect(twoSidedP(12.7062047, 1)).toBeCloseTo(0.05, 6);
		expect(twoSidedP(4.30265273, 2)).toBeCloseTo(0.05, 6);
		expect(twoSidedP(2.77644511, 4)).toBeCloseTo(0.05, 6);
		expect(twoSidedP(2.22813885, 10)).toBeCloseTo(0.05, 6);
		expect(twoSidedP(1.95996398, 1e7)).toBeCloseTo(0.05, 5);
		// Cauchy (df = 1): P(|T| ≥ 1) = 1/2.
		expect(twoSidedP(1, 1)).toBeCloseTo(0.5, 10);
		expect(twoSidedP(0, 3)).toBe(1);
		expect(twoSidedP(-2.77644511, 4)).toBeCloseTo(0.05, 6);
	});

	it('rests on an accurate log-gamma', () => {
		expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
		expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
	});
});

describe('adoptReading', () => {
	const at = (t: number): WelchTest => ({ difference: -t * 0.01, standardError: 0.01, t: -t, df: 8, p: 0.1 });
	it('reads a lower loss beyond CLEAR_T standard errors as adopt, and the bands below it', () => {
		expect(adoptReading(at(CLEAR_T + 1), 'minimize', 'valLoss').verdict).toBe('adopt');
		expect(adoptReading(at((NOISE_T + CLEAR_T) / 2), 'minimize', 'valLoss').verdict).toBe('lean-adopt');
		expect(adoptReading(at(NOISE_T / 2), 'minimize', 'valLoss').verdict).toBe('no-difference');
		expect(adoptReading(at(-(CLEAR_T + 1)), 'minimize', 'valLoss').verdict).toBe('keep-baseline');
	});
	it('flips the direction for a maximised metric, and needs a test', () => {
		expect(adoptReading(at(CLEAR_T + 1), 'maximize', 'valAccuracy').verdict).toBe('keep-baseline');
		expect(adoptReading(at(-(CLEAR_T + 1)), 'maximize', 'valAccuracy').verdict).toBe('adopt');
		expect(adoptReading(null, 'minimize', 'valLoss').verdict).toBe('unknown');
	});
});

describe('varianceStudy', () => {
	const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, optimizer: 'sgd', learningRate: 0.05, seed: 41 };
	const source = {
		studyName: 'Widths',
		index: 2,
		config,
		budget: { maxTrainSteps: 300, evalEvery: 25, checkpointEvery: 100, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss' as const, goal: 'minimize' as const }
	};

	it('fixes every key of the trial and searches only the seed, one trial per seed', () => {
		const study = varianceStudy(source, 3, 'wasm');
		const parsed = parseStudyFile(serializeStudy(study));
		expect(parsed.ok ? [] : parsed.errors).toEqual([]);
		expect(isVarianceStudy(study)).toBe(true);
		expect(study.fixed.seed).toBeUndefined();
		const planned = planTrials(study);
		expect(planned.map((p) => p.config.seed)).toEqual([41, 42, 43]);
		for (const p of planned) {
			expect(p.config).toEqual({ ...cleanTrialConfig(config), seed: p.config.seed, backend: 'wasm' });
		}
	});

	it('keeps only keys the model reads', () => {
		expect(
			fixedFromConfig({ ...DEFAULT_TRIAL_CONFIG, model: 'cnn', cnnWidth: 8, cnnDepth: 2 })
		).not.toHaveProperty('hiddenWidth');
		expect(varianceSeeds(2 ** 32 - 1, 2)).toEqual([2 ** 32 - 1, 0]);
	});
});
