import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import type { Study, TrialRecord } from '../study/study';
import { planTrials } from '../study/study-trials';
import { branchesApply } from '../study/cooldown-branches';
import { buildSchedule, pickScheduleKeys } from '../math/schedule-config';
import {
	FAMILIES,
	familyOptionProblems,
	familyResults,
	isFamilyStudy,
	scheduleFamilyStudy,
	suggestedTarget,
	withBranchEvaluations
} from './schedule-families';

function valid(study: Study): Study {
	const parsed = parseStudyFile(serializeStudy(study));
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return parsed.study;
}

const options = {
	workload: { dataset: 'digits', model: 'mlp' },
	trialsPerFamily: 3,
	maxTrainSteps: 100
} as const;

describe('scheduleFamilyStudy', () => {
	it('is a valid study file with the family as its one scientific parameter', () => {
		const study = valid(scheduleFamilyStudy(options));
		expect(study.search).toEqual({ algorithm: 'quasi-random', trials: 12, seed: 1 });
		expect(study.params.filter((p) => p.role === 'scientific').map((p) => p.name)).toEqual(['family']);
		expect(isFamilyStudy(study)).toBe(true);
		expect(study.cooldownBranches).toEqual({
			at: [1],
			length: 0.2,
			shape: '1-sqrt',
			when: { family: ['constant'] }
		});
	});

	it('gives every family the same number of trials, each configured as its family', () => {
		const planned = planTrials(valid(scheduleFamilyStudy(options)));
		expect(planned).toHaveLength(12);
		for (const family of FAMILIES) {
			const own = planned.filter((t) => t.params.family === family);
			expect(own).toHaveLength(3);
			for (const trial of own) {
				const { config } = trial;
				expect(config.optimizer).toBe(family === 'schedule-free-adamw' ? 'schedule-free-adamw' : 'adam');
				expect(config.schedule).toBe(family === 'cosine' ? 'cosine' : family === 'wsd' ? 'wsd' : 'constant');
				if (family === 'wsd') {
					expect(config.cooldownShape).toBe('1-sqrt');
					expect(config.cooldownFraction).toBe(0.2);
				}
				// Learning rate and warmup are searched inside the family's own ranges.
				expect(config.learningRate).toBeGreaterThanOrEqual(1e-4);
				expect(config.learningRate).toBeLessThanOrEqual(0.1);
				expect(config.warmupSteps).toBeGreaterThanOrEqual(0);
				expect(config.warmupSteps).toBeLessThanOrEqual(10);
				// Only the constant family is branched.
				expect(branchesApply(valid(scheduleFamilyStudy(options)).cooldownBranches!, trial.params)).toBe(
					family === 'constant'
				);
			}
		}
		// The learning rates differ inside a family: they are searched, not fixed.
		const cosineRates = planned.filter((t) => t.params.family === 'cosine').map((t) => t.config.learningRate);
		expect(new Set(cosineRates).size).toBe(3);
	});

	it('wsd trials cool down over their last 20% with the 1−sqrt shape', () => {
		const wsd = planTrials(valid(scheduleFamilyStudy(options))).find((t) => t.params.family === 'wsd')!;
		const lr = buildSchedule(pickScheduleKeys(wsd.config), 100);
		const peak = wsd.config.learningRate;
		// 1−sqrt cooldown over steps 80…100: at step 80 + 5 the rate is peak · (1 − sqrt(5/20)) = peak / 2.
		expect(lr(79)).toBeCloseTo(peak, 12);
		expect(lr(85)).toBeCloseTo(peak * 0.5, 12);
	});

	it('names what is wrong with the options', () => {
		expect(familyOptionProblems({ ...options, trialsPerFamily: 0 })[0]).toMatch(/trials per family/);
		expect(familyOptionProblems({ ...options, maxTrainSteps: 5 })[0]).toMatch(/maxTrainSteps/);
		expect(familyOptionProblems({ ...options, cooldownFraction: 0.9 })[0]).toMatch(/cooldown fraction/);
		expect(() => scheduleFamilyStudy({ ...options, trialsPerFamily: 1.5 })).toThrow(RangeError);
	});
});

describe('the study format keeps cooldownBranches.when honest', () => {
	it('refuses a when naming a parameter the study lacks, or a value it never takes', () => {
		const study = scheduleFamilyStudy(options);
		const bad = {
			...study,
			cooldownBranches: { ...study.cooldownBranches!, when: { familyy: ['constant'] } }
		};
		const parsed = parseStudyFile(serializeStudy(bad));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toContain('$.cooldownBranches.when.familyy');
		const value = {
			...study,
			cooldownBranches: { ...study.cooldownBranches!, when: { family: ['linear'] } }
		};
		const second = parseStudyFile(serializeStudy(value));
		expect(second.ok).toBe(false);
		if (!second.ok) {
			expect(second.errors[0]!.path).toBe('$.cooldownBranches.when.family[0]');
			expect(second.errors[0]!.message).toMatch(/never takes "linear"/);
		}
	});
});

/** A finished trial of `family` whose valLoss curve is `losses` at steps 0, 10, 20, … */
function trial(
	index: number,
	family: string,
	losses: number[],
	extra: Partial<TrialRecord> = {}
): TrialRecord {
	return {
		index,
		params: { family },
		config: {} as TrialRecord['config'],
		seed: index,
		status: 'completed',
		metrics: {
			train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
			evals: losses.map((valLoss, k) => ({ step: 10 * k, valLoss, valAccuracy: 0 }))
		},
		...extra
	} as TrialRecord;
}

describe('familyResults', () => {
	const study = {
		trials: [
			trial(0, 'cosine', [2, 1.2, 0.8, 0.62]), // reaches 0.8 at step 20
			trial(1, 'cosine', [2, 0.7, 0.6, 0.55]), // reaches 0.8 at step 10; best 0.55
			trial(2, 'wsd', [2, 1.5, 1.0, 0.9]), // never reaches 0.8
			trial(3, 'wsd', [2, 3, 9, 40], { status: 'infeasible' }),
			// Constant at 0.9 until its last step; its cooldown branch from step 30 gets to 0.6 at step 36.
			trial(4, 'constant', [2, 1.1, 0.95, 0.9], {
				branches: [
					{
						fromStep: 30,
						length: 6,
						shape: '1-sqrt',
						finalFraction: 0,
						status: 'completed',
						metrics: {
							train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
							evals: [
								{ step: 33, valLoss: 0.75, valAccuracy: 0 },
								{ step: 36, valLoss: 0.6, valAccuracy: 0 }
							]
						}
					}
				]
			} as Partial<TrialRecord>),
			trial(5, 'schedule-free-adamw', [2, 1, 0.7, 0.65], { status: 'running' }) // not evidence
		]
	};

	it('finds each family’s best trial (branch included) and its time to the target', () => {
		const results = familyResults(study, 'valLoss', 0.8, { resamples: 500 });
		const byFamily = Object.fromEntries(results.map((r) => [r.family, r]));
		expect(byFamily.cosine!.best?.index).toBe(1);
		expect(byFamily.cosine!.best?.best).toEqual({ step: 30, value: 0.55 });
		expect(byFamily.cosine!.times).toEqual([
			{ index: 0, steps: 20 },
			{ index: 1, steps: 10 }
		]);
		// The fastest cosine trial took 10 steps; a draw of two misses it with probability 1/4, so the 95th
		// percentile of the fastest time is the other trial's 20.
		expect(byFamily.cosine!.time).toMatchObject({ fastest: 10, low: 10, high: 20, reachedShare: 1 });
		expect(byFamily.wsd!.trials).toBe(2);
		expect(byFamily.wsd!.infeasible).toBe(1);
		expect(byFamily.wsd!.best?.index).toBe(2);
		expect(byFamily.wsd!.time).toMatchObject({ fastest: Infinity, reachedShare: 0 });
		expect(byFamily.constant!.best?.best).toEqual({ step: 36, value: 0.6 });
		expect(byFamily.constant!.times).toEqual([{ index: 4, steps: 33 }]);
		expect(byFamily['schedule-free-adamw']!).toMatchObject({ trials: 0, best: null, time: null });
	});

	it('reads a constant trial with its branch: best over training includes the cooldown', () => {
		const view = withBranchEvaluations(study);
		expect(view.trials[4]!.metrics!.evals.map((e) => [e.step, e.valLoss])).toEqual([
			[0, 2],
			[10, 1.1],
			[20, 0.95],
			[30, 0.9],
			[33, 0.75],
			[36, 0.6]
		]);
		expect(view.trials[0]).toBe(study.trials[0]);
	});

	it('suggests the worst family best as the target, so every family with a result reaches it', () => {
		const results = familyResults(study, 'valLoss', null);
		expect(results.every((r) => r.time === null)).toBe(true);
		// Bests: cosine 0.55, wsd 0.9, constant 0.6 → 0.9.
		expect(suggestedTarget(results, 'valLoss')).toBe(0.9);
	});
});
