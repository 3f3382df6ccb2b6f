// The scaling-law procedure. The idea, in our words: with a constant learning rate (after a warmup) one
// long run per model size, branched into short cooldowns at several points, gives the loss the model
// would have reached had it been trained for each of those lengths with a proper decay (Hägele et al.
// 2024, their section 3 on a constant rate with a cooldown matching cosine, and section 5 on scaling
// laws from one run per size). So a study with one trial per size, automatic cooldown branches at lengths spaced on a log
// scale, yields a grid of (N, D, L) points for the fit of analysis/scaling-fit.ts at a fraction of the
// compute of one run per (size, length). This file builds that study and reads its points back. Pure:
// no DOM, no tfjs, no database.
import { DATASETS } from '../datasets/registry';
import type { ScalingPoint } from '../analysis/scaling-fit';
import { MODEL_KEY_DEFAULTS } from '../study/config-vocabulary';
import { bestObjective, isBetterFor } from '../study/objective';
import { cleanTrialConfig } from '../study/trial-config-clean';
import type { Study } from '../study/study';
import type { ScalingLawPoint, StudyParam, TrialRecord } from '../study/study-schema';
import { isUserDatasetId, type BackendChoice, type ModelName, type TrialConfig } from '../study/trial-config';
import { fixedFromConfig } from './trial-variance';

/** The configuration keys that set a model's size, per model (the scientific parameter of the study). */
export const SIZE_KEYS = {
	mlp: ['hiddenWidth', 'depth'],
	cnn: ['cnnWidth', 'cnnDepth'],
	transformer: ['dModel', 'nLayer']
} as const satisfies Record<ModelName, readonly (keyof TrialConfig)[]>;
export type SizeKey = (typeof SIZE_KEYS)[ModelName][number];

export const DEFAULT_BRANCH_POINTS = 8;
/** The longest branch point is this many times the shortest (8 points: a factor of about 1.64 apart). */
export const DEFAULT_SPAN = 32;
/** Each cooldown lasts this fraction of its branch point (so 20 % of the branch's whole length). */
export const DEFAULT_COOLDOWN = 0.25;
export const MAX_SIZES = 12;

export interface ScalingLawOptions {
	/** The workload (dataset, model and every fixed key); the size key's value in it is ignored. */
	config: TrialConfig;
	sizeKey: SizeKey;
	/** The values of the size key, one trunk each. */
	sizes: number[];
	/**
	 * The constant learning rate after the warmup: one for every size, or one per size tuned in an
	 * earlier study (tunedRates).
	 */
	learningRate: number | TunedRates;
	warmupSteps: number;
	maxTrainSteps: number;
	/** Number of branch points, spaced on a log scale up to maxTrainSteps. */
	branchPoints: number;
	/** The longest branch point over the shortest. */
	span: number;
	/** Cooldown length as a fraction of each branch point. */
	cooldown: number;
	backend: BackendChoice;
}

/** The learning rate of one size: that of the earlier study's best completed trial at this size. */
export interface TunedRate {
	size: number;
	learningRate: number;
	/** The earlier trial's index, and its objective value (best over training). */
	trial: number;
	value: number;
}

/** One learning rate per size, read from an earlier study (its name travels into the new study's notes). */
export interface TunedRates {
	from: string;
	rates: TunedRate[];
}

/** What tunedRates reads of the earlier study. */
export type EarlierStudy = Pick<Study, 'name' | 'workload' | 'objective' | 'params'> & {
	trials: readonly TrialRecord[];
};

/**
 * Whether an earlier study can give a learning rate per size: it trained the same dataset and model and
 * searched both the size key and the learning rate.
 */
export function canTuneFrom(
	study: Pick<Study, 'workload' | 'params'>,
	config: Pick<TrialConfig, 'dataset' | 'model'>,
	sizeKey: SizeKey
): boolean {
	const searched = new Set(study.params.map((p) => p.name));
	return (
		study.workload.dataset === config.dataset &&
		study.workload.model === config.model &&
		searched.has(sizeKey) &&
		searched.has('learningRate')
	);
}

/**
 * For each size, the learning rate of the earlier study's best completed trial at that size (best by
 * the earlier study's own objective and direction, over training; a tie goes to the lower trial index).
 * Problems name the study and every size it has no completed trial for.
 */
export function tunedRates(
	earlier: EarlierStudy,
	config: Pick<TrialConfig, 'dataset' | 'model'>,
	sizeKey: SizeKey,
	sizes: readonly number[]
): { ok: true; rates: TunedRates } | { ok: false; problems: string[] } {
	const named = `the earlier study “${earlier.name}”`;
	if (earlier.workload.dataset !== config.dataset || earlier.workload.model !== config.model)
		return {
			ok: false,
			problems: [
				`${named} trained ${earlier.workload.dataset} · ${earlier.workload.model}, not ${config.dataset} · ${config.model}`
			]
		};
	const searched = new Set(earlier.params.map((p) => p.name));
	const unsearched = [sizeKey, 'learningRate'].filter((key) => !searched.has(key));
	if (unsearched.length > 0)
		return { ok: false, problems: [`${named} did not search ${unsearched.join(' or ')}`] };
	const { objective } = earlier;
	const rates: TunedRate[] = [];
	const missing: number[] = [];
	for (const size of sizes) {
		let best: TunedRate | undefined;
		for (const trial of earlier.trials) {
			if (trial.status !== 'completed' || sizeOf(trial.config, sizeKey) !== size) continue;
			const value =
				trial.best?.value ?? (trial.metrics ? bestObjective(trial.metrics, objective)?.value : undefined);
			if (value === undefined || !Number.isFinite(value)) continue;
			const better =
				!best ||
				isBetterFor(objective.goal, value, best.value) ||
				(value === best.value && trial.index < best.trial);
			if (better) best = { size, learningRate: trial.config.learningRate, trial: trial.index, value };
		}
		if (best) rates.push(best);
		else missing.push(size);
	}
	if (missing.length > 0)
		return {
			ok: false,
			problems: [
				`${named} has no completed trial with a ${objective.metric} at ${sizeKey} ${missing.join(', ')}; ` +
					'drop those sizes or pick a study that trained them'
			]
		};
	return { ok: true, rates: { from: earlier.name, rates } };
}

/** `count` fractions of maxTrainSteps spaced evenly in log from 1/span up to 1 (4 significant digits). */
export function branchFractions(count: number, span: number): number[] {
	if (count === 1) return [1];
	return Array.from({ length: count }, (_, i) =>
		Number((span ** ((i - (count - 1)) / (count - 1))).toPrecision(4))
	);
}

export function scalingLawOptionProblems(options: ScalingLawOptions): string[] {
	const problems: string[] = [];
	const { sizes, maxTrainSteps, branchPoints, span, cooldown, warmupSteps } = options;
	if (!SIZE_KEYS[options.config.model].some((k) => k === options.sizeKey))
		problems.push(
			`the size parameter of the ${options.config.model} model is one of ${SIZE_KEYS[options.config.model].join(', ')}`
		);
	if (isUserDatasetId(options.config.dataset))
		problems.push('a scaling law needs a bundled dataset (the parameter count needs its shape)');
	const minSize = options.sizeKey === 'depth' || options.sizeKey === 'cnnDepth' ? 0 : 1;
	if (sizes.length < 2 || sizes.length > MAX_SIZES) problems.push(`list 2 to ${MAX_SIZES} model sizes`);
	else if (sizes.some((s) => !Number.isInteger(s) || s < minSize))
		problems.push(`every model size must be a whole number ≥ ${minSize}`);
	else if (new Set(sizes).size !== sizes.length) problems.push('the model sizes must differ');
	const rate = options.learningRate;
	if (typeof rate === 'number') {
		if (!(rate > 0 && Number.isFinite(rate))) problems.push('the learning rate must be a positive number');
	} else {
		const missing = sizes.filter((size) => !rate.rates.some((r) => r.size === size));
		if (missing.length > 0)
			problems.push(`no learning rate from “${rate.from}” for ${options.sizeKey} ${missing.join(', ')}`);
		for (const r of rate.rates)
			if (!(r.learningRate > 0 && Number.isFinite(r.learningRate)))
				problems.push(`the learning rate for ${options.sizeKey} ${r.size} must be a positive number`);
	}
	if (!Number.isInteger(maxTrainSteps) || maxTrainSteps < 10 || maxTrainSteps > 1_000_000)
		problems.push('maxTrainSteps must be a whole number from 10 to 1000000');
	if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= maxTrainSteps)
		problems.push('the warmup must be a whole number of steps below maxTrainSteps');
	if (!Number.isInteger(branchPoints) || branchPoints < 2 || branchPoints > 20)
		problems.push('the number of branch points must be a whole number from 2 to 20');
	if (!(span > 1)) problems.push('the longest branch point must be more than the shortest (span > 1)');
	if (!(cooldown > 0 && cooldown <= 1)) problems.push('the cooldown must be a fraction in (0, 1]');
	if (problems.length === 0) {
		const steps = branchFractions(branchPoints, span).map((f) => Math.max(1, Math.round(f * maxTrainSteps)));
		if (new Set(steps).size !== steps.length)
			problems.push(
				`${branchPoints} branch points spanning ${span}× fall on the same step within ${maxTrainSteps} steps; ` +
					'train longer, or use fewer points or a smaller span'
			);
		else if (steps[0]! <= warmupSteps)
			problems.push(
				`the first branch point (step ${steps[0]}) falls inside the warmup (${warmupSteps} steps); ` +
					'shorten the warmup or the span'
			);
	}
	return problems;
}

/** The default size of `key` (what a trial uses when the key is not set). */
function sizeOf(config: TrialConfig, key: SizeKey): number {
	if (key === 'hiddenWidth' || key === 'depth') return config[key];
	return config[key] ?? MODEL_KEY_DEFAULTS[key];
}

/**
 * The study: one trial per size, each trained with a constant learning rate after a linear warmup, then
 * branched into cooldowns at log-spaced points up to maxTrainSteps, each `cooldown` × its point long
 * with the 1 − sqrt shape (Hägele et al., section 3, found it the best shape).
 *
 * With one rate for every size the study is a grid over the size key and the rate is fixed. With a rate
 * per size, each size's rate is a one-value discrete `learningRate` parameter whose `when` names that
 * size, and the search is quasi-random: grid search refuses conditional parameters, and quasi-random
 * search gives each value of an unconditional scientific parameter its share of the trials, so with as
 * many trials as sizes each size runs exactly once (math/sampler.ts, balancedCell).
 */
export function scalingLawStudy(options: ScalingLawOptions): Study {
	const { config, sizeKey, sizes, maxTrainSteps, warmupSteps, branchPoints, span, cooldown } = options;
	const tuned = typeof options.learningRate === 'number' ? null : options.learningRate;
	const workload = cleanTrialConfig({
		...config,
		schedule: 'constant',
		warmupSteps,
		learningRate: tuned ? config.learningRate : (options.learningRate as number),
		maxTrainSteps
	});
	const fixed = {
		...fixedFromConfig(workload, tuned ? [sizeKey, 'learningRate'] : [sizeKey]),
		backend: options.backend
	};
	const at = branchFractions(branchPoints, span);
	const rateParams: StudyParam[] = (tuned ? sizes : []).map((size) => {
		const rate = tuned!.rates.find((r) => r.size === size);
		if (!rate) throw new Error(`no learning rate from “${tuned!.from}” for ${sizeKey} ${size}`);
		return {
			name: 'learningRate',
			role: 'nuisance',
			type: 'discrete',
			values: [rate.learningRate],
			when: { [sizeKey]: [size] }
		};
	});
	const rates = tuned
		? `a learning rate per size from the best completed trial at that size of “${tuned.from}” (` +
			tuned.rates.map((r) => `${r.size}: ${r.learningRate}, trial ${r.trial}`).join('; ') +
			')'
		: `learning rate ${options.learningRate}`;
	return {
		name: `Scaling law: ${config.dataset} ${config.model}, ${sizeKey} ${sizes.join('/')}, ${maxTrainSteps} steps`,
		goal:
			'How does the validation loss fall with model size N and training examples D? One constant-rate run ' +
			'per size with cooldown branches at log-spaced lengths gives the (N, D, L) points of a fit of ' +
			'L = E + A·N^(−α) + B·D^(−β) (Hoffmann et al. 2022, approach 3; Hägele et al. 2024, section 5).',
		notes:
			`Made by the scaling-law procedure (Procedures page). ${sizes.length} sizes of ${sizeKey}, ${rates}, ` +
			`${warmupSteps} warmup steps, then constant to ${maxTrainSteps} steps; cooldown branches (1 − sqrt, ` +
			`${cooldown} × the branch point) at ${branchPoints} points spanning ${span}× up to maxTrainSteps.`,
		workload: { dataset: config.dataset, model: config.model },
		budget: {
			maxTrainSteps,
			evalEvery: Math.max(1, Math.round(maxTrainSteps / 20)),
			checkpointEvery: maxTrainSteps,
			keepBestCheckpoints: 1
		},
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed,
		search: { algorithm: tuned ? 'quasi-random' : 'grid', trials: sizes.length, seed: config.seed },
		params: [{ name: sizeKey, role: 'scientific', type: 'discrete', values: [...sizes] }, ...rateParams],
		cooldownBranches: { at, length: cooldown, shape: '1-sqrt', lengthOf: 'branchPoint' },
		scalingLaw: { size: sizeKey },
		trials: []
	};
}

/** Whether a study is what this procedure leaves behind. */
export function isScalingLawStudy(study: Pick<Study, 'scalingLaw'>): boolean {
	return study.scalingLaw !== undefined;
}

/** What the parameter count needs to know of a dataset: its input and output sizes. */
export type DataShape =
	| { kind: 'classification'; features: number; classes: number; image?: { height: number; width: number } }
	| { kind: 'text'; vocab: number };

/** The shape of a bundled dataset; null for a user's dataset (its shape is not in the study). */
export function dataShapeOf(dataset: string): DataShape | null {
	const spec = Object.hasOwn(DATASETS, dataset) ? DATASETS[dataset as keyof typeof DATASETS] : undefined;
	if (!spec) return null;
	if (spec.kind === 'text') return { kind: 'text', vocab: spec.vocab };
	if (spec.kind === 'image')
		return {
			kind: 'classification',
			features: spec.height * spec.width,
			classes: spec.classes,
			image: { height: spec.height, width: spec.width }
		};
	return { kind: 'classification', features: spec.features, classes: spec.classes };
}

/**
 * Trainable parameters of the model `config` names on data of this shape, counted layer by layer as the
 * engines build them (training/model-spec.ts and training/tfjs/models/): every weight matrix, bias,
 * embedding and layer-norm gain and bias.
 */
export function trainableParameters(config: TrialConfig, shape: DataShape): number {
	if (config.model === 'transformer') {
		if (shape.kind !== 'text') throw new Error('the transformer trains on text');
		const d = sizeOf(config, 'dModel');
		const layers = sizeOf(config, 'nLayer');
		const T = config.contextLength ?? MODEL_KEY_DEFAULTS.contextLength;
		const V = shape.vocab;
		// Per block: two layer norms (2·2d), qkv (d·3d + 3d), attention out (d·d + d), MLP in
		// (d·4d + 4d) and out (4d·d + d): 12d² + 13d.
		const block = 12 * d * d + 13 * d;
		return V * d + T * d + layers * block + 2 * d + d * V + V;
	}
	if (shape.kind !== 'classification')
		throw new Error(`the ${config.model} model trains on a table or images`);
	if (config.model === 'cnn') {
		if (!shape.image) throw new Error('the cnn model needs images');
		const filters = sizeOf(config, 'cnnWidth');
		const blocks = sizeOf(config, 'cnnDepth');
		let count = 0;
		let channels = 1;
		let [h, w] = [shape.image.height, shape.image.width];
		for (let b = 0; b < blocks; b++) {
			const out = filters * 2 ** b;
			count += 9 * channels * out + out;
			channels = out;
			h = Math.floor(h / 2);
			w = Math.floor(w / 2);
		}
		return count + h * w * channels * shape.classes + shape.classes;
	}
	let count = 0;
	let fanIn = shape.features;
	for (let layer = 0; layer <= config.depth; layer++) {
		const fanOut = layer === config.depth ? shape.classes : config.hiddenWidth;
		count += fanIn * fanOut + fanOut;
		fanIn = fanOut;
	}
	return count;
}

/** Training examples seen after `steps` updates: steps × batch, and × context length (tokens) for text. */
export function examplesSeen(config: TrialConfig, steps: number): number {
	const perExample =
		config.model === 'transformer' ? (config.contextLength ?? MODEL_KEY_DEFAULTS.contextLength) : 1;
	return steps * config.batchSize * perExample;
}

export interface ScalingPointsReading {
	points: ScalingLawPoint[];
	/** Why some trials or branches gave no point (failed, diverged, still to run). */
	skipped: string[];
	/** Set when no point can be read at all (a user dataset, say). */
	problem: string | null;
}

/**
 * Every (size, length) point of a scaling-law study: for each completed branch of each trial, N from the
 * trial's config, D from the branch's last step (branch point + cooldown) and L its final validation loss.
 */
export function scalingPoints(
	study: Pick<Study, 'workload'> & { trials: readonly TrialRecord[] }
): ScalingPointsReading {
	const shape = dataShapeOf(study.workload.dataset);
	if (!shape)
		return {
			points: [],
			skipped: [],
			problem: `the parameter count needs the shape of the data, and ${study.workload.dataset} is not a bundled dataset`
		};
	const points: ScalingLawPoint[] = [];
	const skipped: string[] = [];
	for (const trial of study.trials) {
		const N = trainableParameters(trial.config, shape);
		for (const branch of trial.branches ?? []) {
			const where = `trial ${trial.index}, branch from step ${branch.fromStep}`;
			const evals = branch.metrics?.evals ?? [];
			const last = evals[evals.length - 1];
			if (branch.status !== 'completed' || !last) {
				skipped.push(`${where}: ${branch.status}`);
				continue;
			}
			const loss = last.valLoss;
			if (!(loss > 0 && Number.isFinite(loss))) {
				skipped.push(`${where}: its final validation loss is not a positive number`);
				continue;
			}
			points.push({
				N,
				D: examplesSeen(trial.config, branch.fromStep + branch.length),
				loss,
				trial: trial.index,
				fromStep: branch.fromStep
			});
		}
	}
	points.sort((a, b) => a.N - b.N || a.D - b.D);
	return { points, skipped, problem: null };
}

/** The points as the fit takes them. */
export function fitInputs(points: readonly ScalingLawPoint[]): ScalingPoint[] {
	return points.map(({ N, D, loss }) => ({ N, D, loss }));
}
