// The schedule-family comparison as one study (issue 21; docs/schedule-families.md says when each family
// fits). The family is the scientific parameter, a switch with four values:
// - `cosine`: Adam, cosine decay to 0 over the run;
// - `wsd`: Adam, warmup–stable–decay with the 1−sqrt cooldown (Hägele et al. 2024, "A Different Route:
//   Constant Learning Rate with Cooldown", found that shape the best of those they tried);
// - `constant`: Adam at a constant rate, plus a cooldown branch from the end of the run (1−sqrt too), so
//   its result is "constant, then cooled down when we chose to stop";
// - `schedule-free-adamw`: Defazio et al. 2024, a constant rate after warmup and no cooldown at all.
// Each family's learning rate and warmup are nuisance parameters of its own (`when` on the family), so
// every family is judged at the settings that suit it, with the same number of quasi-random trials
// (scientific values are shared out equally; study-trials.ts). The builder lives here, beside the other
// presets, so the preset list can offer it; procedures/schedule-families.ts reads the finished study.
import { LEARNING_RATE_RANGES } from './presets';
import type { Objective, Study, StudyParam, Workload } from './study';
import type { BackendChoice, CooldownShape } from './trial-config';

export const FAMILIES = ['cosine', 'wsd', 'constant', 'schedule-free-adamw'] as const;
export type Family = (typeof FAMILIES)[number];
/** The switch parameter that carries the family. */
export const FAMILY_PARAM = 'family';
/** The cooldown shape of the wsd family and of the constant family's branch. */
export const FAMILY_COOLDOWN_SHAPE: CooldownShape = '1-sqrt';
/** Default cooldown length, as a fraction of maxTrainSteps (wsd's own default, schedule-config.ts). */
export const DEFAULT_FAMILY_COOLDOWN = 0.2;
/** Warmups are searched from 0 up to this fraction of maxTrainSteps. */
export const MAX_FAMILY_WARMUP = 0.1;
export const MAX_TRIALS_PER_FAMILY = 100;

export interface FamilyComparisonOptions {
	workload: Workload;
	/** Quasi-random trials given to every family. */
	trialsPerFamily: number;
	maxTrainSteps: number;
	seed?: number;
	/** Cooldown of wsd and of the constant family's branch, as a fraction of maxTrainSteps. */
	cooldownFraction?: number;
	objective?: Objective;
	backend?: BackendChoice;
}

/** What keeps the options from making a study, each in words; empty when they can. */
export function familyOptionProblems(options: FamilyComparisonOptions): string[] {
	const problems: string[] = [];
	const { trialsPerFamily: n, maxTrainSteps: steps } = options;
	if (!Number.isInteger(n) || n < 1 || n > MAX_TRIALS_PER_FAMILY)
		problems.push(`trials per family must be a whole number from 1 to ${MAX_TRIALS_PER_FAMILY}, got ${n}`);
	if (!Number.isInteger(steps) || steps < 10)
		problems.push(`maxTrainSteps must be a whole number ≥ 10, got ${steps}`);
	const cooldown = options.cooldownFraction ?? DEFAULT_FAMILY_COOLDOWN;
	if (!(cooldown > 0 && cooldown <= 0.5))
		problems.push(`the cooldown fraction must lie in (0, 0.5], got ${cooldown}`);
	return problems;
}

function onlyIn(families: readonly Family[]): Record<string, Family[]> {
	return { [FAMILY_PARAM]: [...families] };
}

/** The comparison as one study (see header). Throws a RangeError naming the first bad option. */
export function scheduleFamilyStudy(options: FamilyComparisonOptions): Study {
	const problems = familyOptionProblems(options);
	if (problems.length > 0) throw new RangeError(problems.join('; '));
	const steps = options.maxTrainSteps;
	const cooldown = options.cooldownFraction ?? DEFAULT_FAMILY_COOLDOWN;
	const adamFamilies: Family[] = ['cosine', 'wsd', 'constant'];
	const params: StudyParam[] = [
		{ name: FAMILY_PARAM, role: 'scientific', type: 'categorical', values: [...FAMILIES] },
		// One-value choices set what each family is; they are not searched in any real sense.
		{
			name: 'optimizer',
			role: 'nuisance',
			type: 'categorical',
			values: ['adam'],
			when: onlyIn(adamFamilies)
		},
		{
			name: 'optimizer',
			role: 'nuisance',
			type: 'categorical',
			values: ['schedule-free-adamw'],
			when: onlyIn(['schedule-free-adamw'])
		},
		{ name: 'schedule', role: 'nuisance', type: 'categorical', values: ['cosine'], when: onlyIn(['cosine']) },
		{ name: 'schedule', role: 'nuisance', type: 'categorical', values: ['wsd'], when: onlyIn(['wsd']) },
		{
			name: 'schedule',
			role: 'nuisance',
			type: 'categorical',
			values: ['constant'],
			when: onlyIn(['constant', 'schedule-free-adamw'])
		},
		{
			name: 'cooldownShape',
			role: 'nuisance',
			type: 'categorical',
			values: [FAMILY_COOLDOWN_SHAPE],
			when: onlyIn(['wsd'])
		},
		{
			name: 'cooldownFraction',
			role: 'nuisance',
			type: 'discrete',
			values: [cooldown],
			when: onlyIn(['wsd'])
		}
	];
	const maxWarmup = Math.max(1, Math.round(MAX_FAMILY_WARMUP * steps));
	for (const family of FAMILIES) {
		// Each family gets its own learning rate and warmup: one shared range would favour whichever
		// family it happens to suit.
		const [min, max] = LEARNING_RATE_RANGES[family === 'schedule-free-adamw' ? family : 'adam'];
		params.push(
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'float',
				min,
				max,
				scale: 'log',
				when: onlyIn([family])
			},
			{
				name: 'warmupSteps',
				role: 'nuisance',
				type: 'int',
				min: 0,
				max: maxWarmup,
				scale: 'linear',
				when: onlyIn([family])
			}
		);
	}
	const evalEvery = Math.max(1, Math.round(steps / 20));
	const { dataset, model } = options.workload;
	return {
		name: `Schedule families: ${dataset} ${model}, ${options.trialsPerFamily} trials each`,
		goal:
			'Which learning-rate schedule family trains this workload best and reaches a validation target ' +
			'soonest, each family with its own learning rate and warmup tuned on the same number of trials?',
		notes:
			'Made by the schedule-family comparison (Procedures page; docs/schedule-families.md). The family is ' +
			`the scientific parameter; wsd cools down over the last ${Math.round(cooldown * 100)}% with a 1−sqrt ` +
			`shape; the constant family gets a ${Math.round(cooldown * 100)}% 1−sqrt cooldown branch from its ` +
			'last step; schedule-free AdamW runs at a constant rate after its warmup.',
		workload: { dataset, model },
		budget: {
			maxTrainSteps: steps,
			evalEvery,
			checkpointEvery: evalEvery * 2,
			keepBestCheckpoints: 2
		},
		objective: options.objective ?? { metric: 'valLoss', goal: 'minimize' },
		fixed: options.backend ? { backend: options.backend } : {},
		search: {
			algorithm: 'quasi-random',
			trials: options.trialsPerFamily * FAMILIES.length,
			seed: options.seed ?? 1
		},
		params,
		cooldownBranches: {
			at: [1],
			length: cooldown,
			shape: FAMILY_COOLDOWN_SHAPE,
			when: onlyIn(['constant'])
		},
		trials: []
	};
}
