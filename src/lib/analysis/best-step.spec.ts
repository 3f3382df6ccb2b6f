import { describe, expect, it } from 'vitest';
import {
	bestStepReport,
	binOf,
	formatPercent,
	histogramSummary,
	median,
	spacingCaveat,
	inputsFromRecords,
	inputsFromStudy,
	type BestStepInput
} from './best-step';
import type { TrialRecord as StoredTrial } from '$lib/storage/schema';
import { emptyTrainRows, summarize, type EvalRow, type MetricBatch } from '$lib/study/metrics';
import { bestObjective, withTrainLoss } from '$lib/study/objective';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';

/** Completed trials of 100 steps whose best checkpoints sit at the given steps. */
function completed(...steps: number[]): BestStepInput[] {
	return steps.map((bestStep, index) => ({ index, bestStep, maxTrainSteps: 100, status: 'completed' }));
}

describe('binOf and the bin edges', () => {
	it('puts a step at exactly 10% in the second bin and one at 100% in the last', () => {
		expect(binOf(0, 100)).toBe(0);
		expect(binOf(9, 100)).toBe(0);
		expect(binOf(10, 100)).toBe(1);
		expect(binOf(30, 300)).toBe(1);
		expect(binOf(3, 30)).toBe(1);
		expect(binOf(7, 10)).toBe(7);
		expect(binOf(99, 100)).toBe(9);
		expect(binOf(100, 100)).toBe(9);
	});

	it('fills the histogram with those edges', () => {
		const report = bestStepReport(completed(0, 10, 100, 95, 50));
		expect(report.bins.map((b) => b.count)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
		expect(report.bins[9]).toEqual({ lo: 0.9, hi: 1, count: 2, indices: [2, 3] });
		expect(report.bins[1]!.indices).toEqual([1]);
		expect(report.points.map((p) => p.fraction)).toEqual([0, 0.1, 1, 0.95, 0.5]);
	});

	it('counts 10% as not early and 75% as late', () => {
		const report = bestStepReport(completed(10, 75, 74, 9));
		expect(report.early).toEqual([3]);
		expect(report.late).toEqual([1]);
		expect(report.earlyShare).toBe(0.25);
		expect(report.lateShare).toBe(0.25);
	});
});

describe('readings', () => {
	it('needs at least 3 completed trials', () => {
		const report = bestStepReport(completed(5, 6));
		expect(report.reading.id).toBe('not-enough-data');
		expect(report.reading.severity).toBe('info');
		expect(report.reading.flagged).toEqual([]);
		expect(report.reading.message).toBe(
			'Only 2 completed trials have a best step; at least 3 are needed before the spread of best steps ' +
				'says anything about maxTrainSteps (playbook: “Deciding how long to train when training is not ' +
				'compute-bound”).'
		);
		expect(bestStepReport([]).reading.message).toMatch(/^No completed trial has a best step/);
		expect(bestStepReport([]).median).toBeNull();
		expect(bestStepReport([]).earlyShare).toBeNull();
	});

	it('reads "too many steps" when every best step is in the first 10%', () => {
		const report = bestStepReport(completed(0, 5, 9));
		expect(report.reading.id).toBe('too-many-steps');
		expect(report.reading.severity).toBe('warning');
		expect(report.reading.flagged).toEqual([0, 1, 2]);
		expect(report.reading.sections).toEqual([
			'Deciding how long to train when training is not compute-bound'
		]);
		expect(report.reading.message).toContain('first 10%');
		expect(report.median).toBe(0.05);
		expect(report.earlyShare).toBe(1);
	});

	it('does not read "too many steps" when one best step is at exactly 10%', () => {
		expect(bestStepReport(completed(0, 5, 10)).reading.id).toBe('fine');
	});

	it('reads "train longer" when more than half are in the last 25%', () => {
		const report = bestStepReport(completed(80, 100, 75, 20));
		expect(report.reading.id).toBe('train-longer');
		expect(report.reading.severity).toBe('warning');
		expect(report.reading.flagged).toEqual([0, 1, 2]);
		expect(report.reading.message).toMatch(/^3 of 4 trials found their best checkpoint in the last 25%/);
		expect(report.reading.sections).toEqual([
			'Deciding how long to train when training is not compute-bound',
			'Deciding how long to train when training is compute-bound'
		]);
		expect(report.median).toBeCloseTo(0.775, 12);
		expect(report.lateShare).toBe(0.75);
	});

	it('reads "fine" when exactly half are late', () => {
		const report = bestStepReport(completed(80, 100, 40, 20));
		expect(report.reading.id).toBe('fine');
		expect(report.reading.severity).toBe('ok');
		expect(report.reading.flagged).toEqual([]);
		expect(report.reading.sections).toContain(
			'Saving checkpoints and retrospectively selecting the best checkpoint'
		);
		expect(report.median).toBeCloseTo(0.6, 12);
	});
});

describe('exclusions', () => {
	it('counts only completed trials with a usable best step and counts the rest by reason', () => {
		const trials: BestStepInput[] = [
			...completed(5, 6, 7),
			{ index: 10, bestStep: 90, maxTrainSteps: 100, status: 'infeasible' },
			{ index: 11, bestStep: 95, maxTrainSteps: 100, status: 'infeasible' },
			{ index: 12, bestStep: 99, maxTrainSteps: 100, status: 'failed' },
			{ index: 13, bestStep: 99, maxTrainSteps: 100, status: 'cancelled' },
			{ index: 14, bestStep: undefined, maxTrainSteps: 100, status: 'queued' },
			{ index: 15, bestStep: 50, maxTrainSteps: 100, status: 'running' },
			{ index: 16, bestStep: null, maxTrainSteps: 100, status: 'completed' },
			{ index: 17, bestStep: 120, maxTrainSteps: 100, status: 'completed' },
			{ index: 18, bestStep: Number.NaN, maxTrainSteps: 100, status: 'completed' },
			{ index: 19, bestStep: 0, maxTrainSteps: 0, status: 'completed' }
		];
		const report = bestStepReport(trials);
		expect(report.count).toBe(3);
		expect(report.points.map((p) => p.index)).toEqual([0, 1, 2]);
		expect(report.excluded).toEqual({
			byStatus: { infeasible: 2, failed: 1, cancelled: 1, queued: 1, running: 1 },
			withoutBestStep: 4,
			total: 10
		});
		// The late infeasible trials would have read as "train longer"; left out, the early ones decide.
		expect(report.reading.id).toBe('too-many-steps');
	});

	it('sorts points by trial index whatever the input order', () => {
		const report = bestStepReport([
			{ index: 4, bestStep: 50, maxTrainSteps: 100, status: 'completed' },
			{ index: 1, bestStep: 20, maxTrainSteps: 200, status: 'completed' }
		]);
		expect(report.points).toEqual([
			{ index: 1, bestStep: 20, maxTrainSteps: 200, fraction: 0.1, bin: 1 },
			{ index: 4, bestStep: 50, maxTrainSteps: 100, fraction: 0.5, bin: 5 }
		]);
	});
});

describe('evaluation spacing', () => {
	it('warns when evaluations are further apart than a bin', () => {
		const sparse = bestStepReport(completed(0, 30, 60).map((t) => ({ ...t, evalEvery: 30 })));
		expect(sparse.evalSpacing).toBe(0.3);
		expect(spacingCaveat(sparse)).toMatch(/^Evaluations are up to 30% of the run apart/);
		const dense = bestStepReport(completed(0, 30, 60).map((t) => ({ ...t, evalEvery: 10 })));
		expect(dense.evalSpacing).toBe(0.1);
		expect(spacingCaveat(dense)).toBeNull();
		expect(spacingCaveat(bestStepReport(completed(1, 2, 3)))).toBeNull();
	});
});

describe('helpers', () => {
	it('takes the median of odd and even counts', () => {
		expect(median([0.3, 0.1, 0.2])).toBe(0.2);
		expect(median([0.4, 0.1, 0.2, 0.3])).toBeCloseTo(0.25, 12);
		expect(median([])).toBeNull();
	});

	it('formats shares as percentages', () => {
		expect(formatPercent(0.1)).toBe('10%');
		expect(formatPercent(0.125)).toBe('12.5%');
		expect(formatPercent(1)).toBe('100%');
		expect(formatPercent(0.7)).toBe('70%');
	});

	it('summarises the histogram for screen readers', () => {
		expect(histogramSummary(bestStepReport(completed(0, 10, 100)))).toBe(
			'Best steps of 3 completed trials as a share of maxTrainSteps, in tenths of the run: ' +
				'0% to 10%: 1, 10% to 20%: 1, 20% to 30%: 0, 30% to 40%: 0, 40% to 50%: 0, 50% to 60%: 0, ' +
				'60% to 70%: 0, 70% to 80%: 0, 80% to 90%: 0, 90% to 100%: 1. 1 in the first 10%, 1 in the last 25%.'
		);
		expect(histogramSummary(bestStepReport([]))).toBe(
			'Best steps as a share of maxTrainSteps: no completed trials yet.'
		);
	});
});

describe('every objective', () => {
	const BEST = [80, 90, 100, 20];
	/** Evaluations every 10 steps to 100: valLoss lowest at step 10 (a decoy), the other objectives at `best`. */
	function series(best: number): MetricBatch {
		const train = emptyTrainRows();
		const evals: EvalRow[] = [];
		for (let step = 0; step <= 100; step += 10) {
			evals.push({
				step,
				valLoss: 1 + Math.abs(step - 10) / 100,
				valAccuracy: 0.5 - Math.abs(step - best) / 1000
			});
			if (step === 0) continue;
			// The ten training rows before this evaluation all have loss 1 + |step − best| / 100, so their
			// mean (the trainLoss objective here) is lowest at `best`.
			for (let s = step - 10; s < step; s++) {
				train.step.push(s);
				train.loss.push(1 + Math.abs(step - best) / 100);
				train.lr.push(0.1);
				train.gradNorm.push(1);
				train.clipped.push(0);
			}
		}
		return { train, evals };
	}
	const config = { ...DEFAULT_TRIAL_CONFIG, maxTrainSteps: 100, evalEvery: 10 };

	for (const [metric, goal] of [
		['trainLoss', 'minimize'],
		['valAccuracy', 'maximize'],
		['valLoss', 'minimize']
	] as const) {
		it(`reads the best steps of a ${metric} study from stored summaries and from the study file alike`, () => {
			const records: StoredTrial[] = BEST.map((best, index) => ({
				id: `t${index}`,
				createdAt: 0,
				updatedAt: 0,
				config,
				status: 'completed',
				lastStep: 100,
				// The loop logs the trainLoss column; the summary is kept from the rows it logged.
				summary: summarize(withTrainLoss(series(best))),
				index
			}));
			const fileTrials = BEST.map((best, index) => ({
				index,
				config,
				status: 'completed' as const,
				best: bestObjective(series(best), { metric, goal })
			}));
			const fromRecords = bestStepReport(inputsFromRecords(records, metric));
			const fromFile = bestStepReport(inputsFromStudy({ trials: fileTrials as never }));
			// Hand-computed: valLoss is best at step 10 in every trial; the others at 80, 90, 100 and 20.
			const expected = metric === 'valLoss' ? [10, 10, 10, 10] : BEST;
			for (const report of [fromRecords, fromFile]) {
				expect(report.points.map((p) => p.bestStep)).toEqual(expected);
				expect(report.reading.id).toBe(metric === 'valLoss' ? 'fine' : 'train-longer');
				if (metric !== 'valLoss')
					expect(report.bins.map((b) => b.count)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 2]);
			}
		});
	}
});
