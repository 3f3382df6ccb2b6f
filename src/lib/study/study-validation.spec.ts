import { describe, expect, it } from 'vitest';
import { MAX_ERRORS, validateStudy, type StudyError } from './study-validation';
import { planTrials } from './study-trials';

type Json = Record<string, unknown>;

/** A small valid study file, fresh for each test. */
function validFile(): Json {
	return {
		format: 'tuning-lab.study',
		version: 1,
		name: 'Width study',
		goal: 'Does width help?',
		workload: { dataset: 'digits', model: 'mlp' },
		budget: { maxTrainSteps: 200, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 2 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', schedule: 'constant' },
		search: { algorithm: 'quasi-random', trials: 6, seed: 7 },
		params: [
			{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64] },
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0001, max: 0.1, scale: 'log' }
		]
	};
}

/** The file with the given changes applied to a fresh copy. */
function withChanges(change: (file: Json & { fixed: Json; params: Json[] }) => void): Json {
	const file = validFile() as Json & { fixed: Json; params: Json[] };
	change(file);
	return file;
}

function errorsOf(input: unknown): string[] {
	const result = validateStudy(input);
	if (result.ok) return [];
	return result.errors.map(({ path, message }: StudyError) => `${path}: ${message}`);
}

/** Drops Adam's keys from fixed and searches the optimizer, with a learning rate per optimizer. */
function searchOptimizer(file: Json & { fixed: Json; params: Json[] }): void {
	delete file.fixed.optimizer;
	file.params = [
		{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['nesterov', 'adam'] },
		{
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 0.001,
			max: 0.3,
			scale: 'log',
			when: { optimizer: ['nesterov'] }
		},
		{
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 0.0001,
			max: 0.1,
			scale: 'log',
			when: { optimizer: ['adam'] }
		}
	];
}

const VALID_CONFIG_KEYS =
	'optimizer, learningRate, momentum, rho, beta1, beta2, epsilon, weightDecay, gradClipNorm, dropout, ' +
	'labelSmoothing, emaDecay, swaStart, swaEvery, schedule, warmupSteps, cooldownSteps, cooldownFraction, ' +
	'cooldownShape, finalLrFraction, rsqrtTimescale, batchSize, seed, hiddenWidth, depth, cnnWidth, cnnDepth, ' +
	'nLayer, nHead, dModel, contextLength, backend, engine';
const DATASET_CHOICES =
	'one of digits, fashion-mnist, moby-dick, breast-cancer, iris, wine, or a user dataset id (csv:, text: or ' +
	'idx: followed by the SHA-256 of the data in 64 lowercase hex digits)';
const VALID_PAIRS =
	'digits: mlp, cnn; fashion-mnist: mlp, cnn; moby-dick: transformer; breast-cancer: mlp; iris: mlp; ' +
	'wine: mlp; csv:<sha256>: mlp; text:<sha256>: transformer; idx:<sha256>: mlp, cnn';
const HASH = '0123456789abcdef'.repeat(4);

describe('validateStudy: a valid file', () => {
	it('returns the study, with an empty list of trials when the file has none', () => {
		const result = validateStudy(validFile());
		expect(result).toEqual({
			ok: true,
			study: {
				name: 'Width study',
				goal: 'Does width help?',
				workload: { dataset: 'digits', model: 'mlp' },
				budget: { maxTrainSteps: 200, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 2 },
				objective: { metric: 'valLoss', goal: 'minimize' },
				fixed: { optimizer: 'adam', schedule: 'constant' },
				search: { algorithm: 'quasi-random', trials: 6, seed: 7 },
				params: [
					{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64] },
					{
						name: 'learningRate',
						role: 'nuisance',
						type: 'float',
						min: 0.0001,
						max: 0.1,
						scale: 'log'
					}
				],
				trials: []
			}
		});
	});

	it('accepts a learning rate per optimizer under a searched optimizer', () => {
		expect(errorsOf(withChanges(searchOptimizer))).toEqual([]);
	});

	it('accepts a bool switch that a condition refers to', () => {
		const file = withChanges((f) => {
			f.params.push({ name: 'useEma', role: 'scientific', type: 'bool' });
			f.params.push({
				name: 'emaDecay',
				role: 'nuisance',
				type: 'float',
				min: 0.9,
				max: 0.999,
				scale: 'linear',
				when: { useEma: [true] }
			});
		});
		expect(errorsOf(file)).toEqual([]);
	});
});

describe('validateStudy: format and version', () => {
	it('refuses a file from a newer Tuning Lab with that reason alone', () => {
		const file = withChanges((f) => {
			f.version = 2;
			f.surprise = true;
		});
		expect(errorsOf(file)).toEqual([
			'$.version: this file comes from a newer Tuning Lab (study format version 2); this version reads ' +
				'format version 1. Update Tuning Lab to open it'
		]);
	});

	it('refuses another kind of file without further checks', () => {
		expect(errorsOf({ format: 'something-else', name: 3 })).toEqual([
			'$.format: expected "tuning-lab.study", got "something-else": this is not a Tuning Lab study file'
		]);
		expect(errorsOf([1, 2])).toEqual(['$: expected a study object, got an array']);
	});

	it('requires the format and a whole version number', () => {
		const file = withChanges((f) => {
			delete f.format;
			f.version = 0.5;
		});
		expect(errorsOf(file)).toEqual([
			'$.format: required; expected "tuning-lab.study"',
			'$.version: expected the whole number 1, got 0.5'
		]);
	});
});

describe('validateStudy: unknown keys and types', () => {
	it('names unknown keys and lists the valid ones', () => {
		const file = withChanges((f) => {
			f.extra = 1;
			(f.budget as Json).steps = 10;
			f.fixed.learningrate = 0.1;
			(f.params[0] as Json).scale = 'log';
		});
		expect(errorsOf(file)).toEqual([
			'$.extra: unknown key; valid keys are format, version, name, goal, notes, workload, budget, objective, ' +
				'fixed, search, params, cooldownBranches, scalingLaw, trials, conclusion, changedBaseline',
			'$.budget.steps: unknown key; valid keys are maxTrainSteps, evalEvery, checkpointEvery, keepBestCheckpoints',
			`$.fixed.learningrate: unknown key (did you mean learningRate?); valid keys are ${VALID_CONFIG_KEYS}`,
			'$.params[0].scale: not used by discrete parameters (only by float or int); valid keys are name, role, ' +
				'type, values, when'
		]);
	});

	it('says what was expected for wrong types and values', () => {
		const file = withChanges((f) => {
			f.name = 5;
			f.workload = { dataset: 'digits', model: 'resnet' };
			f.objective = { metric: 'valAccuracy', goal: 'minimize' };
			f.search = { algorithm: 'evolutionary', trials: 0, seed: -1 };
			f.fixed.batchSize = '64';
		});
		expect(errorsOf(file)).toEqual([
			'$.name: expected text, got 5',
			'$.workload.model: expected one of mlp, cnn, transformer, got "resnet"',
			'$.objective.goal: a higher valAccuracy is better: expected maximize, got minimize',
			'$.fixed.batchSize: expected an integer in [1, 4096], got "64"',
			'$.search.algorithm: expected one of quasi-random, random, grid, bayesian, got "evolutionary"',
			'$.search.trials: expected an integer in [1, 10000], got 0',
			'$.search.seed: expected an integer in [0, 4294967295], got -1'
		]);
	});

	it('reports missing sections', () => {
		expect(errorsOf({ format: 'tuning-lab.study', version: 1, name: 'x', goal: 'y' })).toEqual([
			'$.workload: required; expected an object',
			'$.budget: required; expected an object',
			'$.objective: required; expected an object',
			'$.fixed: required; expected an object',
			'$.search: required; expected an object',
			'$.params: required; expected a list (empty when nothing is searched)'
		]);
	});

	it('quotes no more than a few dozen characters of the file back', () => {
		const long = 'x'.repeat(500);
		const file = withChanges((f) => {
			f.workload = { dataset: long, model: 'mlp' };
			f.fixed[long] = 1;
		});
		const clipped = `${'x'.repeat(39)}…`;
		expect(errorsOf(file)).toEqual([
			`$.workload.dataset: expected ${DATASET_CHOICES}, got "${clipped}"`,
			`$.fixed["${clipped}"]: unknown key; valid keys are ${VALID_CONFIG_KEYS}`
		]);
	});

	it('accepts the tabular workloads and names the valid choices for a pair that does not exist', () => {
		for (const dataset of ['breast-cancer', 'iris', 'wine']) {
			expect(validateStudy(withChanges((f) => (f.workload = { dataset, model: 'mlp' }))).ok).toBe(true);
		}
		expect(errorsOf(withChanges((f) => (f.workload = { dataset: 'iris', model: 'cnn' })))).toEqual([
			`$.workload.model: cnn cannot train on iris, which takes mlp; the valid pairs are ${VALID_PAIRS}`
		]);
		expect(errorsOf(withChanges((f) => (f.workload = { dataset: 'titanic', model: 'mlp' })))).toEqual([
			`$.workload.dataset: expected ${DATASET_CHOICES}, got "titanic"`
		]);
	});

	it('names every unknown key of an object, not only the first', () => {
		const file = withChanges((f) => {
			(f.budget as Json).steps = 10;
			(f.budget as Json).Evalevery = 5;
		});
		const valid = 'valid keys are maxTrainSteps, evalEvery, checkpointEvery, keepBestCheckpoints';
		expect(errorsOf(file)).toEqual([
			`$.budget.steps: unknown key; ${valid}`,
			`$.budget.Evalevery: unknown key (did you mean evalEvery?); ${valid}`
		]);
	});

	it('suggests the valid key a misspelt one was meant to be', () => {
		const file = withChanges((f) => {
			f.fixed.lerningRate = 0.1;
			(f.search as Json).seeed = 1;
			(f.params[1] as Json).name = 'weightDecy';
		});
		expect(errorsOf(file)).toEqual([
			`$.fixed.lerningRate: unknown key (did you mean learningRate?); valid keys are ${VALID_CONFIG_KEYS}`,
			'$.search.seeed: unknown key (did you mean seed?); valid keys are algorithm, trials, seed, initialTrials, halving',
			`$.params[1].name: unknown config key "weightDecy" (did you mean weightDecay?); valid keys are ${VALID_CONFIG_KEYS}`
		]);
	});

	it('never takes an array for an object', () => {
		const file = withChanges((f) => {
			f.workload = ['digits', 'mlp'];
			f.fixed = [] as unknown as Json;
			f.params[0] = [] as unknown as Json;
			(f.params[1] as Json).when = [];
		});
		expect(errorsOf(file)).toEqual([
			'$.workload: expected an object, got an array',
			'$.fixed: expected an object, got an array',
			'$.params[0]: expected a parameter object, got an array',
			'$.params[1].when: expected an object mapping parameter names to lists of values, got an array'
		]);
	});

	it('checks the name and role of a parameter whose type is missing', () => {
		const file = withChanges((f) => {
			f.params[0] = { name: '', role: 'main' };
		});
		expect(errorsOf(file)).toEqual([
			'$.params[0].type: required; expected one of float, int, discrete, categorical, bool',
			'$.params[0].name: must not be empty',
			'$.params[0].role: expected one of scientific, nuisance, got "main"'
		]);
	});

	it('caps the number of reported problems', () => {
		const file = withChanges((f) => {
			for (let i = 0; i < 80; i++) f[`extra${i}`] = i;
		});
		const result = validateStudy(file);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors).toHaveLength(MAX_ERRORS + 1);
		expect(result.errors[MAX_ERRORS]).toEqual({ path: '$', message: '30 more problems not shown' });
	});
});

describe('validateStudy: maxTrainSteps and the other study-wide keys', () => {
	it('refuses to search maxTrainSteps and says why', () => {
		const file = withChanges((f) => {
			f.params.push({
				name: 'maxTrainSteps',
				role: 'nuisance',
				type: 'int',
				min: 100,
				max: 400,
				scale: 'linear'
			});
		});
		expect(errorsOf(file)).toEqual([
			'$.params[2].name: maxTrainSteps cannot be searched: set it once in budget.maxTrainSteps, because one ' +
				'length holds for every trial; refine it later from the steps where the best checkpoints land ' +
				'(playbook, "Deciding how long to train")'
		]);
	});

	it('refuses maxTrainSteps in fixed, and workload or budget keys anywhere but their section', () => {
		const file = withChanges((f) => {
			f.fixed.maxTrainSteps = 100;
			f.fixed.dataset = 'digits';
			f.params.push({ name: 'evalEvery', role: 'nuisance', type: 'discrete', values: [10, 20] });
		});
		expect(errorsOf(file)).toEqual([
			'$.fixed.maxTrainSteps: maxTrainSteps belongs in budget.maxTrainSteps, not in fixed: one length holds ' +
				'for every trial; refine it later from the steps where the best checkpoints land (playbook, ' +
				'"Deciding how long to train")',
			'$.fixed.dataset: dataset is set in workload.dataset, not in fixed',
			'$.params[2].name: evalEvery cannot be searched: it is set once in budget.evalEvery'
		]);
	});

	it('refuses a key that is both fixed and searched', () => {
		const file = withChanges((f) => {
			f.fixed.learningRate = 0.01;
		});
		expect(errorsOf(file)).toEqual([
			'$.params[1].name: learningRate is also set in fixed; a key is either fixed for every trial or ' +
				'searched, not both'
		]);
	});
});

describe('validateStudy: parameter ranges', () => {
	it('checks ranges against the vocabulary and the scale', () => {
		const file = withChanges((f) => {
			f.params = [
				{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0, max: 0.1, scale: 'log' },
				{ name: 'beta1', role: 'nuisance', type: 'float', min: 0.8, max: 1, scale: 'linear' },
				{ name: 'depth', role: 'scientific', type: 'int', min: 3, max: 2, scale: 'linear' },
				{ name: 'batchSize', role: 'nuisance', type: 'int', min: 16, max: 64.5, scale: 'linear' },
				{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 32, 0] },
				{ name: 'schedule', role: 'scientific', type: 'categorical', values: ['cosine', 'step'] }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.params[0].min: a log-scale range needs min > 0, got 0',
			'$.params[1].max: beta1 takes a number in [0, 1), got 1',
			'$.params[2].max: expected a number greater than min (3), got 2',
			'$.params[3].max: expected an integer, got 64.5',
			'$.params[4].values[1]: 32 is listed twice',
			'$.params[5].values[1]: schedule takes one of constant, linear, cosine, rsqrt, wsd, got "step"'
		]);
	});

	it('tells which parameter types suit a key', () => {
		const file = withChanges((f) => {
			f.params = [
				{ name: 'hiddenWidth', role: 'scientific', type: 'float', min: 16, max: 64, scale: 'linear' },
				{ name: 'optimizer', role: 'scientific', type: 'discrete', values: [1, 2] },
				{ name: 'learningRate', role: 'nuisance', type: 'bool' }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.params[0].type: hiddenWidth takes an integer in [1, 4096]; search it as int or discrete',
			'$.params[1].type: optimizer takes one of sgd, momentum, nesterov, rmsprop, adam, nadam, schedule-free-adamw, schedule-free-sgd; search it as ' +
				'categorical',
			'$.params[2].type: learningRate takes a number > 0; search it as float, int or discrete'
		]);
	});

	it('refuses an unknown parameter name, and a switch no condition refers to', () => {
		const file = withChanges((f) => {
			f.params.push({ name: 'dropOut', role: 'nuisance', type: 'float', min: 0, max: 0.5, scale: 'linear' });
			f.params.push({ name: 'useEma', role: 'scientific', type: 'bool' });
		});
		expect(errorsOf(file)).toEqual([
			`$.params[2].name: unknown config key "dropOut" (did you mean dropout?); valid keys are ${VALID_CONFIG_KEYS}`
		]);
		const onlySwitch = withChanges((f) => {
			f.params.push({ name: 'useEma', role: 'scientific', type: 'bool' });
		});
		expect(errorsOf(onlySwitch)).toEqual([
			`$.params[2].name: unknown config key "useEma"; valid keys are ${VALID_CONFIG_KEYS} (a bool parameter ` +
				"may have another name only as a switch that some parameter's when refers to)"
		]);
	});
});

describe('validateStudy: conditions', () => {
	it('requires conditions on searched categorical or bool parameters and values they take', () => {
		const file = withChanges((f) => {
			searchOptimizer(f);
			f.params.push({
				name: 'momentum',
				role: 'nuisance',
				type: 'float',
				min: 0.8,
				max: 0.99,
				scale: 'linear',
				when: { optimizer: ['nesterov', 'sgd'], schedule: ['constant'], learningRate: [0.1], missing: [1] }
			});
		});
		expect(errorsOf(file)).toEqual([
			'$.params[3].when.optimizer[1]: optimizer never takes "sgd"; its values are "nesterov", "adam"',
			'$.params[3].when.schedule: schedule is fixed, not searched; when may only refer to searched ' +
				'categorical, bool or discrete parameters',
			'$.params[3].when.learningRate: learningRate is a float parameter; when may only refer to categorical, ' +
				'bool or discrete parameters',
			'$.params[3].when.missing: "missing" is not a parameter of this study; when may only refer to ' +
				'categorical, bool or discrete parameters'
		]);
	});

	it('accepts a condition on a discrete parameter, one learning rate per width', () => {
		const perWidth = (width: number, rate: number) => ({
			name: 'learningRate',
			role: 'nuisance',
			type: 'discrete',
			values: [rate],
			when: { hiddenWidth: [width] }
		});
		const file = withChanges((f) => {
			f.params = [f.params[0]!, perWidth(32, 0.01), perWidth(64, 0.003)];
		});
		expect(errorsOf(file)).toEqual([]);
		// A width the parameter never takes, an int parent, and two rates active for the same width.
		const wrong = withChanges((f) => {
			f.params = [
				f.params[0]!,
				perWidth(48, 0.01),
				{ name: 'depth', role: 'nuisance', type: 'int', min: 1, max: 3, scale: 'linear' },
				{ ...perWidth(64, 0.003), when: { depth: [2] } }
			];
		});
		expect(errorsOf(wrong)).toEqual([
			'$.params[1].when.hiddenWidth[0]: hiddenWidth never takes 48; its values are 32, 64',
			'$.params[3].when.depth: depth is a int parameter; when may only refer to categorical, bool or ' +
				'discrete parameters'
		]);
		const twice = withChanges((f) => {
			f.params = [f.params[0]!, perWidth(64, 0.01), perWidth(64, 0.003)];
		});
		expect(errorsOf(twice)).toEqual([
			'$.params[2].when: learningRate is also searched by $.params[1] in trials where hiddenWidth = 64; ' +
				'parameters that share a name need conditions that never hold together'
		]);
	});

	it('refuses a condition keyed __proto__, constructor or prototype like any unknown parameter', () => {
		for (const reserved of ['__proto__', 'constructor', 'prototype']) {
			// Parsed from text, as a file is: JSON.parse keeps "__proto__" as an ordinary key.
			const text = JSON.stringify(withChanges(searchOptimizer)).replace(
				'"when":{"optimizer":["adam"]}',
				`"when":{"optimizer":["adam"],"${reserved}":["x"]}`
			);
			expect(text).toContain(reserved);
			expect(errorsOf(JSON.parse(text)), reserved).toEqual([
				`$.params[2].when.${reserved}: "${reserved}" is not a parameter of this study; when may only refer ` +
					'to categorical, bool or discrete parameters'
			]);
		}
	});

	it('refuses a reserved JavaScript name as a key anywhere in the file', () => {
		const text = JSON.stringify(validFile())
			.replace('"fixed":{', '"fixed":{"__proto__":{"learningRate":1},')
			.replace(/}$/, ',"constructor":1}');
		expect(errorsOf(JSON.parse(text))).toEqual(
			expect.arrayContaining([
				'$.fixed.__proto__: unknown key "__proto__": no key of a study file has that name',
				'$.constructor: unknown key "constructor": no key of a study file has that name'
			])
		);
	});

	it('refuses conditions that form a cycle', () => {
		const file = withChanges((f) => {
			f.params.push({ name: 'a', role: 'scientific', type: 'bool', when: { b: [true] } });
			f.params.push({ name: 'b', role: 'scientific', type: 'bool', when: { a: [false] } });
		});
		expect(errorsOf(file)).toEqual(['$.params[2].when: conditions form a cycle: "a" → "b" → "a"']);
	});

	it('refuses parameters with one name whose conditions overlap', () => {
		const overlapping = withChanges((f) => {
			searchOptimizer(f);
			(f.params[2] as Json).when = { optimizer: ['adam', 'nesterov'] };
		});
		expect(errorsOf(overlapping)).toEqual([
			'$.params[2].when: learningRate is also searched by $.params[1] in trials where optimizer = "nesterov"; ' +
				'parameters that share a name need conditions that never hold together'
		]);
		const unconditional = withChanges((f) => {
			f.params.push({
				name: 'learningRate',
				role: 'nuisance',
				type: 'float',
				min: 0.01,
				max: 1,
				scale: 'log'
			});
		});
		expect(errorsOf(unconditional)).toEqual([
			'$.params[2].name: learningRate is also searched by $.params[1]; parameters that share a name need ' +
				'conditions that never hold together'
		]);
	});

	it('gives up cleanly when the choices combine into too many cases', () => {
		const file = withChanges((f) => {
			const when: Record<string, boolean[]> = {};
			for (let i = 0; i < 13; i++) {
				f.params.push({ name: `s${i}`, role: 'nuisance', type: 'bool' });
				when[`s${i}`] = [true];
			}
			f.params.push({
				name: 'emaDecay',
				role: 'nuisance',
				type: 'float',
				min: 0.9,
				max: 0.99,
				scale: 'linear',
				when
			});
		});
		expect(errorsOf(file)).toEqual([
			'$.params: the categorical parameters combine into more than 4096 cases, too many to check; use fewer ' +
				'values or conditions'
		]);
	});
});

describe('validateStudy: optimizer and schedule keys in every branch', () => {
	it('names a hyperparameter fixed for another optimizer', () => {
		const file = withChanges((f) => {
			f.fixed.rho = 0.9;
		});
		expect(errorsOf(file)).toEqual([
			'$.fixed.rho: rho does not apply to adam, which takes beta1, beta2 and epsilon'
		]);
		const byDefault = withChanges((f) => {
			delete f.fixed.optimizer;
			f.fixed.momentum = 0.9;
		});
		expect(errorsOf(byDefault)).toEqual([
			'$.fixed.momentum: momentum does not apply to adam (the default optimizer), which takes beta1, beta2 and epsilon'
		]);
		const sgd = withChanges((f) => {
			f.fixed.optimizer = 'sgd';
			f.fixed.epsilon = 1e-8;
		});
		expect(errorsOf(sgd)).toEqual([
			'$.fixed.epsilon: epsilon does not apply to sgd, which takes only learningRate and weightDecay'
		]);
	});

	it('reports branch problems beside problems in other sections', () => {
		const file = withChanges((f) => {
			f.fixed.rho = 0.9;
			f.goal = '';
		});
		expect(errorsOf(file)).toEqual([
			'$.goal: must not be empty',
			'$.fixed.rho: rho does not apply to adam, which takes beta1, beta2 and epsilon'
		]);
	});

	it('checks each branch of a searched optimizer', () => {
		const unconditional = withChanges((f) => {
			searchOptimizer(f);
			f.params.push({ name: 'beta1', role: 'nuisance', type: 'float', min: 0.8, max: 0.99, scale: 'linear' });
			f.fixed.epsilon = 1e-8;
		});
		expect(errorsOf(unconditional)).toEqual([
			'$.fixed.epsilon: epsilon does not apply to nesterov (in trials where optimizer is nesterov), which ' +
				'takes momentum; search it with a when condition on optimizer instead of fixing it',
			'$.params[3]: beta1 does not apply to nesterov (in trials where optimizer is nesterov), which takes ' +
				'momentum; limit it with a when condition on optimizer'
		]);
		const conditional = withChanges((f) => {
			searchOptimizer(f);
			f.params.push({
				name: 'beta1',
				role: 'nuisance',
				type: 'float',
				min: 0.8,
				max: 0.99,
				scale: 'linear',
				when: { optimizer: ['adam'] }
			});
		});
		expect(errorsOf(conditional)).toEqual([]);
	});

	it('checks schedule keys against the schedule of each branch', () => {
		const fixedCosine = withChanges((f) => {
			f.fixed.schedule = 'cosine';
			f.fixed.cooldownShape = 'linear';
		});
		expect(errorsOf(fixedCosine)).toEqual([
			'$.fixed.cooldownShape: cooldownShape is not read by the cosine schedule; only by wsd'
		]);
		const searched = withChanges((f) => {
			delete f.fixed.schedule;
			f.params.push({ name: 'schedule', role: 'scientific', type: 'categorical', values: ['cosine', 'wsd'] });
			f.params.push({
				name: 'cooldownShape',
				role: 'nuisance',
				type: 'categorical',
				values: ['linear', '1-sqrt']
			});
		});
		expect(errorsOf(searched)).toEqual([
			'$.params[3]: cooldownShape is not read by the cosine schedule (in trials where schedule is cosine); only by wsd'
		]);
	});

	it('checks that warmup and cooldown fit in the run', () => {
		const warmup = withChanges((f) => {
			f.params.push({
				name: 'warmupSteps',
				role: 'nuisance',
				type: 'int',
				min: 0,
				max: 200,
				scale: 'linear'
			});
		});
		expect(errorsOf(warmup)).toEqual([
			'$.params[2].max: a warmup of 200 steps must be shorter than budget.maxTrainSteps (200)'
		]);
		const wsd = withChanges((f) => {
			f.fixed.schedule = 'wsd';
			f.fixed.warmupSteps = 150;
			f.fixed.cooldownFraction = 0.3;
		});
		expect(errorsOf(wsd)).toEqual([
			'$.fixed.cooldownFraction: a cooldown of 60 steps after a warmup of 150 steps does not fit in ' +
				'budget.maxTrainSteps (200)'
		]);
		const both = withChanges((f) => {
			f.fixed.schedule = 'wsd';
			f.fixed.cooldownSteps = 20;
			f.fixed.cooldownFraction = 0.1;
			f.fixed.swaStart = 100;
		});
		expect(errorsOf(both)).toEqual([
			'$.fixed.cooldownSteps: give either cooldownSteps or cooldownFraction, not both',
			'$.fixed.swaStart: swaStart has no effect without swaEvery, which is not set'
		]);
	});
});

describe('validateStudy: datasets, models and model keys', () => {
	/** The valid file on another workload, searching only the learning rate. */
	function onWorkload(dataset: string, model: string, fixed: Json = {}): Json {
		return withChanges((f) => {
			f.workload = { dataset, model };
			f.params = [f.params[1] as Json];
			Object.assign(f.fixed, fixed);
		});
	}

	it('accepts user dataset ids with the models their kind allows', () => {
		expect(errorsOf(onWorkload(`csv:${HASH}`, 'mlp'))).toEqual([]);
		expect(errorsOf(onWorkload(`text:${HASH}`, 'transformer'))).toEqual([]);
		expect(errorsOf(onWorkload(`idx:${HASH}`, 'mlp'))).toEqual([]);
		expect(errorsOf(onWorkload(`idx:${HASH}`, 'cnn'))).toEqual([]);
		expect(errorsOf(onWorkload('moby-dick', 'transformer'))).toEqual([]);
	});

	it('says what is wrong with a malformed user dataset id', () => {
		expect(errorsOf(onWorkload('csv:abc', 'mlp'))).toEqual([
			'$.workload.dataset: a csv dataset id is "csv:" followed by the SHA-256 of the data in 64 lowercase ' +
				'hex digits; got 3 characters after "csv:"'
		]);
		expect(errorsOf(onWorkload(`idx:${HASH.toUpperCase()}`, 'cnn'))).toEqual([
			'$.workload.dataset: an idx dataset id is "idx:" followed by the SHA-256 of the data in 64 lowercase ' +
				'hex digits; got 64 characters, not all lowercase hex digits (0-9, a-f) after "idx:"'
		]);
		expect(errorsOf(onWorkload(`xls:${HASH}`, 'mlp'))).toEqual([
			'$.workload.dataset: "xls" is not a kind of user data; a user dataset id starts with csv:, text: or idx:'
		]);
		expect(errorsOf(onWorkload(`csv:${HASH}0`, 'mlp'))).toEqual([
			'$.workload.dataset: a csv dataset id is "csv:" followed by the SHA-256 of the data in 64 lowercase ' +
				'hex digits; got 65 characters after "csv:"'
		]);
		expect(errorsOf(withChanges((f) => (f.workload = { dataset: 7, model: 'mlp' })))).toEqual([
			`$.workload.dataset: expected ${DATASET_CHOICES}, got 7`
		]);
	});

	it('refuses a model that cannot train on the dataset and lists the valid pairs', () => {
		expect(errorsOf(onWorkload('iris', 'transformer'))).toEqual([
			`$.workload.model: transformer cannot train on iris, which takes mlp; the valid pairs are ${VALID_PAIRS}`
		]);
		expect(errorsOf(onWorkload('moby-dick', 'cnn'))).toEqual([
			`$.workload.model: cnn cannot train on moby-dick, which takes transformer; the valid pairs are ${VALID_PAIRS}`
		]);
		expect(errorsOf(onWorkload(`csv:${HASH}`, 'cnn'))).toEqual([
			`$.workload.model: cnn cannot train on user csv data, which takes mlp; the valid pairs are ${VALID_PAIRS}`
		]);
		expect(errorsOf(onWorkload(`text:${HASH}`, 'mlp'))).toEqual([
			'$.workload.model: mlp cannot train on user text data, which takes transformer; the valid pairs are ' +
				VALID_PAIRS
		]);
		expect(errorsOf(withChanges((f) => (f.workload = { dataset: 'digits' })))).toEqual([
			'$.workload.model: required; expected one of mlp, cnn'
		]);
	});

	it('refuses fixed or searched keys that the model does not read', () => {
		expect(errorsOf(onWorkload('digits', 'mlp', { cnnWidth: 16, dModel: 64 }))).toEqual([
			'$.fixed.cnnWidth: cnnWidth is not read by the mlp model of this workload; only by cnn',
			'$.fixed.dModel: dModel is not read by the mlp model of this workload; only by transformer'
		]);
		// validFile searches hiddenWidth, an MLP key.
		expect(errorsOf(withChanges((f) => (f.workload = { dataset: 'fashion-mnist', model: 'cnn' })))).toEqual([
			'$.params[0]: hiddenWidth is not read by the cnn model of this workload; only by mlp'
		]);
		expect(errorsOf(onWorkload('moby-dick', 'transformer', { depth: 2, cnnDepth: 2 }))).toEqual([
			'$.fixed.depth: depth is not read by the transformer model of this workload; only by mlp',
			'$.fixed.cnnDepth: cnnDepth is not read by the transformer model of this workload; only by cnn'
		]);
		// Dropout and label smoothing are read by every model.
		for (const [dataset, model] of [
			['iris', 'mlp'],
			['digits', 'cnn'],
			['moby-dick', 'transformer']
		] as const) {
			expect(errorsOf(onWorkload(dataset, model, { dropout: 0.1, labelSmoothing: 0.1 })), model).toEqual([]);
		}
	});

	it('needs nHead to divide dModel, defaults included', () => {
		expect(errorsOf(onWorkload('moby-dick', 'transformer', { nHead: 8, dModel: 128 }))).toEqual([]);
		expect(errorsOf(onWorkload('moby-dick', 'transformer', { nHead: 3, dModel: 64 }))).toEqual([
			'$.fixed.nHead: nHead 3 does not divide dModel 64: each head works on dModel / nHead channels'
		]);
		expect(errorsOf(onWorkload('moby-dick', 'transformer', { nHead: 3 }))).toEqual([
			'$.fixed.nHead: nHead 3 does not divide dModel 64 (the default): each head works on dModel / nHead channels'
		]);
		expect(errorsOf(onWorkload('moby-dick', 'transformer', { dModel: 90 }))).toEqual([
			'$.fixed.dModel: nHead 4 (the default) does not divide dModel 90: each head works on dModel / nHead channels'
		]);
		const searched = withChanges((f) => {
			f.workload = { dataset: 'moby-dick', model: 'transformer' };
			f.fixed.dModel = 100;
			f.params[0] = { name: 'nHead', role: 'scientific', type: 'discrete', values: [2, 4, 8] };
		});
		expect(errorsOf(searched)).toEqual([
			'$.params[0]: some trials would pair nHead 8 with dModel 100, which 8 does not divide (each head works ' +
				'on dModel / nHead channels); search values where every nHead divides every dModel'
		]);
		const range = withChanges((f) => {
			f.workload = { dataset: 'moby-dick', model: 'transformer' };
			f.params[0] = { name: 'dModel', role: 'scientific', type: 'int', min: 64, max: 128, scale: 'linear' };
		});
		expect(errorsOf(range)).toEqual([
			'$.params[0]: some trials would pair nHead 4 with dModel 65, which 4 does not divide (each head works ' +
				'on dModel / nHead channels); search values where every nHead divides every dModel'
		]);
		const fitting = withChanges((f) => {
			f.workload = { dataset: 'moby-dick', model: 'transformer' };
			f.params[0] = { name: 'dModel', role: 'scientific', type: 'discrete', values: [32, 64, 96] };
		});
		expect(errorsOf(fitting)).toEqual([]);
	});

	it('keeps the CNN from pooling an image below one pixel', () => {
		expect(errorsOf(onWorkload('digits', 'cnn', { cnnDepth: 3 }))).toEqual([]);
		expect(errorsOf(onWorkload('digits', 'cnn', { cnnDepth: 4 }))).toEqual([
			'$.fixed.cnnDepth: cnnDepth 4 is too deep for the 8×8 images of digits: each block halves the side, so ' +
				'at most 3 blocks keep it at least 1 pixel'
		]);
		expect(errorsOf(onWorkload('fashion-mnist', 'cnn', { cnnDepth: 4 }))).toEqual([]);
		expect(errorsOf(onWorkload('fashion-mnist', 'cnn', { cnnDepth: 5 }))).toEqual([
			'$.fixed.cnnDepth: expected an integer in [1, 4], got 5'
		]);
		const searched = withChanges((f) => {
			f.workload = { dataset: 'digits', model: 'cnn' };
			f.params[0] = { name: 'cnnDepth', role: 'scientific', type: 'int', min: 1, max: 4, scale: 'linear' };
		});
		expect(errorsOf(searched)).toEqual([
			'$.params[0].max: cnnDepth 4 is too deep for the 8×8 images of digits: each block halves the side, so ' +
				'at most 3 blocks keep it at least 1 pixel'
		]);
		// The size of a user's images is not known until they are loaded.
		expect(errorsOf(onWorkload(`idx:${HASH}`, 'cnn', { cnnDepth: 4 }))).toEqual([]);
	});
});

describe('validateStudy: the search', () => {
	it('needs a trial for every value of a scientific parameter', () => {
		const file = withChanges((f) => {
			(f.search as Json).trials = 1;
		});
		expect(errorsOf(file)).toEqual([
			'$.search.trials: 1 trials cannot cover the 2 values of the scientific parameter hiddenWidth ' +
				'($.params[0]); use at least 2'
		]);
	});

	it('reports what the grid sampler cannot do', () => {
		const file = withChanges((f) => {
			(f.search as Json).algorithm = 'grid';
			f.params.push({ name: 'batchSize', role: 'nuisance', type: 'discrete', values: [32, 64] });
		});
		const errors = errorsOf(file);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/^\$\.search: Grid search is limited to 2 parameters/);
	});
});

describe('validateStudy: the engine key (issue 19)', () => {
	it('accepts auto, tfjs and jax in fixed and as a categorical parameter', () => {
		for (const engine of ['auto', 'tfjs', 'jax']) {
			expect(errorsOf(withChanges((f) => (f.fixed.engine = engine)))).toEqual([]);
		}
		const searched = withChanges((f) =>
			f.params.push({ name: 'engine', role: 'nuisance', type: 'categorical', values: ['tfjs', 'jax'] })
		);
		expect(errorsOf(searched)).toEqual([]);
	});
	it('plans auto for a study that does not set it, such as a file written before the key existed', () => {
		const result = validateStudy(validFile());
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(planTrials(result.study).map((t) => t.config.engine)).toEqual(Array(6).fill('auto'));
		expect(
			planTrials(validateOk(withChanges((f) => (f.fixed.engine = 'jax')))).map((t) => t.config.engine)
		).toEqual(Array(6).fill('jax'));
	});
	it('refuses any other value, naming the key and the choices', () => {
		expect(errorsOf(withChanges((f) => (f.fixed.engine = 'pytorch')))).toEqual([
			'$.fixed.engine: expected one of auto, tfjs, jax, got "pytorch"'
		]);
		expect(
			errorsOf(
				withChanges((f) =>
					f.params.push({ name: 'engine', role: 'nuisance', type: 'categorical', values: ['tfjs', 'torch'] })
				)
			).join('\n')
		).toMatch(/engine.*torch/);
	});
});

function validateOk(file: Json) {
	const result = validateStudy(file);
	if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
	return result.study;
}

describe('validateStudy: recorded trials', () => {
	const config = {
		dataset: 'digits',
		model: 'mlp',
		hiddenWidth: 32,
		depth: 1,
		batchSize: 64,
		maxTrainSteps: 200,
		evalEvery: 20,
		seed: 5,
		backend: 'auto',
		optimizer: 'adam',
		learningRate: 0.01,
		schedule: 'constant'
	};

	it('accepts trials with metrics, reading null as a non-finite value', () => {
		const file = withChanges((f) => {
			f.trials = [
				{
					index: 0,
					params: { hiddenWidth: 32, learningRate: 0.01 },
					config,
					seed: 5,
					status: 'completed',
					backend: 'wasm',
					metrics: {
						train: { step: [0, 1], loss: [2.3, null], lr: [0.01, 0.01], gradNorm: [1, 2], clipped: [0, 0] },
						evals: [{ step: 0, valLoss: 2.3, valAccuracy: 0.1 }]
					},
					best: { step: 0, value: 2.3 }
				}
			];
		});
		const result = validateStudy(file);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const [trial] = result.study.trials;
		expect(trial?.metrics?.train.loss).toEqual([2.3, Number.NaN]);
		expect(trial?.best).toEqual({ step: 0, value: 2.3 });
		expect(trial?.backend).toBe('wasm');
	});

	it('reads the engine a trial trained on (a config without engine, as old files have, loads) and refuses others', () => {
		const recorded = (engine: unknown) =>
			withChanges((f) => {
				f.trials = [
					{
						index: 0,
						params: { hiddenWidth: 32, learningRate: 0.01 },
						config,
						seed: 5,
						status: 'completed',
						backend: 'wasm',
						engine
					}
				];
			});
		const result = validateStudy(recorded('jax'));
		expect(result.ok && result.study.trials[0]?.engine).toBe('jax');
		expect(errorsOf(recorded('torch'))).toEqual([
			'$.trials[0].engine: expected one of tfjs, jax, got "torch"'
		]);
	});

	/** A completed trial with these params, metrics and step columns. */
	function trialWith(params: Json, steps: { train?: unknown[]; eval?: unknown } = {}): Json {
		return {
			index: 0,
			params,
			config,
			seed: 5,
			status: 'completed',
			metrics: {
				train: {
					step: steps.train ?? [0, 1],
					loss: [2.3, 2.2],
					lr: [0.01, 0.01],
					gradNorm: [1, 2],
					clipped: [0, 0]
				},
				evals: [{ step: 'eval' in steps ? steps.eval : 0, valLoss: 2.3, valAccuracy: 0.1 }]
			}
		};
	}

	it("checks every trial's params against the search space", () => {
		const file = withChanges((f) => {
			f.trials = [
				trialWith({ hiddenWidth: 48, learningRate: 0.5, dropout: 0.1 }),
				{ ...trialWith({ hiddenWidth: 64 }), index: 1 },
				{ ...trialWith({ hiddenWidth: '64', learningRate: 0.01 }), index: 2 }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.trials[0].params.dropout: dropout is not a searched parameter of this study; searched: ' +
				'hiddenWidth, learningRate',
			'$.trials[0].params.hiddenWidth: expected one of 32, 64 (the search space), got 48',
			'$.trials[0].params.learningRate: expected a number from 0.0001 to 0.1 (the search space), got 0.5',
			'$.trials[1].params.learningRate: required; learningRate applies to this trial (its conditions hold)',
			'$.trials[2].params.hiddenWidth: expected one of 32, 64 (the search space), got "64"'
		]);
	});

	it('checks conditional params by the branch each trial took', () => {
		const file = withChanges((f) => {
			searchOptimizer(f);
			f.trials = [
				trialWith({ optimizer: 'adam' }),
				{ ...trialWith({ optimizer: 'nesterov', learningRate: 0.0005 }), index: 1 },
				{ ...trialWith({ optimizer: 'adam', learningRate: 0.0005 }), index: 2 }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.trials[0].params.learningRate: required; learningRate applies to this trial (its conditions hold)',
			'$.trials[1].params.learningRate: expected a number from 0.001 to 0.3 (the search space), got 0.0005'
		]);
	});

	it('requires whole, non-negative step numbers in training rows and evaluations', () => {
		const file = withChanges((f) => {
			f.trials = [
				trialWith({ hiddenWidth: 32, learningRate: 0.01 }, { train: [0, 1.5] }),
				{ ...trialWith({ hiddenWidth: 32, learningRate: 0.01 }, { train: [-1, 0] }), index: 1 },
				{ ...trialWith({ hiddenWidth: 32, learningRate: 0.01 }, { eval: null }), index: 2 }
			];
		});
		const errors = errorsOf(file);
		expect(errors).toHaveLength(3);
		expect(errors[0]).toMatch(/^\$\.trials\[0\]\.metrics\.train\.step\[1\]: expected an integer .*got 1\.5$/);
		expect(errors[1]).toMatch(/^\$\.trials\[1\]\.metrics\.train\.step\[0\]: expected an integer .*got -1$/);
		expect(errors[2]).toMatch(/^\$\.trials\[2\]\.metrics\.evals\[0\]\.step: expected an integer .*got null$/);
	});

	it('rejects wrong types in a trial, naming each path', () => {
		const file = withChanges((f) => {
			f.trials = [
				{
					index: 0,
					params: { hiddenWidth: [32] },
					config: { ...config, learningRate: -1, colour: 'red' },
					seed: 5,
					status: 'done',
					metrics: { train: { step: [0], loss: ['x'], lr: [0], gradNorm: [0], clipped: [0] }, evals: {} }
				},
				{ index: 0, params: { hiddenWidth: 32, learningRate: 0.01 }, config, seed: 5, status: 'queued' }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.trials[0].status: expected one of queued, running, completed, infeasible, failed, cancelled, stopped, got "done"',
			'$.trials[0].params.hiddenWidth: expected a string, number or boolean, got an array',
			'$.trials[0].config.learningRate: expected a number > 0, got -1',
			`$.trials[0].config.colour: unknown key; valid keys are dataset, model, maxTrainSteps, evalEvery, ${VALID_CONFIG_KEYS}`,
			'$.trials[0].metrics.train.loss[0]: expected a number or null, got "x"',
			'$.trials[0].metrics.evals: expected a list, got an object',
			'$.trials[1].index: index 0 is already used by $.trials[0]'
		]);
	});

	it('refuses a recorded parameter value that is not finite, and an array for the sampled values', () => {
		const trial = { index: 0, params: { learningRate: Infinity }, config, seed: 5, status: 'queued' };
		const file = withChanges((f) => {
			f.trials = [trial, { ...trial, index: 1, params: [0.1] }];
		});
		expect(errorsOf(file)).toEqual([
			'$.trials[0].params.learningRate: expected a string, number or boolean, got a non-finite number',
			'$.trials[1].params: expected an object, got an array'
		]);
	});

	it('accepts user dataset ids and the new models in a recorded configuration', () => {
		const trial = (changes: Json) => ({
			index: 0,
			params: { hiddenWidth: 32, learningRate: 0.01 },
			config: { ...config, ...changes },
			seed: 5,
			status: 'queued'
		});
		const file = withChanges((f) => {
			f.trials = [
				trial({ dataset: `text:${HASH}`, model: 'transformer', nHead: 4, dModel: 64, contextLength: 32 }),
				{ ...trial({ dataset: 'csv:abc', model: 'lstm' }), index: 1 }
			];
		});
		expect(errorsOf(file)).toEqual([
			'$.trials[1].config.dataset: a csv dataset id is "csv:" followed by the SHA-256 of the data in 64 ' +
				'lowercase hex digits; got 3 characters after "csv:"',
			'$.trials[1].config.model: expected one of mlp, cnn, transformer, got "lstm"'
		]);
	});
});

describe('validateStudy: successive halving (search.halving)', () => {
	const halving = (h: unknown, algorithm = 'quasi-random') =>
		withChanges((f) => {
			f.search = { ...(f.search as Json), algorithm, halving: h };
		});

	it('accepts it on quasi-random and bayesian search', () => {
		expect(errorsOf(halving({ eta: 3, minSteps: 20, cooldownSteps: 10 }))).toEqual([]);
		expect(errorsOf(halving({ eta: 2, minSteps: 199, cooldownSteps: 0 }, 'bayesian'))).toEqual([]);
	});

	it('names each wrong key, a first rung at or past the end, and other algorithms', () => {
		expect(errorsOf(halving({ eta: 1, minSteps: 0, cooldownSteps: -1 }))).toEqual([
			'$.search.halving.eta: expected an integer in [2, 100], got 1',
			'$.search.halving.minSteps: expected an integer ≥ 1, got 0',
			'$.search.halving.cooldownSteps: expected an integer ≥ 0, got -1'
		]);
		expect(errorsOf(halving({ eta: 3, minSteps: 200, cooldownSteps: 5 }))).toEqual([
			'$.search.halving.minSteps: the first rung must come before the end of training: expected fewer than budget.maxTrainSteps (200) steps, got 200'
		]);
		expect(errorsOf(halving({ eta: 3, minSteps: 20, cooldownSteps: 5 }, 'grid'))).toEqual([
			'$.search.halving: halving applies to quasi-random and bayesian search only, not grid'
		]);
		expect(errorsOf(halving({ eta: 3, minSteps: 20 }))).toEqual([
			'$.search.halving.cooldownSteps: required; expected an integer ≥ 0'
		]);
	});
});
