// Crafted studies for tests and benchmarks of the analysis: curves built from formulas, so each
// checklist finding and plot can be checked against a case whose answer is known. Not used by the app.
import { defaultStudyFor } from '../study/default-studies';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import { emptyTrainRows, type EvalRow, type MetricBatch, type TrialStatus } from '../study/metrics';
import type { Study, StudyParam, TrialRecord } from '../study/study';
import type { Sample } from '../math/search-space';

export interface SyntheticTrial {
	params: Sample;
	status?: TrialStatus;
	/** Training loss at a step (one row per step 0..steps−1); NaN rows mark divergence. */
	trainLoss: (step: number) => number;
	/** Validation loss at an evaluation step. */
	valLoss: (step: number) => number;
	/** Validation accuracy at an evaluation step (default: a fixed function of the loss). */
	valAccuracy?: (step: number) => number;
	gradNorm?: (step: number) => number;
	/** Learning rate at a step (default: the trial's learningRate param, or 0.01). */
	lr?: (step: number) => number;
	/** Clip threshold: steps whose gradNorm exceeds it are marked clipped. */
	clipAt?: number;
	/** Stop logging after this many steps (an infeasible or stopped trial). */
	stoppedAt?: number;
	reason?: string;
}

export interface SyntheticOptions {
	params?: StudyParam[];
	maxTrainSteps?: number;
	evalEvery?: number;
	/** Keep one training row in this many (long curves in benchmarks). */
	trainEvery?: number;
}

const DEFAULT_PARAMS: StudyParam[] = [
	{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' },
	{ name: 'weightDecay', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' }
];

export function syntheticMetrics(
	trial: SyntheticTrial,
	maxTrainSteps: number,
	evalEvery: number,
	trainEvery = 1
): MetricBatch {
	const end = trial.stoppedAt ?? maxTrainSteps;
	const train = emptyTrainRows();
	const defaultLr = typeof trial.params.learningRate === 'number' ? trial.params.learningRate : 0.01;
	for (let step = 0; step < end; step += trainEvery) {
		const norm = trial.gradNorm?.(step) ?? 1;
		train.step.push(step);
		train.loss.push(trial.trainLoss(step));
		train.lr.push(trial.lr?.(step) ?? defaultLr);
		train.gradNorm.push(norm);
		train.clipped.push(trial.clipAt !== undefined && norm > trial.clipAt ? 1 : 0);
	}
	const evals: EvalRow[] = [];
	for (let step = 0; step <= end; step += evalEvery) {
		const valLoss = trial.valLoss(step);
		evals.push({ step, valLoss, valAccuracy: trial.valAccuracy?.(step) ?? Math.exp(-valLoss) });
	}
	if (evals[evals.length - 1]!.step !== end && trial.status !== 'infeasible') {
		evals.push({
			step: end,
			valLoss: trial.valLoss(end),
			valAccuracy: trial.valAccuracy?.(end) ?? Math.exp(-trial.valLoss(end))
		});
	}
	return { train, evals };
}

/** A digits/MLP study whose trials have the given curves (metrics filled, best over training set). */
export function syntheticStudy(trials: SyntheticTrial[], options: SyntheticOptions = {}): Study {
	const base = defaultStudyFor({ dataset: 'digits', model: 'mlp' });
	const maxTrainSteps = options.maxTrainSteps ?? 300;
	const evalEvery = options.evalEvery ?? 25;
	const study: Study = {
		...base,
		name: 'Synthetic study',
		params: options.params ?? DEFAULT_PARAMS,
		budget: { ...base.budget, maxTrainSteps, evalEvery },
		search: { ...base.search, trials: trials.length },
		trials: []
	};
	study.trials = trials.map((t, index): TrialRecord => {
		const metrics = syntheticMetrics(t, maxTrainSteps, evalEvery, options.trainEvery);
		const config: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			...base.fixed,
			...(t.params as Partial<TrialConfig>),
			maxTrainSteps,
			evalEvery
		};
		let best: { step: number; value: number } | undefined;
		for (const row of metrics.evals) {
			if (Number.isFinite(row.valLoss) && (!best || row.valLoss < best.value))
				best = { step: row.step, value: row.valLoss };
		}
		return {
			index,
			params: t.params,
			config,
			seed: index + 1,
			status: t.status ?? 'completed',
			...(t.reason ? { reason: t.reason } : {}),
			backend: 'wasm',
			metrics,
			...(best ? { best } : {})
		};
	});
	return study;
}
