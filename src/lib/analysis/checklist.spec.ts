import { describe, expect, it } from 'vitest';
import type { Study } from '../study/study';
import { validateStudy } from '../study/study-validation';
import { toStudyFile } from '../study/study-file';
import { analyzeStudy, FINDING_IDS, SEVERITIES, type Finding, type FindingId } from './checklist';
import { syntheticStudy, type SyntheticTrial } from '../testing/synthetic-study';

// Every study here has 12 trials of 300 steps (evaluations every 25), with learning rates spread evenly
// over the log range [1e-4, 1e-1] and weight decays over [1e-4, 1] in a shuffled order. A trial's curves
// are a shape times a penalty that grows with the distance of its learning rate from `center`, so the
// trial nearest `center` is the best one. Each test changes one thing and checks that exactly the
// expected finding appears.
const T = 300;
type Curve = (step: number) => number;

function learningRateOf(i: number): number {
	return 10 ** (-4 + (3 * (i + 0.5)) / 12);
}

interface Craft {
	center?: number;
	val?: Curve;
	train?: Curve;
	/** Changes to single trials, by index. */
	edit?: (i: number, trial: SyntheticTrial) => SyntheticTrial;
}

// Smooth, healthy curves: the validation loss bottoms out at about 2/3 of the run and barely rises after
// (less than the overfitting threshold), the training loss falls throughout.
const cleanVal: Curve = (t) => 0.5 + 1.8 * Math.exp(-t / 50) + 0.2 * Math.max(0, t / T - 0.6);
const cleanTrain: Curve = (t) => 0.2 + 2.1 * Math.exp(-t / 50);

function craft({ center = 3e-3, val = cleanVal, train = cleanTrain, edit }: Craft = {}): Study {
	const trials = Array.from({ length: 12 }, (_, i): SyntheticTrial => {
		const learningRate = learningRateOf(i);
		const weightDecay = 10 ** (-4 + (4 * (((i * 5) % 12) + 0.5)) / 12);
		const penalty = 1 + 0.1 * (Math.log10(learningRate) - Math.log10(center)) ** 2;
		const trial: SyntheticTrial = {
			params: { learningRate, weightDecay },
			trainLoss: (t) => train(t) * penalty,
			valLoss: (t) => val(t) * penalty
		};
		return edit ? edit(i, trial) : trial;
	});
	return syntheticStudy(trials, { maxTrainSteps: T, evalEvery: 25 });
}

function diverged(trial: SyntheticTrial): SyntheticTrial {
	return {
		...trial,
		status: 'infeasible',
		stoppedAt: 10,
		reason: 'diverged',
		trainLoss: (t) => (t < 5 ? 2.3 : NaN),
		valLoss: () => NaN
	};
}

const ids = (findings: Finding[]) => findings.map((f) => f.id);
function only(findings: Finding[], id: FindingId): Finding {
	const matching = findings.filter((f) => f.id === id);
	expect(matching).toHaveLength(1);
	return matching[0]!;
}

function expectValidDraft(finding: Finding, source: Study): Study {
	const draft = finding.nextStudy!.study;
	expect(validateStudy(toStudyFile(draft)).ok).toBe(true);
	expect(draft.trials).toEqual([]);
	expect(draft.name).not.toBe(source.name);
	expect(draft.goal).toContain(source.name);
	return draft;
}

describe('analyzeStudy on a clean study', () => {
	it('finds nothing', () => {
		expect(analyzeStudy(craft())).toEqual([]);
	});

	it('finds nothing either under other objectives', () => {
		const study = craft();
		expect(analyzeStudy(study, { metric: 'valLoss', reduce: 'final' })).toEqual([]);
		expect(
			analyzeStudy(study, { metric: 'valAccuracy', reduce: 'best' }).map((f) => f.severity)
		).not.toContain('problem');
	});

	it('copes with a study that has not run', () => {
		expect(analyzeStudy({ ...craft(), trials: [] })).toEqual([]);
	});
});

describe('boundary', () => {
	it('fires at the upper edge of the learning rate and drafts a range one decade wider', () => {
		const study = craft({ center: 1e-1 });
		const findings = analyzeStudy(study);
		expect(ids(findings)).toEqual(['boundary']);
		const finding = findings[0]!;
		expect(finding).toMatchObject({
			severity: 'warning',
			parameter: 'learningRate',
			edge: 'max',
			plot: 'axis',
			section: 'Identifying bad search space boundaries'
		});
		expect(finding.trials[0]).toBe(11);
		const draft = expectValidDraft(finding, study);
		expect(draft.params[0]).toMatchObject({ name: 'learningRate', min: 1e-4, max: 1 });
		expect(draft.goal).toMatch(/upper edge/);
	});

	it('fires at the lower edge too, one finding per parameter and edge', () => {
		const study = craft({ center: 1e-4 });
		const findings = analyzeStudy(study);
		// Trial 0, the best, also has the smallest weight decay (u = 0.5/12 ≈ 0.04 in log space).
		expect(findings.map((f) => [f.id, f.parameter, f.edge, f.trials[0]])).toEqual([
			['boundary', 'learningRate', 'min', 0],
			['boundary', 'weightDecay', 'min', 0]
		]);
		expect(expectValidDraft(findings[0]!, study).params[0]).toMatchObject({ min: 1e-5, max: 0.1 });
		expect(expectValidDraft(findings[1]!, study).params[1]).toMatchObject({ min: 1e-5, max: 1 });
	});

	it('does not fire when the best value is inside the range', () => {
		expect(ids(analyzeStudy(craft({ center: 3e-2 })))).not.toContain('boundary');
	});
});

describe('infeasible-fraction', () => {
	it('grows in severity with the share of infeasible trials, and lowers the learning-rate maximum', () => {
		const some = craft({ edit: (i, t) => (i >= 10 ? diverged(t) : t) });
		expect(only(analyzeStudy(some), 'infeasible-fraction').severity).toBe('info');
		const quarter = craft({ edit: (i, t) => (i >= 9 ? diverged(t) : t) });
		const finding = only(analyzeStudy(quarter), 'infeasible-fraction');
		expect(finding.severity).toBe('warning');
		expect(finding.trials).toEqual([9, 10, 11]);
		const draft = expectValidDraft(finding, quarter);
		expect(draft.params[0]).toMatchObject({ name: 'learningRate' });
		expect((draft.params[0] as { max: number }).max).toBeCloseTo(learningRateOf(9), 10);
		const most = craft({ edit: (i, t) => (i >= 5 && i !== 6 ? diverged(t) : t), center: 3e-4 });
		expect(only(analyzeStudy(most), 'infeasible-fraction').severity).toBe('problem');
	});

	it('offers no narrower range when the infeasible trials are not the high learning rates', () => {
		const scattered = craft({ edit: (i, t) => (i === 0 || i === 1 || i === 11 ? diverged(t) : t) });
		const finding = only(analyzeStudy(scattered), 'infeasible-fraction');
		expect(finding.nextStudy).toBeUndefined();
		expect(finding.message).toMatch(/bug/);
	});

	it('stays quiet for a single infeasible trial in many', () => {
		const one = syntheticStudy(
			Array.from({ length: 12 }, (_, i) => ({
				params: { learningRate: learningRateOf(i), weightDecay: 0.01 },
				status: i === 11 ? ('infeasible' as const) : undefined,
				trainLoss: cleanTrain,
				valLoss: cleanVal
			}))
		);
		// 1 of 12 is under INFEASIBLE_INFO_SHARE (10%).
		expect(ids(analyzeStudy(one))).not.toContain('infeasible-fraction');
	});
});

describe('overfitting', () => {
	it('fires when validation loss climbs after its minimum while training loss falls, and adds regularisation', () => {
		const study = craft({
			val: (t) => 0.5 + 1.8 * Math.exp(-t / 30) + 1.5 * Math.max(0, t / T - 0.35),
			train: (t) => 0.2 + 2.1 * Math.exp(-t / 100)
		});
		const finding = only(analyzeStudy(study), 'overfitting');
		expect(finding.severity).toBe('warning');
		expect(finding.trials).toEqual([5, 6, 4]);
		expect(finding.plot).toBe('curves');
		expect(finding.section).toBe('Examining the training curves');
		// weightDecay is searched already, so the next regulariser, dropout, is added.
		const draft = expectValidDraft(finding, study);
		expect(draft.params.map((p) => p.name)).toEqual(['learningRate', 'weightDecay', 'dropout']);
	});

	it('does not fire for a slight rise after the minimum', () => {
		// Gives back about 2% of its gain, under OVERFIT_RISE_SHARE, while the training loss still falls.
		const study = craft({ train: (t) => 0.2 + 2.1 * Math.exp(-t / 100) });
		expect(ids(analyzeStudy(study))).not.toContain('overfitting');
	});

	it('does not fire when the training loss rises along with the validation loss', () => {
		const study = craft({
			val: (t) => 0.5 + 1.8 * Math.exp(-t / 30) + 1.5 * Math.max(0, t / T - 0.35),
			train: (t) => 0.2 + 2.1 * Math.exp(-t / 30) + 1.5 * Math.max(0, t / T - 0.35)
		});
		expect(ids(analyzeStudy(study))).not.toContain('overfitting');
	});
});

describe('late-variance', () => {
	it('fires when the training loss jumps from step to step late in training', () => {
		const study = craft({
			train: (t) => cleanTrain(t) + (t > 0.7 * T ? (t % 2 === 0 ? 0.3 : -0.3) : 0)
		});
		const finding = only(analyzeStudy(study), 'late-variance');
		expect(finding.trials).toEqual([5, 6, 4]);
		expect(finding.message).toMatch(/training loss jitters/);
	});

	it('does not fire for mild batch noise', () => {
		// ±0.02 from step to step: about 1.3% of the 2.1 drop, under LATE_NOISE_SHARE.
		const study = craft({ train: (t) => cleanTrain(t) + (t % 2 === 0 ? 0.02 : -0.02) });
		expect(ids(analyzeStudy(study))).not.toContain('late-variance');
	});

	it('does not count early noise', () => {
		const study = craft({ train: (t) => cleanTrain(t) + (t < 0.3 * T ? (t % 2 === 0 ? 0.3 : -0.3) : 0) });
		expect(ids(analyzeStudy(study))).not.toContain('late-variance');
	});
});

describe('training length', () => {
	it('still-improving fires for curves that keep falling to the end and drafts twice the steps', () => {
		const study = craft({ val: (t) => 2.3 - (1.5 * t) / T, train: (t) => 2.3 - (2 * t) / T });
		const findings = analyzeStudy(study);
		const finding = only(findings, 'still-improving');
		expect(finding.section).toBe('Deciding how long to train when training is compute-bound');
		expect(expectValidDraft(finding, study).budget.maxTrainSteps).toBe(2 * T);
		expect(ids(findings)).not.toContain('saturated');
	});

	it('saturated fires for curves that flatten early and drafts half the steps', () => {
		const study = craft({ val: (t) => 0.5 + 1.8 * Math.exp(-t / 20) });
		const findings = analyzeStudy(study);
		const finding = only(findings, 'saturated');
		expect(finding.trials).toEqual([5, 6, 4]);
		expect(expectValidDraft(finding, study).budget.maxTrainSteps).toBe(T / 2);
		expect(ids(findings)).not.toContain('still-improving');
	});

	it('best-step-late fires when the best checkpoints are in the last quarter', () => {
		const study = craft({ val: (t) => 0.5 + 1.8 * Math.exp(-t / 50) });
		const finding = only(analyzeStudy(study), 'best-step-late');
		expect(finding.severity).toBe('info');
		expect(finding.trials).toEqual([5, 6, 4]);
	});

	it('best-step-early fires when every best trial peaks in the first tenth', () => {
		const study = craft({ val: (t) => 0.5 + 1.8 * Math.exp(-t / 5) + t / T });
		const findings = analyzeStudy(study);
		expect(only(findings, 'best-step-early').trials).toEqual([5, 6, 4]);
		expect(ids(findings)).not.toContain('best-step-late');
	});
});

describe('train-loss-increasing', () => {
	it('fires for the trials whose training loss ends well above its lowest level', () => {
		const rising: Curve = (t) => (t < T / 2 ? 2.3 - (2 * t) / T : 1.3 + (t - T / 2) / (T / 2));
		const study = craft({ edit: (i, t) => (i === 1 || i === 8 ? { ...t, trainLoss: rising } : t) });
		const finding = only(analyzeStudy(study), 'train-loss-increasing');
		expect(finding.severity).toBe('problem');
		expect([...finding.trials].sort()).toEqual([1, 8]);
	});
});

describe('instability', () => {
	it('fires when the learning rate just above the best one diverges, and drafts a warmup search', () => {
		const study = craft({ edit: (i, t) => (i === 6 ? diverged(t) : t) });
		const findings = analyzeStudy(study);
		const finding = only(findings, 'instability');
		expect(finding.trials).toEqual([5, 6]);
		expect(finding.parameter).toBe('learningRate');
		expect(finding.section).toBe('Identifying unstable workloads');
		const draft = expectValidDraft(finding, study);
		expect(draft.params.find((p) => p.name === 'warmupSteps')).toMatchObject({
			type: 'int',
			min: 3,
			max: 30
		});
		// One infeasible trial of twelve is not enough for infeasible-fraction.
		expect(ids(findings)).not.toContain('infeasible-fraction');
	});

	it('fires when the neighbour is far worse than the median trial', () => {
		const study = craft({
			edit: (i, t) => (i === 6 ? { ...t, valLoss: (s) => 3 * cleanVal(s), trainLoss: cleanTrain } : t)
		});
		expect(only(analyzeStudy(study), 'instability').trials).toEqual([5, 6]);
	});
});

describe('aggressive-clipping', () => {
	it('fires for a trial that clips more than half of its steps', () => {
		const study = craft({
			edit: (i, t) =>
				i === 2
					? { ...t, gradNorm: (s) => 1 + (s % 3), clipAt: 1.5 }
					: i === 3
						? { ...t, clipAt: 0.5, gradNorm: (s) => (s % 2 === 0 ? 1 : 0.1) }
						: t
		});
		const finding = only(analyzeStudy(study), 'aggressive-clipping');
		// Trial 2 clips 2 of every 3 steps; trial 3 exactly half, which is not "more than half".
		expect(finding.trials).toEqual([2]);
		expect(finding.plot).toBe('stability');
		expect(finding.title).toMatch(/lower the learning rate instead/);
	});
});

describe('order and shape', () => {
	it('sorts by severity, then by id order, and uses only known ids and sections', () => {
		const study = craft({
			center: 1e-1,
			val: (t) => 0.5 + 1.8 * Math.exp(-t / 5) + t / T,
			edit: (i, t) =>
				i === 1
					? { ...t, trainLoss: (s) => (s < T / 2 ? 2.3 - (2 * s) / T : 1.3 + (s - T / 2) / (T / 2)) }
					: t
		});
		const findings = analyzeStudy(study);
		expect(findings.length).toBeGreaterThanOrEqual(3);
		const order = findings.map((f) => [SEVERITIES.indexOf(f.severity), FINDING_IDS.indexOf(f.id)]);
		const sorted = [...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
		expect(order).toEqual(sorted);
		expect(findings[0]!.severity).toBe('problem');
		for (const f of findings) {
			expect(f.message).toMatch(/\(playbook: “.+”\)\.$/);
			expect(f.message).toContain(f.section);
		}
	});

	it('is plain data: it survives a structured clone unchanged (the worker boundary)', () => {
		const findings = analyzeStudy(craft({ center: 1e-1 }));
		expect(structuredClone(findings)).toEqual(findings);
	});
});
