// Trial variance and "should we adopt it?" (playbook: "Determining whether to adopt a training pipeline
// change or hyperparameter configuration"). Re-running one configuration with several seeds (weight
// init and data order) shows how much its result moves by chance alone; a candidate is worth adopting
// when it beats the baseline by more than that spread. This file builds the re-run as a normal study and
// holds the statistics: mean, sample standard deviation (n − 1), and Welch's t test for two samples
// with unequal variances. Pure: no DOM, no tfjs, no database.
import { CONFIG_KEYS, modelReads, type ConfigKey } from '../study/config-vocabulary';
import type { Budget, FixedConfig, Objective, ObjectiveGoal, Study } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, TrialConfig } from '../study/trial-config';

/** Fewer than 2 seeds give no spread at all; 3 is the least that gives a (rough) one. */
export const MIN_SEEDS = 2;
export const DEFAULT_SEEDS = 5;
/** Beyond this the re-run costs more than most studies it would inform. */
export const MAX_SEEDS = 32;

/**
 * |t| below this: the difference of means is smaller than one standard error of that difference,
 * i.e. well inside what re-running the same configuration produces. Nothing to read into it.
 */
export const NOISE_T = 1;
/**
 * |t| at or above this: the difference is about two standard errors or more, near the usual 5% two-sided
 * level when there are many seeds. With few seeds the t distribution has heavier tails (2.78 is the 5%
 * point at 4 degrees of freedom), which is why the p-value is shown beside the reading.
 */
export const CLEAR_T = 2;

/** The configuration keys a study may fix, from a trial's full configuration (minus `omit`). */
export function fixedFromConfig(config: TrialConfig, omit: readonly ConfigKey[] = []): FixedConfig {
	const clean = cleanTrialConfig(config);
	const fixed: Record<string, unknown> = {};
	for (const key of CONFIG_KEYS) {
		if (omit.includes(key)) continue;
		const value = clean[key];
		if (value !== undefined && modelReads(clean.model, key)) fixed[key] = value;
	}
	return fixed as FixedConfig;
}

/** N distinct seeds starting at the trial's own (so the first re-run repeats the original exactly). */
export function varianceSeeds(seed: number, n: number): number[] {
	return Array.from({ length: n }, (_, i) => (seed + i) % 2 ** 32);
}

export interface VarianceSource {
	/** Name of the study the trial comes from, and the trial's index there. */
	studyName: string;
	index: number;
	config: TrialConfig;
	budget: Budget;
	objective: Objective;
}

/**
 * The re-run as a normal study: every key of the chosen trial fixed, `seed` the one parameter with N
 * values, grid search (one trial per seed). `seed` is a nuisance parameter here in the plain sense:
 * nothing is learned about it, only how much the result moves with it.
 */
export function varianceStudy(source: VarianceSource, n: number, backend?: BackendChoice): Study {
	const fixed = fixedFromConfig(source.config, ['seed']);
	if (backend) fixed.backend = backend;
	const seeds = varianceSeeds(source.config.seed, n);
	const base = `trial ${source.index} of “${source.studyName}”`;
	return {
		name: `Trial variance: ${base}`.slice(0, 120),
		goal:
			`How much does the result of ${base} move when only the seed (weight init and data order) changes? ` +
			'(Playbook: "Determining whether to adopt a training pipeline change or hyperparameter configuration".)',
		notes: `Made by the trial variance procedure (Procedures page): ${n} seeds from ${seeds[0]}.`,
		workload: { dataset: source.config.dataset, model: source.config.model },
		budget: {
			...source.budget,
			maxTrainSteps: source.config.maxTrainSteps,
			evalEvery: source.config.evalEvery,
			checkpointEvery: Math.min(source.budget.checkpointEvery, source.config.maxTrainSteps)
		},
		objective: { ...source.objective },
		fixed,
		search: { algorithm: 'grid', trials: n, seed: source.config.seed },
		params: [{ name: 'seed', role: 'nuisance', type: 'discrete', values: seeds }],
		trials: []
	};
}

/** Whether a study is a seeds-only re-run of one configuration (what this procedure leaves behind). */
export function isVarianceStudy(study: Pick<Study, 'params'>): boolean {
	return study.params.length === 1 && study.params[0]!.name === 'seed';
}

export interface SampleSummary {
	n: number;
	mean: number;
	/** Sample standard deviation (divides by n − 1); NaN when n < 2. */
	sd: number;
	/** Standard error of the mean, sd / √n; NaN when n < 2. */
	se: number;
	min: number;
	max: number;
}

export function mean(values: readonly number[]): number {
	return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation with Bessel's correction (n − 1); NaN for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
	if (values.length < 2) return Number.NaN;
	const m = mean(values);
	const squares = values.reduce((sum, v) => sum + (v - m) ** 2, 0);
	return Math.sqrt(squares / (values.length - 1));
}

export function summarizeSample(values: readonly number[]): SampleSummary {
	const sd = sampleSd(values);
	return {
		n: values.length,
		mean: values.length > 0 ? mean(values) : Number.NaN,
		sd,
		se: sd / Math.sqrt(values.length),
		min: Math.min(...values),
		max: Math.max(...values)
	};
}

export interface WelchTest {
	/** candidate mean − baseline mean. */
	difference: number;
	/** Standard error of the difference, √(s₁²/n₁ + s₂²/n₂). */
	standardError: number;
	t: number;
	/** Welch–Satterthwaite degrees of freedom. */
	df: number;
	/** Two-sided p-value of t under Student's t with df degrees of freedom. */
	p: number;
}

/** Welch's t test of candidate against baseline; null when either has fewer than two values. */
export function welchTest(baseline: SampleSummary, candidate: SampleSummary): WelchTest | null {
	if (baseline.n < 2 || candidate.n < 2) return null;
	const vb = baseline.sd ** 2 / baseline.n;
	const vc = candidate.sd ** 2 / candidate.n;
	const difference = candidate.mean - baseline.mean;
	const standardError = Math.sqrt(vb + vc);
	if (standardError === 0) {
		// Both samples constant (e.g. a deterministic backend and identical seeds): any difference is exact.
		return {
			difference,
			standardError,
			t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
			df: baseline.n + candidate.n - 2,
			p: difference === 0 ? 1 : 0
		};
	}
	const t = difference / standardError;
	const df = (vb + vc) ** 2 / (vb ** 2 / (baseline.n - 1) + vc ** 2 / (candidate.n - 1));
	return { difference, standardError, t, df, p: twoSidedP(t, df) };
}

/** P(|T| ≥ |t|) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function twoSidedP(t: number, df: number): number {
	if (!Number.isFinite(t)) return 0;
	if (!(df > 0)) return Number.NaN;
	return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, nine coefficients; ~15 significant digits). */
export function logGamma(x: number): number {
	const c = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
		12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	const z = x - 1;
	let sum = c[0]!;
	for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
	const w = z + 7.5;
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(w) - w + Math.log(sum);
}

/** The regularised incomplete beta function I_x(a, b), by its continued fraction (modified Lentz). */
export function regularizedBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	// The fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
	if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
	const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b)) / a;
	const tiny = 1e-300;
	let f = 1;
	let c = 1;
	let d = 0;
	for (let i = 0; i <= 300; i++) {
		const m = Math.floor(i / 2);
		let numerator: number;
		if (i === 0) numerator = 1;
		else if (i % 2 === 0) numerator = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
		else numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + numerator * d;
		if (Math.abs(d) < tiny) d = tiny;
		d = 1 / d;
		c = 1 + numerator / c;
		if (Math.abs(c) < tiny) c = tiny;
		const cd = c * d;
		f *= cd;
		if (Math.abs(1 - cd) < 1e-14) return front * (f - 1);
	}
	return front * (f - 1);
}

function logBeta(a: number, b: number): number {
	return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export type AdoptVerdict = 'adopt' | 'lean-adopt' | 'no-difference' | 'keep-baseline' | 'unknown';

export interface AdoptReading {
	verdict: AdoptVerdict;
	text: string;
}

/**
 * Plain words for a comparison. The playbook's advice: adopt a change that does better than the baseline
 * once the retrain variance of both is taken into account, without demanding certainty, and only when
 * the gain is worth any complexity the change adds.
 */
export function adoptReading(test: WelchTest | null, goal: ObjectiveGoal, metric: string): AdoptReading {
	if (!test) {
		return {
			verdict: 'unknown',
			text: 'Each side needs at least two finished seeds to measure its spread.'
		};
	}
	const better = goal === 'minimize' ? test.difference < 0 : test.difference > 0;
	const size = Math.abs(test.t);
	const by = `${formatNumber(Math.abs(test.difference))} ${metric}`;
	const tText = Number.isFinite(test.t) ? `t = ${test.t.toFixed(2)}` : 't is infinite (no spread at all)';
	const pText = Number.isFinite(test.p) ? `, p = ${test.p.toPrecision(2)}` : '';
	if (size < NOISE_T) {
		return {
			verdict: 'no-difference',
			text:
				`The means differ by ${by}, less than one standard error of the difference (${tText}${pText}): ` +
				're-running the same configuration moves the result this much. Keep the baseline unless the ' +
				'candidate is simpler or cheaper.'
		};
	}
	if (!better) {
		return {
			verdict: 'keep-baseline',
			text: `The candidate is worse by ${by} (${tText}${pText}). Keep the baseline.`
		};
	}
	if (size < CLEAR_T) {
		return {
			verdict: 'lean-adopt',
			text:
				`The candidate is better by ${by} on average, but by under ${CLEAR_T} standard errors ` +
				`(${tText}${pText}). Adopting it is reasonable if it adds no complexity; more seeds would settle it.`
		};
	}
	return {
		verdict: 'adopt',
		text:
			`The candidate is better by ${by}, ${CLEAR_T} or more standard errors beyond the run-to-run spread of ` +
			`both (${tText}${pText}). Adopt it as the new baseline, if the gain is worth any complexity it adds.`
	};
}

function formatNumber(value: number): string {
	return Math.abs(value) >= 0.01 || value === 0 ? value.toFixed(4) : value.toPrecision(3);
}
