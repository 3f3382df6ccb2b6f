// Round 1 → Round 2 (playbook: "Deciding how long to train when training is compute-bound", "Round 2",
// and "Learning rates without fortune telling" with the WSD material in "Scaling laws and compute-optimal
// training beyond fixed training durations"). In our words: once a short first round has found a good
// configuration, spend the longer second round at the high learning rate rather than stretching the
// decay. Concretely, for a run `factor` times longer:
// - wsd: keep the cooldown the same number of steps (a cooldownFraction is turned into its steps), so
//   only the constant phase grows;
// - linear: keep the decay the same number of steps and put a longer constant phase in front of it
//   (the playbook's suggestion for linear decay); written as wsd with a linear cooldown, which is
//   exactly that shape, since our linear schedule always decays over the whole run;
// - cosine: keep the base rate and stretch the horizon to the longer run (the playbook's suggestion
//   for cosine, after the Chinchilla paper);
// - constant and rsqrt have no horizon: they simply run longer.
// The alternative needs no guess of the length at all: one long constant-rate run that branches off
// automatic cooldowns at several points, each telling "the loss had training stopped here".
// Pure: no DOM, no tfjs, no database.
import { DEFAULT_COOLDOWN_FRACTION, resolveCooldownSteps } from '../math/schedule-config';
import { defaultChoice, isBetter, trialValue } from '../analysis/objective';
import type { CooldownBranchesOption } from '../study/cooldown-branches';
import type { Budget, Objective, Study, TrialRecord } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, CooldownShape, TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';

export const DEFAULT_FACTORS = [2, 4] as const;
export const MAX_FACTOR = 16;

/** The best completed trial by the study's objective, best value over training; null when none has one. */
export function pickBestTrial<T extends Pick<TrialRecord, 'status' | 'metrics'>>(
	study: Pick<Study, 'objective'>,
	trials: readonly T[]
): T | null {
	const choice = defaultChoice(study);
	let best: { trial: T; value: number } | null = null;
	for (const trial of trials) {
		if (trial.status !== 'completed') continue;
		const value = trialValue(trial, choice);
		if (value && (!best || isBetter(choice.metric, value.value, best.value)))
			best = { trial, value: value.value };
	}
	return best?.trial ?? null;
}

export interface RoundTwoSource {
	studyName: string;
	index: number;
	config: TrialConfig;
	budget: Budget;
	objective: Objective;
}

export function factorProblems(factor: number): string[] {
	if (!(factor > 1 && factor <= MAX_FACTOR))
		return [`the length factor must be a number above 1 and at most ${MAX_FACTOR}, got ${factor}`];
	return [];
}

/** The schedule keys of the longer run, and a sentence saying what was kept. */
export function extendSchedule(
	config: TrialConfig,
	longSteps: number
): { config: TrialConfig; kept: string } {
	const steps = config.maxTrainSteps;
	const warmup = config.warmupSteps ?? 0;
	const base = { ...config, maxTrainSteps: longSteps };
	switch (config.schedule) {
		case 'wsd': {
			const cooldownSteps = resolveCooldownSteps(config, steps);
			const out = { ...base, cooldownSteps };
			delete out.cooldownFraction;
			return {
				config: out,
				kept: `the ${cooldownSteps}-step cooldown is kept; the constant phase grows by ${longSteps - steps} steps`
			};
		}
		case 'linear': {
			const decay = steps - warmup;
			const out: TrialConfig = {
				...base,
				schedule: 'wsd',
				cooldownSteps: decay,
				cooldownShape: 'linear'
			};
			return {
				config: out,
				kept:
					`the ${decay}-step linear decay is kept (written as wsd with a linear cooldown) and a constant phase ` +
					`of ${longSteps - steps} steps goes in front of it`
			};
		}
		case 'cosine':
			return {
				config: base,
				kept: `the base learning rate is kept and the cosine horizon stretches from ${steps} to ${longSteps} steps`
			};
		default:
			return {
				config: base,
				kept: `the ${config.schedule} schedule has no horizon: the run is simply longer`
			};
	}
}

function budgetFor(source: RoundTwoSource, longSteps: number): Budget {
	return {
		...source.budget,
		maxTrainSteps: longSteps,
		evalEvery: Math.min(source.config.evalEvery, longSteps),
		checkpointEvery: Math.min(source.budget.checkpointEvery, longSteps)
	};
}

/** The long run of the best configuration as a normal study with one trial. */
export function roundTwoStudy(source: RoundTwoSource, factor: number, backend?: BackendChoice): Study {
	const longSteps = Math.round(source.config.maxTrainSteps * factor);
	const { config, kept } = extendSchedule(source.config, longSteps);
	const fixed = fixedFromConfig(cleanTrialConfig(config));
	if (backend) fixed.backend = backend;
	const base = `trial ${source.index} of “${source.studyName}”`;
	return {
		name: `Round 2 (${factor}×, ${longSteps} steps): ${base}`.slice(0, 120),
		goal:
			`Round 2: the best configuration of round 1 (${base}) trained ${factor}× longer, ${longSteps} steps ` +
			`instead of ${source.config.maxTrainSteps}, with the extra steps spent at the high learning rate: ${kept} ` +
			'(playbook: "Round 2").',
		notes: 'Made by the Round 1 → Round 2 procedure (Procedures page).',
		workload: { dataset: source.config.dataset, model: source.config.model },
		budget: budgetFor(source, longSteps),
		objective: { ...source.objective },
		fixed,
		search: { algorithm: 'grid', trials: 1, seed: source.config.seed },
		params: [],
		trials: []
	};
}

/** The decay of the source run: its length in steps, shape and final fraction, for cooldown branches. */
export function sourceDecay(config: TrialConfig): {
	steps: number;
	shape: CooldownShape;
	finalFraction: number;
} {
	const n = config.maxTrainSteps;
	const finalFraction = config.finalLrFraction ?? 0;
	switch (config.schedule) {
		case 'wsd':
			return {
				steps: resolveCooldownSteps(config, n),
				shape: config.cooldownShape ?? 'linear',
				finalFraction
			};
		case 'linear':
		case 'cosine':
			return { steps: n - (config.warmupSteps ?? 0), shape: config.schedule, finalFraction };
		default:
			return {
				steps: Math.max(1, Math.round(DEFAULT_COOLDOWN_FRACTION * n)),
				shape: 'linear',
				finalFraction: 0
			};
	}
}

/**
 * Branch points of the long run: every multiple of the round-1 length up to the long run's end (as
 * fractions of the long run), so each branch answers "what would a run of k × the old length give?".
 */
export function branchPoints(factor: number): number[] {
	const points: number[] = [];
	for (let k = 1; k < factor; k++) points.push(Number((k / factor).toFixed(6)));
	points.push(1);
	return points;
}

/**
 * The alternative: one constant-rate run `factor` times as long (the source's warmup and peak rate),
 * branching automatic cooldowns at each multiple of the old length, each branch as long as the old decay
 * (a cooldown of 20% of the old run when it had none) with its shape.
 */
export function cooldownBranchStudy(source: RoundTwoSource, factor: number, backend?: BackendChoice): Study {
	const longSteps = Math.round(source.config.maxTrainSteps * factor);
	const decay = sourceDecay(source.config);
	const config = cleanTrialConfig({ ...source.config, schedule: 'constant', maxTrainSteps: longSteps });
	const fixed = fixedFromConfig(config);
	if (backend) fixed.backend = backend;
	const option: CooldownBranchesOption = {
		at: branchPoints(factor),
		length: Math.min(1, Number((decay.steps / longSteps).toFixed(6))),
		shape: decay.shape
	};
	if (decay.finalFraction > 0) option.finalFraction = decay.finalFraction;
	const base = `trial ${source.index} of “${source.studyName}”`;
	return {
		name: `Round 2 branches (${longSteps} steps constant): ${base}`.slice(0, 120),
		goal:
			`Round 2 without choosing its length in advance: the best configuration of round 1 (${base}) at its peak ` +
			`rate, constant for ${longSteps} steps, with a ${decay.steps}-step ${decay.shape} cooldown branched off at ` +
			`every ${source.config.maxTrainSteps} steps. Each branch shows the result of stopping there ` +
			'(playbook: "Round 2"; "Learning rates without fortune telling").',
		notes: 'Made by the Round 1 → Round 2 procedure (Procedures page), cooldown-branch alternative.',
		workload: { dataset: source.config.dataset, model: source.config.model },
		budget: budgetFor(source, longSteps),
		objective: { ...source.objective },
		fixed,
		search: { algorithm: 'grid', trials: 1, seed: source.config.seed },
		params: [],
		cooldownBranches: option,
		trials: []
	};
}
