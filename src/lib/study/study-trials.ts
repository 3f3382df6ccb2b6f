// From a validated study to the trials it runs: the study's parameters become the samplers' search
// space, and each sample becomes a complete TrialConfig. Later layers win when they set the same key:
//
//   DEFAULT_TRIAL_CONFIG  ←  workload and budget  ←  fixed  ←  the trial's sampled parameters
//
// after which keys left over from the defaults that the trial's optimizer or schedule does not read
// (Adam's betas on an SGD trial, say) are dropped.
//
// Trial seeds: a fixed `seed` gives every trial that seed and a searched one gives each trial its
// sample; otherwise trial `i` gets streamSeed(search.seed, "trial i"), a 32-bit hash of the study
// seed and the index, so trials differ from each other, and the same study always repeats them.

import { streamSeed } from '../math/random';
import { sampleTrials } from '../math/sampler';
import type { ParamSpec, Sample, SearchSpace } from '../math/search-space';
import { isConfigKey } from './config-vocabulary';
import type { Study, StudyParam } from './study';
import { cleanTrialConfig } from './trial-config-clean';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from './trial-config';

export interface PlannedTrial {
	index: number;
	/** The sampled values by parameter name, switches included; only the parameters active in the trial. */
	params: Sample;
	config: TrialConfig;
}

function toParamSpec(param: StudyParam): ParamSpec {
	const base = {
		name: param.name,
		role: param.role,
		...(param.when === undefined ? {} : { when: param.when })
	};
	switch (param.type) {
		case 'float':
		case 'int':
			return { ...base, type: param.type, min: param.min, max: param.max, scale: param.scale };
		case 'discrete':
			return { ...base, type: 'discrete', values: [...param.values] };
		case 'categorical':
			return { ...base, type: 'categorical', values: [...param.values] };
		case 'bool':
			return { ...base, type: 'bool' };
	}
}

/** The study's parameters as the samplers see them. */
export function toSearchSpace(params: readonly StudyParam[]): SearchSpace {
	return { params: params.map(toParamSpec) };
}

/** The seed of trial `index` (see the comment at the top of this file). */
export function trialSeed(study: Pick<Study, 'fixed' | 'search'>, index: number, params: Sample): number {
	const searched = params.seed;
	if (typeof searched === 'number') return searched;
	if (study.fixed.seed !== undefined) return study.fixed.seed;
	return streamSeed(study.search.seed, `trial ${index}`);
}

/** The complete configuration of one trial from its sampled parameters. */
export function resolveTrialConfig(study: Study, index: number, params: Sample): TrialConfig {
	const merged: Record<string, unknown> = {
		...DEFAULT_TRIAL_CONFIG,
		dataset: study.workload.dataset,
		model: study.workload.model,
		maxTrainSteps: study.budget.maxTrainSteps,
		evalEvery: study.budget.evalEvery,
		...study.fixed
	};
	for (const [name, value] of Object.entries(params)) {
		if (isConfigKey(name)) merged[name] = value;
	}
	merged.seed = trialSeed(study, index, params);
	// A validated study only sets vocabulary keys to values of their own type.
	return cleanTrialConfig(merged as unknown as TrialConfig);
}

export interface PlanOptions {
	/** First trial index (default 0), to continue a study. */
	start?: number;
	/** How many trials (default: the rest of search.trials from `start`). */
	count?: number;
}

/**
 * Quasi-random trials a bayesian study runs before its Gaussian process takes over: `search.initialTrials`,
 * or by default one more than the number of parameters and at least 5 (a GP over d dimensions needs about
 * d + 1 points before its length scales mean anything), never more than the budget.
 */
export function initialTrialCount(study: Pick<Study, 'search' | 'params'>): number {
	const names = new Set(study.params.map((p) => p.name)).size;
	return Math.min(study.search.trials, study.search.initialTrials ?? Math.max(5, names + 1));
}

/** Why `tuning-lab run --shard` and the study runner refuse to split a bayesian study. */
export const BAYESIAN_SHARD_MESSAGE =
	'a bayesian study cannot be split into shards: each suggestion depends on the results of the trials ' +
	'before it, so the shards would not be independent. Run it whole, or shard a quasi-random study.';

/** Why `tuning-lab run --shard` and the study runner refuse to split a study with successive halving. */
export const HALVING_SHARD_MESSAGE =
	'a study with successive halving cannot be split into shards: each rung compares the trials of the ' +
	'whole study as they arrive. Run it whole, or drop search.halving to shard it.';

/**
 * How many trials can be planned before any runs: all of them, except for bayesian search, whose later
 * trials depend on the results (src/lib/math/bayes/suggest.ts) and are added by the runner one by one.
 */
export function plannableTrialCount(study: Pick<Study, 'search' | 'params'>): number {
	return study.search.algorithm === 'bayesian' ? initialTrialCount(study) : study.search.trials;
}

/**
 * The trials a validated study runs, in index order. No training happens here. Grid search may give
 * fewer trials than search.trials when the budget does not fill a whole grid; bayesian search plans only
 * its quasi-random start (plannableTrialCount).
 */
export function planTrials(study: Study, options: PlanOptions = {}): PlannedTrial[] {
	const start = options.start ?? 0;
	const available = Math.max(0, plannableTrialCount(study) - start);
	const requested = options.count ?? available;
	const count = study.search.algorithm === 'bayesian' ? Math.min(requested, available) : requested;
	const samples = sampleTrials(toSearchSpace(study.params), {
		algorithm: study.search.algorithm,
		seed: study.search.seed,
		count,
		start,
		total: study.search.trials
	});
	return samples.map((params, k) => {
		const index = start + k;
		return { index, params, config: resolveTrialConfig(study, index, params) };
	});
}
