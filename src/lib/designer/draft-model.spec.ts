import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_BRANCH_POINTS,
	DEFAULT_COOLDOWN,
	DEFAULT_SPAN,
	scalingLawStudy
} from '../procedures/scaling-law';
import { PRESETS } from '../study/presets';
import { DEFAULT_TRIAL_CONFIG } from '../study/trial-config';
import type { Study } from '../study/study';
import { parseStudyFile, serializeStudy } from '../study/study-file';
import {
	addCondition,
	addFixed,
	addParam,
	defaultFixedValue,
	draftText,
	errorsWithin,
	formatValueList,
	fromStudy,
	moveParam,
	nextUid,
	parseValueList,
	pathWithin,
	planKey,
	previewTrials,
	removeCondition,
	removeFixed,
	removeParam,
	setFixedKey,
	setObjectiveMetric,
	setParamName,
	dropModelKeys,
	fixModelKeys,
	strayModelKeys,
	shownText,
	shownTextErrors,
	toFileObject,
	defaultHalving,
	typesFor,
	unusedKeys,
	validateForm,
	type DraftForm
} from './draft-model';

function defaultStudy(): Study {
	const parsed = parseStudyFile(readFileSync('static/studies/default-digits.study.json', 'utf8'));
	if (!parsed.ok) throw new Error('the default study no longer parses');
	return parsed.study;
}

function validStudy(form: DraftForm): Study {
	const result = validateForm(form);
	if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
	return result.study;
}

describe('parseValueList / formatValueList', () => {
	it('reads numbers, booleans and words, skipping empty items', () => {
		expect(parseValueList('32, 64,128')).toEqual([32, 64, 128]);
		expect(parseValueList(' 1e-3 , -0.5, .25 ')).toEqual([0.001, -0.5, 0.25]);
		expect(parseValueList('adam, sgd, true, false')).toEqual(['adam', 'sgd', true, false]);
		expect(parseValueList('a,, b,')).toEqual(['a', 'b']);
		expect(parseValueList('')).toEqual([]);
	});

	it('reads double-quoted items as text, commas and all', () => {
		expect(parseValueList('"1", "true", "a, b", plain')).toEqual(['1', 'true', 'a, b', 'plain']);
		expect(parseValueList('"say \\"hi\\""')).toEqual(['say "hi"']);
	});

	it('keeps an unclosed quote as typed, so the validator can name it', () => {
		expect(parseValueList('a, "open')).toEqual(['a', '"open']);
	});

	it('quotes only text that would read back as something else', () => {
		expect(formatValueList([32, 64])).toBe('32, 64');
		expect(formatValueList(['adam', 'nesterov', true])).toBe('adam, nesterov, true');
		expect(formatValueList(['1', 'false', 'a, b', ' padded', ''])).toBe(
			'"1", "false", "a, b", " padded", ""'
		);
	});

	it('round-trips any list of values', () => {
		const lists = [
			[1e-4, 3e-4, 0.1],
			['x', '2', true, 2, false, 'false'],
			['say "hi"', 'a,b', ' ']
		];
		for (const list of lists) expect(parseValueList(formatValueList(list))).toEqual(list);
	});
});

describe('form ⇄ study', () => {
	it('writes the same text as serializeStudy for the default study and every preset', () => {
		const studies = [defaultStudy(), ...PRESETS.map((preset) => preset.build())];
		expect(studies).toHaveLength(5);
		for (const study of studies) {
			const form = fromStudy(study);
			expect(draftText(form)).toBe(serializeStudy(study));
			expect(validStudy(form)).toEqual(study);
		}
	});

	it('keeps the sections it has no fields for: a scaling-law study keeps its branches and marker', () => {
		const study = scalingLawStudy({
			config: { ...DEFAULT_TRIAL_CONFIG, dataset: 'digits', model: 'mlp' },
			sizeKey: 'hiddenWidth',
			sizes: [4, 16],
			learningRate: 0.003,
			warmupSteps: 10,
			maxTrainSteps: 640,
			branchPoints: DEFAULT_BRANCH_POINTS,
			span: DEFAULT_SPAN,
			cooldown: DEFAULT_COOLDOWN,
			backend: 'wasm'
		});
		expect(study.cooldownBranches?.lengthOf).toBe('branchPoint');
		expect(study.scalingLaw?.size).toBe('hiddenWidth');
		const form = fromStudy(study);
		expect(draftText(form)).toBe(serializeStudy(study));
		expect(validStudy(form)).toEqual(study);
	});

	it('keeps conditions: the optimizer comparison has two conditional learning rates', () => {
		const form = fromStudy(PRESETS.find((p) => p.id === 'optimizer-comparison')!.build());
		expect(form.params.map((p) => [p.name, p.when.map((w) => `${w.parent}: ${w.values}`)])).toEqual([
			['optimizer', []],
			['learningRate', ['optimizer: nesterov']],
			['learningRate', ['optimizer: adam']],
			['momentum', ['optimizer: nesterov']]
		]);
		expect(form.params[0]!.values).toBe('nesterov, adam');
	});

	it('carries successive halving both ways, and drops it for grid search', () => {
		const study = defaultStudy();
		const halving = { eta: 3, minSteps: 20, cooldownSteps: 5 };
		const withHalving: Study = { ...study, search: { ...study.search, halving } };
		const form = fromStudy(withHalving);
		expect(form.search.halving).toEqual(halving);
		expect(draftText(form)).toBe(serializeStudy(withHalving));
		expect(validStudy(form)).toEqual(withHalving);
		form.search.algorithm = 'grid';
		expect((toFileObject(form).search as Record<string, unknown>).halving).toBeUndefined();
	});

	it('starts halving with a first rung at a tenth of the run and eta 3', () => {
		// 1000 / 10 = 100 steps; cooldown 100 / 5 = 20 steps.
		expect(defaultHalving(1000)).toEqual({ eta: 3, minSteps: 100, cooldownSteps: 20 });
	});

	it('leaves recorded trials out of the form', () => {
		const study = defaultStudy();
		const withTrials: Study = {
			...study,
			trials: [
				{
					index: 0,
					params: { hiddenWidth: 32, learningRate: 0.01 },
					config: { ...validStudyConfig() },
					seed: 1,
					status: 'queued'
				}
			]
		};
		const form = fromStudy(withTrials);
		expect(toFileObject(form).trials).toEqual([]);
	});

	it('writes empty numbers as null and names them by path', () => {
		const form = fromStudy(defaultStudy());
		form.budget.evalEvery = Number.NaN;
		form.params[1]!.min = Number.NaN;
		const file = toFileObject(form) as { budget: { evalEvery: unknown }; params: { min: unknown }[] };
		expect(file.budget.evalEvery).toBeNull();
		expect(file.params[1]!.min).toBeNull();
		const result = validateForm(form);
		expect(result.ok).toBe(false);
		const paths = result.ok ? [] : result.errors.map((e) => e.path);
		expect(paths).toContain('$.budget.evalEvery');
		expect(paths).toContain('$.params[1].min');
	});

	it('keeps a bayesian study’s quasi-random start, and drops it for other algorithms', () => {
		const form = fromStudy({
			...defaultStudy(),
			search: { algorithm: 'bayesian', trials: 20, seed: 3, initialTrials: 7 }
		});
		expect(validStudy(form).search).toEqual({ algorithm: 'bayesian', trials: 20, seed: 3, initialTrials: 7 });
		form.search.initialTrials = Number.NaN; // emptied in the form: the default start
		expect(validStudy(form).search).toEqual({ algorithm: 'bayesian', trials: 20, seed: 3 });
		form.search.initialTrials = 7;
		form.search.algorithm = 'quasi-random';
		expect(validStudy(form).search).toEqual({ algorithm: 'quasi-random', trials: 20, seed: 3 });
	});

	it('writes only the fields of the current type and omits empty notes', () => {
		const form = fromStudy(defaultStudy());
		form.notes = '';
		form.params[1]!.type = 'bool';
		const file = toFileObject(form) as { notes?: string; params: Record<string, unknown>[] };
		expect(file.notes).toBeUndefined();
		expect(Object.keys(file.params[1]!)).toEqual(['name', 'role', 'type']);
		// The range is still in the form: switching back restores it.
		form.params[1]!.type = 'float';
		expect(file.params[1]).not.toHaveProperty('min');
		expect((toFileObject(form).params as Record<string, unknown>[])[1]).toEqual({
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 0.0001,
			max: 0.1,
			scale: 'log'
		});
	});

	it('reports a fixed key listed twice, which one JSON object cannot hold', () => {
		const form = fromStudy(defaultStudy());
		const twice = { ...form, fixed: [...form.fixed, { uid: 99, key: 'depth' as const, value: 2 }] };
		const result = validateForm(twice);
		expect(result.ok).toBe(false);
		expect(result.ok ? [] : result.errors[0]).toEqual({
			path: '$.fixed.depth',
			message: 'depth is fixed twice; remove one of the rows'
		});
	});

	it('lets the validator judge bad values typed into lists', () => {
		const form = fromStudy(defaultStudy());
		form.params[0]!.values = '32, sixty-four';
		const result = validateForm(form);
		expect(result.ok ? [] : result.errors.map((e) => e.path)).toContain('$.params[0].values[1]');
	});
});

function validStudyConfig() {
	const planned = previewTrials(defaultStudy());
	if (!planned.ok) throw new Error(planned.message);
	return planned.trials[0]!.config;
}

describe('edits', () => {
	it('adds a fixed row for the first key not yet used, with its default value', () => {
		const form = fromStudy(defaultStudy());
		expect(unusedKeys(form)[0]).toBe('momentum');
		const added = addFixed(form);
		expect(added.fixed.at(-1)).toEqual({ uid: nextUid(form), key: 'momentum', value: 0.9 });
		expect(form.fixed).toHaveLength(7); // the argument is left alone
		expect(removeFixed(added, 7).fixed).toEqual(form.fixed);
	});

	it('restarts a fixed value from the new key’s default when the key changes', () => {
		const form = fromStudy(defaultStudy());
		const changed = setFixedKey(form, 0, 'schedule');
		expect(changed.fixed[0]).toMatchObject({ key: 'schedule', value: 'constant' });
		expect(defaultFixedValue('learningRate')).toBe(0.003);
		expect(defaultFixedValue('swaEvery')).toBe(10);
		expect(defaultFixedValue('cooldownShape')).toBe('linear');
	});

	it('adds a parameter with a suggested range and keeps the study valid', () => {
		const form = fromStudy(defaultStudy());
		const added = addParam(removeFixed(form, 5), 'batchSize');
		expect(added.params.at(-1)).toMatchObject({
			name: 'batchSize',
			role: 'nuisance',
			type: 'int',
			min: 16,
			max: 256,
			scale: 'log',
			when: []
		});
		expect(validateForm(added).ok).toBe(true);
		expect(addParam(form, 'optimizer').params.at(-1)).toMatchObject({
			type: 'categorical',
			values: 'sgd, momentum, nesterov, rmsprop, adam, nadam, schedule-free-adamw, schedule-free-sgd'
		});
	});

	it('removes and reorders parameters', () => {
		const form = fromStudy(defaultStudy());
		expect(moveParam(form, 1, -1).params.map((p) => p.name)).toEqual(['learningRate', 'hiddenWidth']);
		expect(moveParam(form, 1, 1)).toBe(form);
		expect(removeParam(form, 0).params.map((p) => p.name)).toEqual(['learningRate']);
	});

	it('renames: a key that takes the same type keeps type, values and range; another type restarts; another name becomes a switch', () => {
		const form = fromStudy(defaultStudy());
		const before = form.params[1]!;
		const renamed = setParamName(form, 1, 'weightDecay');
		expect(renamed.params[1]).toEqual({ ...before, name: 'weightDecay' });
		// optimizer is searched only as categorical: a numeric parameter takes its suggested values.
		expect(setParamName(form, 1, 'optimizer').params[1]).toMatchObject({
			name: 'optimizer',
			type: 'categorical'
		});
		const switched = setParamName(form, 1, 'useWarmup');
		expect(switched.params[1]).toMatchObject({
			name: 'useWarmup',
			type: 'bool',
			min: before.min,
			max: before.max
		});
	});

	it('offers the types the validator accepts for each name', () => {
		expect(typesFor('learningRate')).toEqual(['float', 'int', 'discrete']);
		expect(typesFor('hiddenWidth')).toEqual(['int', 'discrete']);
		expect(typesFor('optimizer')).toEqual(['categorical']);
		expect(typesFor('useDecay')).toEqual(['categorical', 'bool']);
	});

	it('turns the objective goal with its metric', () => {
		const form = fromStudy(defaultStudy());
		expect(setObjectiveMetric(form, 'valAccuracy').objective).toEqual({
			metric: 'valAccuracy',
			goal: 'maximize'
		});
		expect(setObjectiveMetric(form, 'trainLoss').objective).toEqual({
			metric: 'trainLoss',
			goal: 'minimize'
		});
	});

	it('adds a condition on the first categorical or bool parameter, and removes it', () => {
		let form = fromStudy(defaultStudy());
		form = setParamName(addParam(form), 2, 'useDecay');
		form = addParam(form, 'weightDecay');
		form = addCondition(form, 3);
		expect(form.params[3]!.when).toEqual([{ uid: expect.any(Number), parent: 'useDecay', values: 'true' }]);
		const study = validStudy(form);
		expect(study.params[3]).toMatchObject({ name: 'weightDecay', when: { useDecay: [true] } });
		expect(removeCondition(form, 3, 0).params[3]!.when).toEqual([]);
	});
});

describe('a model switch', () => {
	/** The default study: an MLP with depth fixed and hiddenWidth and learningRate searched. */
	function mlpForm(): DraftForm {
		const form = fromStudy(defaultStudy());
		expect(form.fixed.map((r) => r.key)).toContain('depth');
		expect(form.params.map((p) => p.name)).toEqual(['hiddenWidth', 'learningRate']);
		return form;
	}

	it('lists the keys the new model does not read, with their counterparts', () => {
		const form = mlpForm();
		expect(strayModelKeys(form, 'mlp')).toEqual([]);
		expect(strayModelKeys(form, 'cnn')).toEqual([
			{ where: 'fixed', key: 'depth', counterpart: 'cnnDepth' },
			{ where: 'param', key: 'hiddenWidth', counterpart: 'cnnWidth' }
		]);
	});

	it('fixes them into their counterparts, or drops them', () => {
		const form = mlpForm();
		const fixed = fixModelKeys(form, 'transformer');
		expect(fixed.fixed.find((r) => r.key === 'nLayer')).toMatchObject({ key: 'nLayer', value: 2 });
		expect(fixed.fixed.some((r) => r.key === 'depth')).toBe(false);
		expect(fixed.params.find((p) => p.name === 'dModel')).toBeDefined();
		expect(strayModelKeys(fixed, 'transformer')).toEqual([]);
		const dropped = dropModelKeys(form, 'cnn');
		expect(dropped.fixed.some((r) => r.key === 'depth')).toBe(false);
		expect(dropped.params.some((p) => p.name === 'hiddenWidth')).toBe(false);
		expect(dropped.params.map((p) => p.name)).toEqual(['learningRate']);
	});
});

describe('the JSON view', () => {
	it('shows typed text until the form changes, then the form again', () => {
		const override = { text: '{ broken', basis: 'FORM A', errors: [{ path: '$', message: 'bad' }] };
		expect(shownText('FORM A', override)).toBe('{ broken');
		expect(shownTextErrors('FORM A', override)).toEqual(override.errors);
		expect(shownText('FORM B', override)).toBe('FORM B');
		expect(shownTextErrors('FORM B', override)).toEqual([]);
		expect(shownText('FORM A', null)).toBe('FORM A');
	});
});

describe('errors by field', () => {
	it('matches a path and what lies inside it, not its namesakes', () => {
		expect(pathWithin('$.params[1].max', '$.params[1]')).toBe(true);
		expect(pathWithin('$.params[1]', '$.params[1]')).toBe(true);
		expect(pathWithin('$.params[12].max', '$.params[1]')).toBe(false);
		expect(pathWithin('$.budgetary', '$.budget')).toBe(false);
		const errors = [
			{ path: '$.budget.evalEvery', message: 'a' },
			{ path: '$.search', message: 'b' }
		];
		expect(errorsWithin(errors, '$.budget')).toEqual([errors[0]]);
	});
});

describe('previewTrials', () => {
	it('plans the whole study when it is small', () => {
		const preview = previewTrials(defaultStudy());
		expect(preview).toMatchObject({ ok: true, total: 6, capped: false });
		expect(preview.ok && preview.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('plans again only when something the plan reads changes', () => {
		const study = defaultStudy();
		expect(planKey({ ...study, name: 'other', goal: 'other', notes: 'other' })).toBe(planKey(study));
		expect(planKey({ ...study, search: { ...study.search, seed: 2 } })).not.toBe(planKey(study));
		expect(planKey({ ...study, fixed: { ...study.fixed, depth: 2 } })).not.toBe(planKey(study));
	});

	it('stops at the cap and says so', () => {
		const study = { ...defaultStudy(), search: { algorithm: 'random' as const, trials: 1200, seed: 3 } };
		const preview = previewTrials(study, 500);
		expect(preview).toMatchObject({ ok: true, total: 1200, capped: true });
		expect(preview.ok && preview.trials).toHaveLength(500);
	});
});
