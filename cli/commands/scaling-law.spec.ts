import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../args';
import { fixtureFolder } from '../../src/lib/testing/cli-support';
import { predictLoss, type ScalingParams } from '../../src/lib/analysis/scaling-fit';
import { Random } from '../../src/lib/math/random';
import {
	dataShapeOf,
	examplesSeen,
	scalingLawStudy,
	trainableParameters
} from '../../src/lib/procedures/scaling-law';
import { branchLength, branchSteps } from '../../src/lib/study/cooldown-branches';
import { planTrials } from '../../src/lib/study/study-trials';
import { serializeStudy } from '../../src/lib/study/study-file';
import type { Study, TrialRecord } from '../../src/lib/study/study';
import { DEFAULT_TRIAL_CONFIG } from '../../src/lib/study/trial-config';
import { run } from './scaling-law';

const folder = fixtureFolder('scaling-law');

function capture(): CommandIo & { stdout: string; stderr: string } {
	const io = {
		stdout: '',
		stderr: '',
		async out(text: string) {
			io.stdout += text;
		},
		err(text: string) {
			io.stderr += text;
		}
	};
	return io;
}

const TRUTH: ScalingParams = { E: 0.3, A: 20, alpha: 0.4, B: 60, beta: 0.35 };

/**
 * A scaling-law study on digits (MLP widths 4 … 128, 2048 steps, 8 branch points) whose branches end
 * at the loss the law TRUTH gives, times exp(noise · a standard normal): what the lab would export if
 * the model followed the law exactly.
 */
function lawStudy(noise: number, seed: number): Study {
	const study = scalingLawStudy({
		config: { ...DEFAULT_TRIAL_CONFIG, dataset: 'digits', model: 'mlp' },
		sizeKey: 'hiddenWidth',
		sizes: [4, 8, 16, 32, 64, 128],
		learningRate: 0.003,
		warmupSteps: 20,
		maxTrainSteps: 2048,
		branchPoints: 8,
		span: 32,
		cooldown: 0.25,
		backend: 'wasm'
	});
	const random = new Random(seed);
	const option = study.cooldownBranches!;
	const shape = dataShapeOf('digits')!;
	const trials: TrialRecord[] = planTrials(study).map((planned) => ({
		index: planned.index,
		params: planned.params,
		config: planned.config,
		seed: planned.config.seed,
		status: 'completed',
		branches: branchSteps(option, 2048).map((fromStep) => {
			const length = branchLength(option, 2048, fromStep);
			const N = trainableParameters(planned.config, shape);
			const D = examplesSeen(planned.config, fromStep + length);
			const loss = predictLoss(TRUTH, N, D) * Math.exp(noise * random.normal());
			return {
				fromStep,
				length,
				shape: '1-sqrt',
				finalFraction: 0,
				status: 'completed',
				metrics: {
					train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
					evals: [{ step: fromStep + length, valLoss: loss, valAccuracy: 0.9 }]
				}
			};
		})
	}));
	return { ...study, trials };
}

describe('tuning-lab scaling-law', () => {
	it('recovers a known law from noisy branch losses within the stated tolerance', async () => {
		// Tolerance: with 1 % multiplicative noise on 48 points (6 widths × 8 lengths) the exponents come
		// back within ±0.05, E within ±0.1, and the 95 % intervals of E, alpha and beta hold the truth.
		const file = folder.write('law.study.json', serializeStudy(lawStudy(0.01, 9)));
		const io = capture();
		expect(await run([file, '--bootstrap', '100'], io)).toBe(0);
		expect(io.stderr).toBe('');
		const out = JSON.parse(io.stdout);
		expect(Object.keys(out)).toEqual([
			'study',
			'size',
			'E',
			'A',
			'alpha',
			'B',
			'beta',
			'intervals',
			'bootstrap',
			'seed',
			'points',
			'skipped'
		]);
		expect(out.size).toBe('hiddenWidth');
		expect(out.points).toHaveLength(48);
		// Width 4 on digits: 64·4 + 4 + 4·10 + 10 = 310 parameters; the first branch ends at step
		// 64 + 16 = 80 (2048/32 = 64, a quarter of it cooling down), 80 × 64 examples = 5120.
		expect(out.points[0]).toMatchObject({ N: 310, D: 5120, trial: 0, fromStep: 64 });
		expect(Math.abs(out.alpha - TRUTH.alpha)).toBeLessThan(0.05);
		expect(Math.abs(out.beta - TRUTH.beta)).toBeLessThan(0.05);
		expect(Math.abs(out.E - TRUTH.E)).toBeLessThan(0.1);
		for (const key of ['E', 'alpha', 'beta'] as const) {
			expect(out.intervals[key][0], key).toBeLessThanOrEqual(TRUTH[key]);
			expect(out.intervals[key][1], key).toBeGreaterThanOrEqual(TRUTH[key]);
		}
		expect(out.bootstrap).toBe(100);
	}, 60_000);

	it('refuses a study that is not a scaling-law study, and one with too few points', async () => {
		const { scalingLaw: _, ...plain } = lawStudy(0, 1);
		const io = capture();
		expect(await run([folder.write('plain.json', serializeStudy(plain as Study))], io)).toBe(1);
		expect(io.stderr).toMatch(/not a scaling-law study/);
		const few = lawStudy(0, 1);
		few.trials = few.trials.slice(0, 1);
		const io2 = capture();
		expect(await run([folder.write('few.json', serializeStudy(few))], io2)).toBe(1);
		expect(io2.stderr).toMatch(/cannot fit: a fit needs points from at least 2 model sizes/);
		const io3 = capture();
		expect(await run(['a.json', '--bootstrap', 'many'], io3)).toBe(2);
		expect(io3.stderr).toMatch(/--bootstrap: expected a whole number/);
	});
});
