// The shape of a search space, as the samplers see it. Pure data, no study-file concerns: the study
// model (src/lib/study) validates the user's file and hands the samplers this.

export type ParamValue = number | string | boolean;

/** Active only when every named parent currently takes one of the listed values. */
export type Condition = Record<string, ParamValue[]>;

interface ParamBase {
	name: string;
	when?: Condition;
	/**
	 * Scientific categoricals get balanced: each value receives an equal share of the trials (±1).
	 * Nuisance parameters are sampled like any other dimension.
	 */
	role?: 'scientific' | 'nuisance';
}

export type ParamSpec =
	| (ParamBase & { type: 'float'; min: number; max: number; scale: 'linear' | 'log' })
	| (ParamBase & { type: 'int'; min: number; max: number; scale: 'linear' | 'log' })
	| (ParamBase & { type: 'discrete'; values: number[] })
	| (ParamBase & { type: 'categorical'; values: ParamValue[] })
	| (ParamBase & { type: 'bool' });

export interface SearchSpace {
	params: ParamSpec[];
}

/** One trial's values, keyed by parameter name (only the parameters active for that trial). */
export type Sample = Record<string, ParamValue>;

/**
 * `bayesian` searches adaptively (src/lib/math/bayes): the samplers only draw its quasi-random initial
 * design; every later trial is suggested from the results so far.
 */
export type SamplerAlgorithm = 'quasi-random' | 'random' | 'grid' | 'bayesian';
