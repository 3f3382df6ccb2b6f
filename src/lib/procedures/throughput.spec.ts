import { describe, expect, it } from 'vitest';
import { READBACK_EVERY } from '../training/trial-loop';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { planTrials } from '../study/study-trials';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import {
	MIN_PROBE_STEPS,
	NEAR_DOUBLING_GAIN,
	READBACK_GROUP_STEPS,
	batchSizes,
	isProbeStudy,
	probeOptionProblems,
	probePlot,
	probeRows,
	probeStudy,
	steadyThroughput,
	suggestBatchSize,
	type ProbeTrial
} from './throughput';

const timed = (stepsPerSecond: number, measuredSteps = 60) => ({
	stepsPerSecond,
	measuredSteps,
	warmupSteps: 20,
	includesEvaluation: false
});

describe('steadyThroughput', () => {
	it('leaves out the warm-up group and the groups that held an evaluation', () => {
		// Warm-up 0→20 took 1 s (compilation); 20→40 and 40→60 took 0.2 s each; 60→80 held the final eval.
		const marks = [
			{ step: 20, seconds: 1.0, evaluated: true },
			{ step: 40, seconds: 1.2, evaluated: false },
			{ step: 60, seconds: 1.4, evaluated: false },
			{ step: 80, seconds: 1.7, evaluated: true }
		];
		const t = steadyThroughput(marks, 0)!;
		expect(t.stepsPerSecond).toBeCloseTo(100, 9);
		expect(t).toMatchObject({ measuredSteps: 40, warmupSteps: 20, includesEvaluation: false });
	});

	it('falls back to groups with evaluations when no clean group exists, and says so', () => {
		const marks = [
			{ step: 20, seconds: 1, evaluated: true },
			{ step: 40, seconds: 1.5, evaluated: true }
		];
		expect(steadyThroughput(marks, 0)).toEqual({
			stepsPerSecond: 40,
			measuredSteps: 20,
			warmupSteps: 20,
			includesEvaluation: true
		});
	});

	it('is null when only the warm-up group exists, and counts from a resumed step', () => {
		expect(steadyThroughput([{ step: 20, seconds: 1, evaluated: false }], 0)).toBeNull();
		expect(steadyThroughput([], 0)).toBeNull();
		const resumed = steadyThroughput(
			[
				{ step: 120, seconds: 0.5, evaluated: false },
				{ step: 140, seconds: 0.75, evaluated: false }
			],
			100
		);
		expect(resumed).toEqual({
			stepsPerSecond: 80,
			measuredSteps: 20,
			warmupSteps: 20,
			includesEvaluation: false
		});
	});

	it('times in the groups the worker reads back in', () => {
		expect(READBACK_GROUP_STEPS).toBe(READBACK_EVERY);
		expect(MIN_PROBE_STEPS).toBe(3 * READBACK_EVERY);
	});
});

describe('probeRows and suggestBatchSize', () => {
	// 8: 100 steps/s = 800 ex/s; 16: 95 → 1520 ex/s (1.9×, scales); 32: 60 → 1920 ex/s (1.26×, does not).
	const trials: ProbeTrial[] = [
		{ batchSize: 32, status: 'completed', throughput: timed(60) },
		{ batchSize: 8, status: 'completed', throughput: timed(100) },
		{ batchSize: 16, status: 'completed', throughput: timed(95) },
		{ batchSize: 64, status: 'failed', reason: 'Out of memory' },
		{ batchSize: 128, status: 'cancelled', reason: 'not run' }
	];

	it('computes examples/s, time per step and the gain per doubling', () => {
		const rows = probeRows(trials);
		expect(rows.map((r) => r.batchSize)).toEqual([8, 16, 32, 64, 128]);
		expect(rows[0]).toMatchObject({ examplesPerSecond: 800, msPerStep: 10 });
		expect(rows[0]!.gain).toBeUndefined();
		expect(rows[1]!.examplesPerSecond).toBe(1520);
		expect(rows[1]!.gain).toBeCloseTo(1.9, 12);
		expect(rows[1]!.scales).toBe(true);
		expect(rows[2]!.gain).toBeCloseTo(1920 / 1520, 12);
		expect(rows[2]!.scales).toBe(false);
		expect(rows[3]!.examplesPerSecond).toBeUndefined();
	});

	it('suggests the last size reached by doublings that nearly doubled throughput', () => {
		const s = suggestBatchSize(probeRows(trials));
		expect(s).toMatchObject({
			batchSize: 16,
			firstShortfall: 32,
			fastest: 32,
			largestFeasible: 32,
			failure: { batchSize: 64, reason: 'Out of memory' }
		});
		expect(s.text).toContain('up to 16');
	});

	it('takes the gain per doubling over a skipped size (a geometric mean)', () => {
		const rows = probeRows([
			{ batchSize: 8, status: 'completed', throughput: timed(100) },
			{ batchSize: 32, status: 'completed', throughput: timed(90) }
		]);
		// 800 → 2880 ex/s over two doublings: √3.6 ≈ 1.897 per doubling.
		expect(rows[1]!.gain).toBeCloseTo(Math.sqrt(3.6), 12);
		expect(rows[1]!.scales).toBe(true);
	});

	it('uses the named threshold exactly: a gain of NEAR_DOUBLING_GAIN still scales', () => {
		const rows = probeRows([
			{ batchSize: 8, status: 'completed', throughput: timed(100) },
			{ batchSize: 16, status: 'completed', throughput: timed((100 * NEAR_DOUBLING_GAIN) / 2) }
		]);
		expect(rows[1]!.gain).toBeCloseTo(NEAR_DOUBLING_GAIN, 12);
		expect(rows[1]!.scales).toBe(rows[1]!.gain! >= NEAR_DOUBLING_GAIN);
	});

	it('suggests the largest size when every doubling scales, and the smallest when none does', () => {
		const all = suggestBatchSize(
			probeRows([
				{ batchSize: 8, status: 'completed', throughput: timed(100) },
				{ batchSize: 16, status: 'completed', throughput: timed(100) },
				{ batchSize: 32, status: 'completed', throughput: timed(99) }
			])
		);
		expect(all).toMatchObject({ batchSize: 32, firstShortfall: null, fastest: 32, failure: null });
		const none = suggestBatchSize(
			probeRows([
				{ batchSize: 8, status: 'completed', throughput: timed(100) },
				{ batchSize: 16, status: 'completed', throughput: timed(60) }
			])
		);
		expect(none).toMatchObject({ batchSize: 8, firstShortfall: 16, fastest: 16 });
	});

	it('reports a probe where nothing was timed', () => {
		const s = suggestBatchSize(probeRows([{ batchSize: 8, status: 'failed', reason: 'no backend' }]));
		expect(s).toMatchObject({ batchSize: null, largestFeasible: null });
		expect(s.text).toContain('batch 8 failed (no backend)');
	});
});

describe('probeStudy', () => {
	it('is a valid grid study over batch sizes 2^k of the same workload', () => {
		const config: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			schedule: 'wsd',
			warmupSteps: 500,
			cooldownSteps: 1000,
			cooldownShape: 'linear'
		};
		const study = probeStudy(config, { minExponent: 3, maxExponent: 6, steps: 60, backend: 'wasm' });
		const parsed = parseStudyFile(serializeStudy(study));
		expect(parsed.ok ? [] : parsed.errors).toEqual([]);
		expect(isProbeStudy(study)).toBe(true);
		const planned = planTrials(study);
		expect(planned.map((p) => p.config.batchSize)).toEqual([8, 16, 32, 64]);
		for (const p of planned) {
			expect(p.config).toMatchObject({
				backend: 'wasm',
				maxTrainSteps: 60,
				schedule: 'constant',
				hiddenWidth: config.hiddenWidth,
				learningRate: config.learningRate,
				seed: config.seed
			});
			expect(p.config.cooldownSteps).toBeUndefined();
		}
	});

	it('lists the problems of bad options', () => {
		expect(probeOptionProblems({ minExponent: 3, maxExponent: 6, steps: 60, backend: 'auto' })).toEqual([]);
		expect(probeOptionProblems({ minExponent: 6, maxExponent: 6, steps: 20, backend: 'auto' })).toHaveLength(
			2
		);
		expect(probeOptionProblems({ minExponent: 3, maxExponent: 13, steps: 60, backend: 'auto' })).toHaveLength(
			1
		);
		expect(batchSizes(3, 5)).toEqual([8, 16, 32]);
	});
});

describe('probePlot', () => {
	it('places measured points and the perfect-scaling line from the smallest size', () => {
		const plot = probePlot(
			probeRows([
				{ batchSize: 8, status: 'completed', throughput: timed(100) },
				{ batchSize: 16, status: 'completed', throughput: timed(100) },
				{ batchSize: 32, status: 'failed', reason: 'oom' }
			])
		);
		expect(plot.points).toHaveLength(2);
		expect(plot.xTicks.map((t) => t.value)).toEqual([8, 16, 32]);
		// Perfect scaling: the second point (exactly doubled) lies on the ideal line.
		const { x1, y1, x2, y2 } = plot.ideal!;
		const p = plot.points[1]!;
		expect(y1 + ((p.x - x1) / (x2 - x1)) * (y2 - y1)).toBeCloseTo(p.y, 9);
		expect(plot.points[0]!.x).toBeLessThan(plot.points[1]!.x);
		expect(plot.points[1]!.y).toBeLessThan(plot.points[0]!.y);
	});
});
