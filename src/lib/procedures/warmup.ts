// The warmup procedure (playbook: "Learning rate warmup", "How to apply learning rate warmup"). In our
// words: start from the learning rate at which training became unstable (the
// unstable_base_learning_rate), aim ten times higher, and ramp the rate up to that target over
// warmup_steps; then hold it for post_warmup_steps = 2 × warmup_steps, long enough to see whether the
// high rate holds once the ramp is over. Warmup lengths are tried an order of magnitude apart, and what
// we want is the shortest that trains without blowing up. Each length is its own short run of
// 3 × warmup steps (maxTrainSteps is a budget, never a searched parameter, so one study per length),
// run shortest first and stopped at the first stable one. Warmups above 10% of the maxTrainSteps the
// user means to train with are refused unless confirmed: the playbook caps the largest point there,
// and notes that past 5% the run itself may need to grow. Pure: no DOM, no tfjs, no database.
import type { Objective, Study } from '../study/study';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { BackendChoice, TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';
import { lossInstability, type Instability, type RawPoint } from './early-instability';

export const DEFAULT_LR_MULTIPLIER = 10;
/** post_warmup_steps = POST_WARMUP_FACTOR × warmup_steps. */
export const POST_WARMUP_FACTOR = 2;
/** Warmups longer than this fraction of the intended maxTrainSteps need the user's confirmation. */
export const MAX_WARMUP_FRACTION = 0.1;
/** Past this fraction the intended maxTrainSteps should probably grow by the warmup. */
export const LONG_WARMUP_FRACTION = 0.05;
/** Evaluations per warmup run (at most; every step for the shortest runs). */
export const EVALS_PER_RUN = 30;

export interface WarmupOptions {
	/** The learning rate at which training was seen to be unstable. */
	unstableLearningRate: number;
	/** The target peak rate is multiplier × unstableLearningRate. */
	multiplier: number;
	/** Warmup lengths to try, in steps. */
	warmups: number[];
	/** The maxTrainSteps the real run will use. */
	intendedMaxTrainSteps: number;
	/** The user accepted warmups above MAX_WARMUP_FRACTION of intendedMaxTrainSteps. */
	confirmLong: boolean;
	backend: BackendChoice;
}

/** Powers of ten from 10 up to MAX_WARMUP_FRACTION × intended maxTrainSteps (at least [10]). */
export function defaultWarmups(intendedMaxTrainSteps: number): number[] {
	const out: number[] = [];
	for (let w = 10; w <= MAX_WARMUP_FRACTION * intendedMaxTrainSteps; w *= 10) out.push(w);
	return out.length > 0 ? out : [10];
}

export interface WarmupPlan {
	/** Warmup lengths that will run, ascending, each with its run length (3 × warmup). */
	runs: { warmupSteps: number; maxTrainSteps: number }[];
	/** Lengths above the 10% cap that need confirming (already dropped from `runs` unless confirmed). */
	long: number[];
	problems: string[];
	/** The warning to show for `long`, or null. */
	warning: string | null;
}

export function planWarmups(options: WarmupOptions): WarmupPlan {
	const problems: string[] = [];
	const { unstableLearningRate: lr, multiplier, intendedMaxTrainSteps: total } = options;
	if (!(lr > 0)) problems.push('the unstable learning rate must be a positive number');
	if (!(multiplier >= 1)) problems.push('the multiplier must be at least 1');
	if (!Number.isInteger(total) || total < 10)
		problems.push('the intended maxTrainSteps must be a whole number ≥ 10');
	const bad = options.warmups.filter((w) => !Number.isInteger(w) || w < 1 || w > 300_000);
	if (bad.length > 0)
		problems.push(`warmup lengths must be whole numbers from 1 to 300000 (got ${bad.join(', ')})`);
	if (options.warmups.length === 0) problems.push('give at least one warmup length');
	const lengths = [...new Set(options.warmups.filter((w) => !bad.includes(w)))].sort((a, b) => a - b);
	const cap = MAX_WARMUP_FRACTION * total;
	const long = lengths.filter((w) => w > cap);
	const kept = options.confirmLong ? lengths : lengths.filter((w) => w <= cap);
	if (kept.length === 0 && problems.length === 0)
		problems.push(
			`every warmup is longer than ${MAX_WARMUP_FRACTION * 100}% of maxTrainSteps; confirm to run them`
		);
	const warning =
		long.length > 0
			? `Warmup${long.length > 1 ? 's' : ''} of ${long.join(', ')} steps ${long.length > 1 ? 'are' : 'is'} longer ` +
				`than ${MAX_WARMUP_FRACTION * 100}% of the intended ${total} steps. The playbook keeps the largest ` +
				'point of the sweep below that; so much warmup would eat a large part of the run. ' +
				(options.confirmLong ? 'Confirmed: they will run.' : 'Left out unless you confirm.')
			: null;
	return {
		runs: kept.map((w) => ({ warmupSteps: w, maxTrainSteps: (1 + POST_WARMUP_FACTOR) * w })),
		long,
		problems,
		warning
	};
}

/** The peak rate of the procedure, 3 significant digits past the multiplication's rounding noise. */
export function warmupPeakRate(options: Pick<WarmupOptions, 'unstableLearningRate' | 'multiplier'>): number {
	return Number((options.unstableLearningRate * options.multiplier).toPrecision(6));
}

/**
 * One warmup length as a normal study with one trial: the workload of `config` at the peak rate, a
 * linear ramp over `warmupSteps`, then constant for 2 × warmupSteps.
 */
export function warmupStudy(
	config: TrialConfig,
	options: Pick<WarmupOptions, 'unstableLearningRate' | 'multiplier' | 'backend'>,
	warmupSteps: number,
	objective: Objective = { metric: 'valLoss', goal: 'minimize' }
): Study {
	const peak = warmupPeakRate(options);
	const total = (1 + POST_WARMUP_FACTOR) * warmupSteps;
	const clean = cleanTrialConfig({ ...config, schedule: 'constant', warmupSteps, learningRate: peak });
	return {
		name: `Warmup ${warmupSteps} steps to lr ${peak} (${options.multiplier}× ${options.unstableLearningRate})`,
		goal:
			`Does a ${warmupSteps}-step warmup let ${config.dataset} ${config.model} train stably at ${peak}, ` +
			`${options.multiplier}× the rate that was unstable (${options.unstableLearningRate})? Looking for the ` +
			'shortest such warmup (playbook: "How to apply learning rate warmup").',
		notes:
			`Made by the warmup procedure (Procedures page): ${warmupSteps} warmup steps, then ` +
			`${POST_WARMUP_FACTOR * warmupSteps} steps at the peak rate (post_warmup_steps = ${POST_WARMUP_FACTOR} × warmup_steps).`,
		workload: { dataset: config.dataset, model: config.model },
		budget: {
			maxTrainSteps: total,
			evalEvery: Math.max(1, Math.floor(total / EVALS_PER_RUN)),
			checkpointEvery: total,
			keepBestCheckpoints: 1
		},
		objective: { ...objective },
		fixed: { ...fixedFromConfig(clean), backend: options.backend },
		search: { algorithm: 'grid', trials: 1, seed: config.seed },
		params: [],
		trials: []
	};
}

export interface WarmupRun {
	warmupSteps: number;
	status: string;
	reason?: string;
	/** Validation loss at each evaluation (null where non-finite). */
	valLoss: RawPoint[];
}

export interface WarmupRow extends WarmupRun {
	stable: boolean;
	instability: Instability;
}

export interface WarmupReading {
	rows: WarmupRow[];
	/** The shortest warmup that trained stably, or null. */
	shortest: number | null;
	text: string;
}

/**
 * A warmup run is stable when it completed (not infeasible or failed) and its validation loss never
 * spiked (lossInstability says 'stable'). A spike that recovered still counts as unstable: the point of
 * warmup is that the high rate does not blow up at all.
 */
export function readWarmups(runs: readonly WarmupRun[], intendedMaxTrainSteps: number): WarmupReading {
	const rows = [...runs]
		.sort((a, b) => a.warmupSteps - b.warmupSteps)
		.map((run): WarmupRow => {
			const instability = lossInstability(run.valLoss);
			return { ...run, instability, stable: run.status === 'completed' && instability.kind === 'stable' };
		});
	const shortest = rows.find((r) => r.stable)?.warmupSteps ?? null;
	let text: string;
	if (shortest === null) {
		text = rows.some((r) => r.status === 'queued' || r.status === 'running')
			? 'No warmup has trained stably yet.'
			: 'None of these warmups trained stably at this rate. Try longer warmups, a smaller multiplier, or ' +
				'gradient clipping (playbook: "Potential fixes for common instability patterns").';
	} else {
		const share = shortest / intendedMaxTrainSteps;
		text =
			`The shortest stable warmup is ${shortest} steps. Prepend it to the baseline's schedule and train ` +
			`${intendedMaxTrainSteps + shortest} steps in all (${intendedMaxTrainSteps} + ${shortest}), then compare ` +
			'with the baseline using the best checkpoint of each.';
		if (share > LONG_WARMUP_FRACTION)
			text +=
				` That is ${(share * 100).toFixed(1)}% of ${intendedMaxTrainSteps} steps, above ` +
				`${LONG_WARMUP_FRACTION * 100}%: maxTrainSteps may need to grow to make room for it.`;
	}
	return { rows, shortest, text };
}

/** What grouping needs of a stored study. */
export interface WarmupStudyInfo {
	id: string;
	createdAt: number;
	definition: Pick<Study, 'name' | 'notes' | 'workload'>;
}

const WARMUP_NAME = /^Warmup (\d+) steps (to lr .+)$/;

/**
 * The earlier runs of the procedure, newest first, each as the ids of its studies (shortest warmup first).
 * One run makes its studies shortest first with the same target ("to lr … (m× u)") and workload, so a
 * study starts a new run when it has a different target or a warmup no longer than the one before.
 */
export function warmupRunGroups(studies: readonly WarmupStudyInfo[]): string[][] {
	const made = studies
		.map((s) => ({ s, match: WARMUP_NAME.exec(s.definition.name) }))
		.filter(({ s, match }) => match && s.definition.notes?.startsWith('Made by the warmup procedure'))
		.map(({ s, match }) => ({
			id: s.id,
			createdAt: s.createdAt,
			warmup: Number(match![1]),
			key: `${match![2]}|${s.definition.workload.dataset}|${s.definition.workload.model}`
		}))
		.sort((a, b) => a.createdAt - b.createdAt);
	const groups: { key: string; last: number; ids: string[] }[] = [];
	const open = new Map<string, { key: string; last: number; ids: string[] }>();
	for (const study of made) {
		const current = open.get(study.key);
		if (current && study.warmup > current.last) {
			current.ids.push(study.id);
			current.last = study.warmup;
		} else {
			const group = { key: study.key, last: study.warmup, ids: [study.id] };
			groups.push(group);
			open.set(study.key, group);
		}
	}
	return groups.map((g) => g.ids).reverse();
}
