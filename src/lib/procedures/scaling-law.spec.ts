import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encodeText } from '../datasets/text-data';
import { branchLength, branchSteps } from '../study/cooldown-branches';
import { planTrials } from '../study/study-trials';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '../study/trial-config';
import { buildModel } from '../training/tfjs/models/create-model';
import { transformerParameterCount } from '../training/model-spec';
import {
	DEFAULT_BRANCH_POINTS,
	DEFAULT_COOLDOWN,
	DEFAULT_SPAN,
	branchFractions,
	dataShapeOf,
	examplesSeen,
	scalingLawOptionProblems,
	scalingLawStudy,
	scalingPoints,
	trainableParameters,
	tunedRates,
	type EarlierStudy,
	type ScalingLawOptions
} from './scaling-law';
import type { TrialRecord } from '../study/study-schema';

const digits: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, dataset: 'digits', model: 'mlp' };

function options(over: Partial<ScalingLawOptions> = {}): ScalingLawOptions {
	return {
		config: digits,
		sizeKey: 'hiddenWidth',
		sizes: [4, 16, 64],
		learningRate: 0.003,
		warmupSteps: 10,
		maxTrainSteps: 640,
		branchPoints: DEFAULT_BRANCH_POINTS,
		span: DEFAULT_SPAN,
		cooldown: DEFAULT_COOLDOWN,
		backend: 'wasm',
		...over
	};
}

function countVariables(config: TrialConfig, data: Parameters<typeof buildModel>[0]): number {
	const model = buildModel(data, 1);
	const total = model.params.reduce((sum, p) => sum + p.size, 0);
	model.dispose();
	void config;
	return total;
}

describe('trainableParameters', () => {
	it('counts the MLP by hand: 64 → 16 → 10 on digits is 64·16 + 16 + 16·10 + 10 = 1210', () => {
		expect(trainableParameters({ ...digits, hiddenWidth: 16, depth: 1 }, dataShapeOf('digits')!)).toBe(1210);
		// Two hidden layers of 8: 64·8 + 8 + 8·8 + 8 + 8·10 + 10 = 682; logistic regression 64·10 + 10 = 650.
		expect(trainableParameters({ ...digits, hiddenWidth: 8, depth: 2 }, dataShapeOf('digits')!)).toBe(682);
		expect(trainableParameters({ ...digits, hiddenWidth: 8, depth: 0 }, dataShapeOf('digits')!)).toBe(650);
	});

	it('counts the CNN by hand: 2 blocks of 4 and 8 filters on 8×8 digits', () => {
		// conv0 9·1·4 + 4 = 40; conv1 9·4·8 + 8 = 296; 8×8 pooled twice is 2×2, so 2·2·8·10 + 10 = 330.
		const config: TrialConfig = { ...digits, model: 'cnn', cnnWidth: 4, cnnDepth: 2 };
		expect(trainableParameters(config, dataShapeOf('digits')!)).toBe(40 + 296 + 330);
	});

	it('counts the transformer by hand: vocab 83, context 16, d 8, one layer', () => {
		// embeddings 83·8 + 16·8 = 792; block 12·64 + 13·8 = 872; final norm 16; head 8·83 + 83 = 747.
		const config: TrialConfig = {
			...digits,
			dataset: 'moby-dick',
			model: 'transformer',
			dModel: 8,
			nLayer: 1,
			nHead: 2,
			contextLength: 16
		};
		expect(trainableParameters(config, dataShapeOf('moby-dick')!)).toBe(792 + 872 + 16 + 747);
		expect(transformerParameterCount({ vocab: 83, contextLength: 16, dModel: 8, nLayer: 1 })).toBe(2427);
	});

	it('agrees with the variables the TF.js engine creates for each model', async () => {
		await tf.setBackend('cpu');
		const mlp = { kind: 'mlp' as const, inputSize: 64, hiddenWidth: 24, depth: 2, classes: 10 };
		expect(countVariables(digits, mlp)).toBe(
			trainableParameters({ ...digits, hiddenWidth: 24, depth: 2 }, dataShapeOf('digits')!)
		);
		const cnn = { kind: 'cnn' as const, height: 28, width: 28, classes: 10, filters: 6, blocks: 3 };
		const cnnConfig: TrialConfig = {
			...digits,
			dataset: 'fashion-mnist',
			model: 'cnn',
			cnnWidth: 6,
			cnnDepth: 3
		};
		expect(countVariables(cnnConfig, cnn)).toBe(
			trainableParameters(cnnConfig, dataShapeOf('fashion-mnist')!)
		);
		const lm = {
			kind: 'transformer' as const,
			vocab: 83,
			contextLength: 32,
			dModel: 16,
			nHead: 2,
			nLayer: 2
		};
		const lmConfig: TrialConfig = {
			...digits,
			dataset: 'moby-dick',
			model: 'transformer',
			dModel: 16,
			nLayer: 2,
			nHead: 2,
			contextLength: 32
		};
		expect(countVariables(lmConfig, lm)).toBe(trainableParameters(lmConfig, dataShapeOf('moby-dick')!));
	});

	it('uses the vocabulary the bundled Moby-Dick text really has', () => {
		const text = gunzipSync(readFileSync('static/datasets/moby-dick/moby-dick.txt.gz')).toString('utf8');
		expect(encodeText(text, 'moby-dick').vocab).toHaveLength(
			dataShapeOf('moby-dick')!.kind === 'text' ? 83 : -1
		);
	});
});

describe('examplesSeen', () => {
	it('is steps × batch, and × the context length (tokens) for the language model', () => {
		expect(examplesSeen({ ...digits, batchSize: 32 }, 100)).toBe(3200);
		expect(examplesSeen({ ...digits, model: 'transformer', batchSize: 8, contextLength: 64 }, 10)).toBe(5120);
	});
});

describe('branchFractions', () => {
	it('spaces the points evenly in log up to 1', () => {
		// 4 points spanning 8×: 1/8, 1/4, 1/2, 1.
		expect(branchFractions(4, 8)).toEqual([0.125, 0.25, 0.5, 1]);
		const eight = branchFractions(8, 32);
		expect(eight).toHaveLength(8);
		expect(eight[0]).toBeCloseTo(1 / 32, 4);
		expect(eight[7]).toBe(1);
	});
});

describe('scalingLawStudy', () => {
	it('is a valid study: one trunk per size, constant rate after warmup, branches at log-spaced points', () => {
		const study = scalingLawStudy(options());
		const parsed = parseStudyFile(serializeStudy(study));
		expect(parsed.ok ? [] : parsed.errors).toEqual([]);
		const planned = planTrials(study);
		expect(planned.map((t) => t.config.hiddenWidth)).toEqual([4, 16, 64]);
		for (const t of planned) {
			expect(t.config.schedule).toBe('constant');
			expect(t.config.warmupSteps).toBe(10);
			expect(t.config.learningRate).toBe(0.003);
		}
		const option = study.cooldownBranches!;
		// 640 steps, 8 points spanning 32×: 640 · 32^((i − 7)/7) at 4 significant digits is 640 · 0.03125,
		// 0.05127, 0.08411, 0.1380, 0.2263, 0.3715, 0.6095, 1 = 20, 32.8, 53.8, 88.3, 144.8, 237.8, 390.1, 640.
		const steps = branchSteps(option, 640);
		expect(steps).toEqual([20, 33, 54, 88, 145, 238, 390, 640]);
		// Cooldowns of a quarter of each point: 5, 8.25, 13.5, 22, 36.25, 59.5, 97.5, 160 rounded.
		expect(steps.map((s) => branchLength(option, 640, s))).toEqual([5, 8, 14, 22, 36, 60, 98, 160]);
		expect(study.scalingLaw).toEqual({ size: 'hiddenWidth' });
	});

	it('names every problem with the options', () => {
		expect(scalingLawOptionProblems(options())).toEqual([]);
		expect(scalingLawOptionProblems(options({ sizes: [4] }))).toEqual(['list 2 to 12 model sizes']);
		expect(scalingLawOptionProblems(options({ sizeKey: 'dModel' }))[0]).toMatch(/hiddenWidth, depth/);
		expect(scalingLawOptionProblems(options({ maxTrainSteps: 20, warmupSteps: 0 }))[0]).toMatch(/same step/);
		expect(scalingLawOptionProblems(options({ warmupSteps: 30 }))[0]).toMatch(/inside the warmup/);
		expect(scalingLawOptionProblems(options({ learningRate: 0 }))[0]).toMatch(/learning rate/);
	});

	it('refuses a scaling-law size that is not a searched parameter', () => {
		const file = JSON.parse(serializeStudy(scalingLawStudy(options())));
		file.scalingLaw.size = 'depth';
		const parsed = parseStudyFile(JSON.stringify(file));
		expect(parsed.ok ? [] : parsed.errors.map((e) => e.path)).toEqual(['$.scalingLaw.size']);
	});
});

describe('scalingPoints', () => {
	it('reads one point per completed branch with N, D and the final validation loss', () => {
		const study = scalingLawStudy(options({ sizes: [4, 16] }));
		const evals = (loss: number, step: number) => ({
			train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
			evals: [
				{ step: step - 5, valLoss: loss + 1, valAccuracy: 0.5 },
				{ step, valLoss: loss, valAccuracy: 0.9 }
			]
		});
		const trial = (index: number, hiddenWidth: number) => ({
			index,
			params: { hiddenWidth },
			config: { ...planTrials(study)[index]!.config },
			seed: 1,
			status: 'completed' as const,
			branches: [
				{
					fromStep: 20,
					length: 5,
					shape: '1-sqrt' as const,
					finalFraction: 0,
					status: 'completed' as const,
					metrics: evals(1.5, 25)
				},
				{ fromStep: 40, length: 10, shape: '1-sqrt' as const, finalFraction: 0, status: 'failed' as const }
			]
		});
		const reading = scalingPoints({ ...study, trials: [trial(0, 4), trial(1, 16)] });
		expect(reading.problem).toBeNull();
		// N: 64·4 + 4 + 4·10 + 10 = 310 and 1210; D = (20 + 5) steps × batch 64 = 1600.
		expect(reading.points).toEqual([
			{ N: 310, D: 1600, loss: 1.5, trial: 0, fromStep: 20 },
			{ N: 1210, D: 1600, loss: 1.5, trial: 1, fromStep: 20 }
		]);
		expect(reading.skipped).toEqual([
			'trial 0, branch from step 40: failed',
			'trial 1, branch from step 40: failed'
		]);
	});
});

/** A hand-made earlier study of digits · mlp that searched hiddenWidth and learningRate. */
function earlierStudy(trials: TrialRecord[], objective: EarlierStudy['objective']): EarlierStudy {
	return {
		name: 'Width × rate',
		workload: { dataset: 'digits', model: 'mlp' },
		objective,
		params: [
			{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [4, 16, 64] },
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0001, max: 0.3, scale: 'log' }
		],
		trials
	};
}

function earlierTrial(
	index: number,
	hiddenWidth: number,
	learningRate: number,
	status: TrialRecord['status'],
	best?: number
): TrialRecord {
	return {
		index,
		params: { hiddenWidth, learningRate },
		config: { ...digits, hiddenWidth, learningRate },
		seed: 1,
		status,
		...(best === undefined ? {} : { best: { step: 100, value: best } })
	};
}

// Trial 5 has no stored best: its value is read from its evaluations (lowest valLoss 0.4, highest
// valAccuracy 0.3). Trials 2 (failed) and 4 (stopped) would win but are not completed.
const handMade: TrialRecord[] = [
	earlierTrial(0, 4, 0.01, 'completed', 0.9),
	earlierTrial(1, 4, 0.03, 'completed', 0.7),
	earlierTrial(2, 4, 0.1, 'failed', 0.1),
	earlierTrial(3, 16, 0.003, 'completed', 0.5),
	earlierTrial(4, 16, 0.001, 'stopped', 0.2),
	{
		...earlierTrial(5, 64, 0.002, 'completed'),
		metrics: {
			train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] },
			evals: [
				{ step: 10, valLoss: 0.8, valAccuracy: 0.1 },
				{ step: 20, valLoss: 0.4, valAccuracy: 0.3 },
				{ step: 30, valLoss: 0.6, valAccuracy: 0.2 }
			]
		}
	},
	earlierTrial(6, 64, 0.005, 'completed', 0.45)
];

describe('tunedRates', () => {
	it('takes each size’s rate from its best completed trial, lowest when minimising', () => {
		const read = tunedRates(
			earlierStudy(handMade, { metric: 'valLoss', goal: 'minimize' }),
			digits,
			'hiddenWidth',
			[4, 16, 64]
		);
		expect(read).toEqual({
			ok: true,
			rates: {
				from: 'Width × rate',
				rates: [
					{ size: 4, learningRate: 0.03, trial: 1, value: 0.7 },
					{ size: 16, learningRate: 0.003, trial: 3, value: 0.5 },
					{ size: 64, learningRate: 0.002, trial: 5, value: 0.4 }
				]
			}
		});
	});

	it('and highest when maximising', () => {
		const read = tunedRates(
			earlierStudy(handMade, { metric: 'valAccuracy', goal: 'maximize' }),
			digits,
			'hiddenWidth',
			[4, 64]
		);
		expect(read.ok && read.rates.rates.map((r) => [r.size, r.learningRate, r.trial])).toEqual([
			[4, 0.01, 0],
			[64, 0.005, 6]
		]);
	});

	it('names every size with no completed trial, another workload, and a study that did not search the rate', () => {
		const study = earlierStudy(
			handMade.filter((t) => t.index !== 3),
			{ metric: 'valLoss', goal: 'minimize' }
		);
		expect(tunedRates(study, digits, 'hiddenWidth', [4, 16, 32, 64])).toEqual({
			ok: false,
			problems: [
				'the earlier study “Width × rate” has no completed trial with a valLoss at hiddenWidth 16, 32; ' +
					'drop those sizes or pick a study that trained them'
			]
		});
		expect(tunedRates(study, { dataset: 'fashion-mnist', model: 'mlp' }, 'hiddenWidth', [4])).toEqual({
			ok: false,
			problems: ['the earlier study “Width × rate” trained digits · mlp, not fashion-mnist · mlp']
		});
		expect(tunedRates({ ...study, params: study.params.slice(0, 1) }, digits, 'hiddenWidth', [4])).toEqual({
			ok: false,
			problems: ['the earlier study “Width × rate” did not search learningRate']
		});
	});
});

describe('scalingLawStudy with a learning rate per size', () => {
	const read = tunedRates(
		earlierStudy(handMade, { metric: 'valLoss', goal: 'minimize' }),
		digits,
		'hiddenWidth',
		[4, 16, 64]
	);
	const rates = read.ok ? read.rates : null;

	it('is a valid study whose trials each train at their size’s rate, each size once', () => {
		const study = scalingLawStudy(options({ learningRate: rates! }));
		const parsed = parseStudyFile(serializeStudy(study));
		expect(parsed.ok ? [] : parsed.errors).toEqual([]);
		expect(study.fixed).not.toHaveProperty('learningRate');
		expect(study.search.algorithm).toBe('quasi-random');
		expect(study.params.slice(1)).toEqual([
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'discrete',
				values: [0.03],
				when: { hiddenWidth: [4] }
			},
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'discrete',
				values: [0.003],
				when: { hiddenWidth: [16] }
			},
			{
				name: 'learningRate',
				role: 'nuisance',
				type: 'discrete',
				values: [0.002],
				when: { hiddenWidth: [64] }
			}
		]);
		const planned = planTrials(study);
		const pairs = planned.map((t) => [t.config.hiddenWidth, t.config.learningRate]);
		expect(pairs.sort((a, b) => a[0]! - b[0]!)).toEqual([
			[4, 0.03],
			[16, 0.003],
			[64, 0.002]
		]);
		for (const t of planned) {
			expect(t.config.schedule).toBe('constant');
			expect(t.config.warmupSteps).toBe(10);
		}
		expect(study.notes).toContain('“Width × rate”');
	});

	it('names a size the rates do not cover', () => {
		expect(scalingLawOptionProblems(options({ learningRate: rates!, sizes: [4, 16, 32] }))).toEqual([
			'no learning rate from “Width × rate” for hiddenWidth 32'
		]);
	});
});
