// The default study of every workload: a ready quasi-random study that a newcomer can run with one
// click. Each one is a first exploration around a sensible starting configuration (playbook: "Choosing
// the initial configuration", and the exploration phase of "The incremental tuning strategy"): Adam, a
// small model of the workload's kind, a budget short enough for a CPU or wasm backend, and only nuisance
// parameters searched, so the best trial becomes the baseline of the next study. The numbers are our
// own starting points, not the playbook's.
//
// static/studies/default-<dataset>-<model>.study.json hold the same studies for the bundled datasets;
// default-studies.spec.ts fails when a file drifts from this code, and rewrites them when run with
// UPDATE_DEFAULT_STUDIES=1 (then format them with prettier).

import { standardBudget } from './presets';
import {
	IMAGE_SIDES,
	WORKLOADS,
	isDatasetName,
	modelsFor,
	type Study,
	type StudyParam,
	type Workload
} from './study';
import { isUserDatasetId, userDataKind, type DatasetId, type ModelName } from './trial-config';

export const DEFAULT_STUDY_CITATION =
	'Tuning playbook: "Choosing the initial configuration" and "Exploration vs exploitation"';

/** Every bundled dataset/model pair, in the order of the WORKLOADS table. */
export const DEFAULT_STUDY_WORKLOADS: readonly Workload[] = WORKLOADS.flatMap((w) =>
	w.models.map((model) => ({ dataset: w.dataset, model }))
);

/** What the dataset holds, as the default study's size and search depend on it. */
type Family = 'table' | 'image-mlp' | 'cnn' | 'transformer';

function familyOf({ dataset, model }: Workload): Family {
	if (model === 'transformer') return 'transformer';
	if (model === 'cnn') return 'cnn';
	const images = isUserDatasetId(dataset)
		? userDataKind(dataset) === 'idx'
		: isDatasetName(dataset) && IMAGE_SIDES[dataset] !== undefined;
	return images ? 'image-mlp' : 'table';
}

const DATASET_TITLES: Record<string, string> = {
	digits: 'Digits',
	'fashion-mnist': 'Fashion-MNIST',
	'moby-dick': 'Moby-Dick',
	'breast-cancer': 'Breast cancer',
	iris: 'Iris',
	wine: 'Wine',
	csv: 'Your table',
	text: 'Your text',
	idx: 'Your images'
};
const DATASET_PHRASES: Record<string, string> = {
	digits: 'the 8×8 handwritten digits',
	'fashion-mnist': 'the 28×28 Fashion-MNIST clothing images',
	'moby-dick': 'the characters of Moby-Dick',
	'breast-cancer': 'the breast cancer table',
	iris: 'the iris table',
	wine: 'the wine table',
	csv: 'your table',
	text: 'your text',
	idx: 'your images'
};
const MODEL_TITLES: Record<ModelName, string> = { mlp: 'MLP', cnn: 'CNN', transformer: 'transformer' };

function datasetKey(dataset: DatasetId): string {
	return isUserDatasetId(dataset) ? userDataKind(dataset) : dataset;
}

/** "Digits · CNN", for pickers. */
export function defaultStudyTitle(workload: Workload): string {
	return `${DATASET_TITLES[datasetKey(workload.dataset)] ?? workload.dataset} · ${MODEL_TITLES[workload.model]}`;
}

/** The file under static/studies/ that holds the default study of a bundled workload. */
export function defaultStudyFileName({ dataset, model }: Workload): string {
	if (!isDatasetName(dataset)) throw new RangeError('only bundled datasets have a default study file');
	return `default-${dataset}-${model}.study.json`;
}

const ADAM = { optimizer: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

function learningRate(min: number, max: number): StudyParam {
	return { name: 'learningRate', role: 'nuisance', type: 'float', min, max, scale: 'log' };
}

function dropout(max: number): StudyParam {
	return { name: 'dropout', role: 'nuisance', type: 'float', min: 0, max, scale: 'linear' };
}

/** The parts of a default study that depend on the kind of workload. */
interface Recipe {
	steps: number;
	trials: number;
	fixed: Study['fixed'];
	params: StudyParam[];
	/** "a learning rate and a dropout rate" */
	searched: string;
	/** "a one-hidden-layer MLP of 64 units" */
	model: string;
}

function recipeFor(family: Family, dataset: DatasetId): Recipe {
	switch (family) {
		case 'table':
			// Small tables overfit quickly, so dropout is the extra nuisance parameter.
			return {
				steps: 200,
				trials: 16,
				fixed: { ...ADAM, schedule: 'cosine', batchSize: 32, hiddenWidth: 64, depth: 1 },
				params: [learningRate(1e-4, 1e-1), dropout(0.5)],
				searched: 'a learning rate and a dropout rate',
				model: 'a one-hidden-layer MLP of 64 units'
			};
		case 'image-mlp':
			// Weight decay is multiplied by the learning rate, so over 300 steps only values near 1 shrink
			// the weights noticeably; the log range runs from nearly off to strong.
			return {
				steps: 300,
				trials: 12,
				fixed: { ...ADAM, schedule: 'cosine', batchSize: 64, hiddenWidth: 128, depth: 1 },
				params: [
					learningRate(1e-4, 1e-1),
					{ name: 'weightDecay', role: 'nuisance', type: 'float', min: 1e-4, max: 1, scale: 'log' }
				],
				searched: 'a learning rate and a weight decay',
				model: 'a one-hidden-layer MLP of 128 units'
			};
		case 'cnn':
			// The 8×8 digits are cheap enough for larger batches; bigger images get smaller ones.
			return {
				steps: 300,
				trials: 10,
				fixed: {
					...ADAM,
					schedule: 'cosine',
					batchSize: dataset === 'digits' ? 64 : 32,
					cnnWidth: 16,
					cnnDepth: 2
				},
				params: [learningRate(1e-4, 3e-2), dropout(0.5)],
				searched: 'a learning rate and a dropout rate',
				model: 'a CNN of two conv blocks (16 and 32 filters)'
			};
		case 'transformer':
			// A short warmup keeps the first Adam steps of the attention layers from overshooting.
			return {
				steps: 400,
				trials: 8,
				fixed: {
					...ADAM,
					schedule: 'cosine',
					warmupSteps: 20,
					batchSize: 32,
					nLayer: 2,
					nHead: 4,
					dModel: 64,
					contextLength: 64
				},
				params: [learningRate(1e-4, 1e-2), dropout(0.2)],
				searched: 'a learning rate and a dropout rate',
				model: 'a two-block character transformer (width 64, 4 heads, 64-character context)'
			};
	}
}

/**
 * The default study of a workload: bundled datasets and user data ids alike. Throws a RangeError for a
 * dataset/model pair that does not exist.
 */
export function defaultStudyFor(workload: Workload): Study {
	const { dataset, model } = workload;
	if (!(modelsFor(dataset) ?? []).includes(model)) {
		throw new RangeError(`${model} cannot train on ${dataset}`);
	}
	const recipe = recipeFor(familyOf(workload), dataset);
	const data = DATASET_PHRASES[datasetKey(dataset)] ?? dataset;
	return {
		name: `${defaultStudyTitle(workload).replace(' · ', ' ')}: default study`,
		goal:
			`Find ${recipe.searched} that train ${recipe.model} well on ${data}, to serve as the starting ` +
			'configuration of later studies.',
		notes:
			`Follows ${DEFAULT_STUDY_CITATION}. Adam with a cosine decay and a small model keep the first ` +
			`runs simple and short (${recipe.steps} steps each). Every parameter searched is a nuisance ` +
			'parameter, drawn quasi-randomly: the best trial is a baseline to improve on, and the spread of ' +
			'the results shows how sensitive this workload is to them. Widen a range when the best trials sit ' +
			'at its edge.',
		workload: { dataset, model },
		budget: standardBudget(recipe.steps),
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: recipe.fixed,
		search: { algorithm: 'quasi-random', trials: recipe.trials, seed: 1 },
		params: recipe.params,
		trials: []
	};
}
