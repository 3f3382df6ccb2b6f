import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, CONFIG_VOCABULARY } from './config-vocabulary';
import type { Study } from './study';
import { lineAndColumn, parseStudyFile, scanJson, serializeStudy } from './study-file';
import { STUDY_SCHEMA_PATH, schemaProblems } from './study-json-schema';
import { DATASET_NAMES, MODEL_NAMES } from './trial-config';

const root = new URL('../../../', import.meta.url);
const defaultStudyText = readFileSync(new URL('static/studies/default-digits.study.json', root), 'utf8');
const schema = JSON.parse(readFileSync(new URL(STUDY_SCHEMA_PATH, root), 'utf8')) as Schema;

function errorLines(text: string): string[] {
	const result = parseStudyFile(text);
	return result.ok ? [] : result.errors.map(({ path, message }) => `${path}: ${message}`);
}

const small: Study = {
	name: 'Tiny',
	goal: 'Check the writer',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 10, evalEvery: 5, checkpointEvery: 5, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'sgd' },
	search: { algorithm: 'random', trials: 2, seed: 3 },
	params: [{ role: 'nuisance', name: 'learningRate', scale: 'log', max: 1, min: 0.01, type: 'float' }],
	trials: []
};

describe('parseStudyFile', () => {
	it('reads the bundled default study', () => {
		const result = parseStudyFile(defaultStudyText);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.study.name).toBe('Digits MLP: hidden width');
		expect(result.study.workload).toEqual({ dataset: 'digits', model: 'mlp' });
		expect(result.study.search).toEqual({ algorithm: 'quasi-random', trials: 6, seed: 1 });
		expect(result.study.budget.maxTrainSteps).toBe(300);
		expect(result.study.params.map((param) => [param.name, param.role, param.type])).toEqual([
			['hiddenWidth', 'scientific', 'discrete'],
			['learningRate', 'nuisance', 'float']
		]);
	});

	it('refuses a UTF-16 file read as UTF-8, naming the encoding and the byte order', () => {
		// The bytes an editor writes for "UTF-16" with a byte order mark, decoded the way the page and the
		// CLI read files (UTF-8).
		const le = new Uint8Array([0xff, 0xfe, ...Buffer.from(defaultStudyText, 'utf16le')]);
		const be = Buffer.from(defaultStudyText, 'utf16le').swap16();
		const asUtf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
		const refusal = (encoding: string) => ({
			ok: false,
			errors: [
				{
					path: '$',
					message:
						`the file is in ${encoding}, not UTF-8: save it as UTF-8 (most editors offer the choice ` +
						'in their Save As dialog) and open it again'
				}
			]
		});
		expect(parseStudyFile(asUtf8(le))).toEqual(refusal('UTF-16 (little-endian)'));
		expect(parseStudyFile(asUtf8(new Uint8Array([0xfe, 0xff, ...be])))).toEqual(
			refusal('UTF-16 (big-endian)')
		);
		// UTF-8 text with a few escaped zeros is still read as JSON.
		expect(parseStudyFile(defaultStudyText.replace('"notes"', '"notes\\u0000"')).ok).toBe(false);
		expect(parseStudyFile(defaultStudyText).ok).toBe(true);
	});

	it('reports JSON syntax errors with a line and column, in its own words', () => {
		expect(errorLines('{\n  "a": 1,\n  "b": [1, 2,]\n}')).toEqual([
			'$: invalid JSON at line 3, column 14: a comma before "]" is not allowed in JSON'
		]);
		expect(errorLines('{\n  "a": 1\n  "b": 2\n}')).toEqual([
			'$: invalid JSON at line 3, column 3: expected "," or "}" after a property value, found the start of a string'
		]);
		expect(errorLines("{'a': 1}")).toEqual([
			`$: invalid JSON at line 1, column 2: expected a property name in double quotes, found "'"`
		]);
		expect(errorLines('{"a": "one\ntwo"}')).toEqual([
			'$: invalid JSON at line 1, column 11: the control character U+000A must be escaped inside a string'
		]);
		expect(errorLines('{"a": tru}')).toEqual([
			'$: invalid JSON at line 1, column 7: expected a value, found "t"'
		]);
		expect(errorLines('{"a": 01}')).toEqual(['$: invalid JSON at line 1, column 8: invalid number']);
		expect(errorLines('{"a": "never closed')).toEqual([
			'$: invalid JSON at line 1, column 7: this string is never closed'
		]);
		expect(errorLines('{} {}')).toEqual([
			'$: invalid JSON at line 1, column 4: unexpected text after the end of the JSON value'
		]);
		expect(errorLines('  \n')).toEqual(['$: the file is empty']);
		expect(errorLines('['.repeat(300))).toEqual([
			'$: invalid JSON at line 1, column 258: nested more than 256 levels deep'
		]);
	});

	it('counts columns in characters, not UTF-16 units', () => {
		expect(lineAndColumn('{"é😀": x}', 8)).toEqual({ line: 1, column: 8 });
		expect(errorLines('{"n😀": x}')).toEqual([
			'$: invalid JSON at line 1, column 8: expected a value, found "x"'
		]);
	});

	it('refuses keys written twice in one object', () => {
		const text = defaultStudyText.replace('"seed": 1 }', '"seed": 1, "seed": 2 }');
		expect(errorLines(text)).toEqual([
			'$.search.seed: this key is written twice in one object (again at line 19, column 67); remove one'
		]);
		expect(scanJson('{"a": {"b": 1, "b": 2}, "c": [{"d": 1, "d": 1}]}')).toEqual({
			ok: true,
			duplicates: [
				{ path: '$.a.b', line: 1, column: 16 },
				{ path: '$.c[0].d', line: 1, column: 40 }
			]
		});
	});

	it('ignores a byte order mark and refuses files from a newer version', () => {
		expect(parseStudyFile(`\uFEFF${defaultStudyText}`).ok).toBe(true);
		const newer = defaultStudyText.replace('"version": 1', '"version": 3');
		expect(errorLines(newer)).toEqual([
			'$.version: this file comes from a newer Tuning Lab (study format version 3); this version reads ' +
				'format version 1. Update Tuning Lab to open it'
		]);
	});
});

describe('serializeStudy', () => {
	it('writes tab-indented JSON with the keys in the documented order', () => {
		expect(serializeStudy(small)).toBe(
			[
				'{',
				'\t"format": "tuning-lab.study",',
				'\t"version": 1,',
				'\t"name": "Tiny",',
				'\t"goal": "Check the writer",',
				'\t"workload": {',
				'\t\t"dataset": "digits",',
				'\t\t"model": "mlp"',
				'\t},',
				'\t"budget": {',
				'\t\t"maxTrainSteps": 10,',
				'\t\t"evalEvery": 5,',
				'\t\t"checkpointEvery": 5,',
				'\t\t"keepBestCheckpoints": 1',
				'\t},',
				'\t"objective": {',
				'\t\t"metric": "valLoss",',
				'\t\t"goal": "minimize"',
				'\t},',
				'\t"fixed": {',
				'\t\t"optimizer": "sgd"',
				'\t},',
				'\t"search": {',
				'\t\t"algorithm": "random",',
				'\t\t"trials": 2,',
				'\t\t"seed": 3',
				'\t},',
				'\t"params": [',
				'\t\t{',
				'\t\t\t"name": "learningRate",',
				'\t\t\t"role": "nuisance",',
				'\t\t\t"type": "float",',
				'\t\t\t"min": 0.01,',
				'\t\t\t"max": 1,',
				'\t\t\t"scale": "log"',
				'\t\t}',
				'\t],',
				'\t"trials": []',
				'}',
				''
			].join('\n')
		);
	});

	it('reads back what it writes, non-finite metrics included', () => {
		const ran: Study = {
			...small,
			notes: 'one diverged step',
			trials: [
				{
					index: 0,
					params: { learningRate: 0.5 },
					config: {
						dataset: 'digits',
						model: 'mlp',
						hiddenWidth: 64,
						depth: 1,
						batchSize: 64,
						maxTrainSteps: 10,
						evalEvery: 5,
						seed: 9,
						backend: 'cpu',
						optimizer: 'sgd',
						learningRate: 0.5,
						schedule: 'constant'
					},
					seed: 9,
					status: 'failed',
					reason: 'loss is not finite',
					metrics: {
						train: { step: [0], loss: [Number.NaN], lr: [0.5], gradNorm: [Infinity], clipped: [0] },
						evals: []
					}
				}
			]
		};
		const text = serializeStudy(ran);
		expect(text).toContain('"loss": [\n\t\t\t\t\t\tnull\n');
		const result = parseStudyFile(text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.study.notes).toBe('one diverged step');
		expect(result.study.trials[0]?.metrics?.train.loss).toEqual([Number.NaN]);
		expect(result.study.trials[0]?.metrics?.train.gradNorm).toEqual([Number.NaN]);
		expect(result.study.trials[0]?.reason).toBe('loss is not finite');
	});
});

// ---------------------------------------------------------------------------------------------
// docs/study.schema.json, checked with ajv (study-json-schema.ts).

interface Schema {
	[keyword: string]: unknown;
}

describe('docs/study.schema.json', () => {
	it('is a draft 2020-12 schema whose fixed section lists exactly the vocabulary', () => {
		expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
		const fixed = (schema.$defs as Record<string, Schema>).fixed as Schema;
		expect(Object.keys(fixed.properties as Schema)).toEqual([...CONFIG_KEYS]);
		expect(fixed.additionalProperties).toBe(false);
	});

	it('bounds each fixed key as the vocabulary does', () => {
		const fixed = ((schema.$defs as Record<string, Schema>).fixed as Schema).properties as Record<
			string,
			Schema
		>;
		for (const spec of CONFIG_VOCABULARY) {
			const { description, ...shape } = fixed[spec.key] as Schema;
			expect(description, spec.key).toBe(spec.description);
			const rule = spec.rule;
			if (rule.kind === 'choice') {
				expect(shape, spec.key).toEqual({ enum: [...rule.values], type: 'string' });
				continue;
			}
			const expected: Schema = { type: rule.kind === 'integer' ? 'integer' : 'number' };
			const exclusive = (which: 'min' | 'max') =>
				rule.kind === 'number' && (which === 'min' ? rule.minExclusive : rule.maxExclusive) === true;
			if (rule.min !== undefined) expected[exclusive('min') ? 'exclusiveMinimum' : 'minimum'] = rule.min;
			if (rule.max !== undefined) expected[exclusive('max') ? 'exclusiveMaximum' : 'maximum'] = rule.max;
			expect(shape, spec.key).toEqual(expected);
		}
	});

	it('names every dataset and model, and the form of a user dataset id', () => {
		const defs = schema.$defs as Record<string, Schema>;
		const properties = (defs.workload as Schema).properties as Record<string, Schema>;
		expect(properties.model?.enum).toEqual([...MODEL_NAMES]);
		expect(properties.dataset).toEqual({ $ref: '#/$defs/dataset' });
		expect(((defs.dataset as Schema).anyOf as Schema[])[0]?.enum).toEqual([...DATASET_NAMES]);
		const withDataset = (dataset: string) => {
			const file = JSON.parse(defaultStudyText) as { workload: Record<string, unknown> };
			file.workload.dataset = dataset;
			return schemaProblems(file);
		};
		expect(withDataset(`csv:${'0a'.repeat(32)}`)).toEqual([]);
		expect(withDataset('moby-dick')).toEqual([]);
		expect(withDataset(`csv:${'0A'.repeat(32)}`)).toEqual(['$.workload.dataset: anyOf']);
		expect(withDataset(`pdf:${'0a'.repeat(32)}`)).toEqual(['$.workload.dataset: anyOf']);
	});

	it('rejects keys and values outside the format', () => {
		const file = JSON.parse(defaultStudyText) as {
			fixed: Record<string, unknown>;
			search: Record<string, unknown>;
			params: Record<string, unknown>[];
			extra?: unknown;
		};
		file.extra = {};
		file.fixed.learningrate = 0.1;
		file.fixed.beta1 = 1;
		(file.params[0] ?? {}).scale = 'log';
		file.search.algorithm = 'evolutionary';
		expect(schemaProblems(file).sort()).toEqual([
			'$.extra: additionalProperties',
			'$.fixed.beta1: exclusiveMaximum',
			'$.fixed.learningrate: additionalProperties',
			'$.params[0]: oneOf',
			'$.search.algorithm: enum'
		]);
	});
});

describe('the tuning log in study files', () => {
	const logged = (): Study => ({
		...small,
		conclusion: 'Nothing beat the baseline.',
		changedBaseline: false,
		trials: [
			{
				index: 0,
				params: { learningRate: 0.1 },
				config: {
					dataset: 'digits',
					model: 'mlp',
					hiddenWidth: 64,
					depth: 1,
					batchSize: 64,
					maxTrainSteps: 10,
					evalEvery: 5,
					seed: 7,
					backend: 'cpu',
					optimizer: 'sgd',
					learningRate: 0.1,
					schedule: 'constant'
				},
				seed: 7,
				status: 'completed',
				notes: 'Slow start.',
				throughput: { stepsPerSecond: 88.5, measuredSteps: 40, warmupSteps: 20, includesEvaluation: true }
			}
		]
	});

	it('writes notes, throughput, conclusion and changedBaseline, and reads them back', () => {
		const text = serializeStudy(logged());
		const parsed = parseStudyFile(text);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.study.conclusion).toBe('Nothing beat the baseline.');
		expect(parsed.study.changedBaseline).toBe(false);
		expect(parsed.study.trials[0]?.notes).toBe('Slow start.');
		expect(parsed.study.trials[0]?.throughput).toEqual({
			stepsPerSecond: 88.5,
			measuredSteps: 40,
			warmupSteps: 20,
			includesEvaluation: true
		});
		expect(serializeStudy(parsed.study)).toBe(text);
		// The conclusion sits beside the name and notes at the top of the file.
		expect(Object.keys(JSON.parse(text) as object).slice(0, 6)).toEqual([
			'format',
			'version',
			'name',
			'goal',
			'conclusion',
			'changedBaseline'
		]);
	});

	it('is described by docs/study.schema.json, which refuses wrong types of the new keys', () => {
		const file = JSON.parse(serializeStudy(logged())) as Record<string, unknown> & {
			trials: Record<string, unknown>[];
		};
		expect(schemaProblems(file)).toEqual([]);
		file.changedBaseline = 'no';
		file.trials[0]!.notes = 3;
		file.trials[0]!.throughput = {
			stepsPerSecond: 0,
			measuredSteps: 40,
			warmupSteps: 20,
			includesEvaluation: 1
		};
		expect(schemaProblems(file)).toEqual([
			'$.changedBaseline: type',
			'$.trials[0].notes: type',
			'$.trials[0].throughput.stepsPerSecond: exclusiveMinimum',
			'$.trials[0].throughput.includesEvaluation: type'
		]);
	});

	it("writes each trial's runs (slot, start, end) and reads them back; the schema and the parser refuse bad ones", () => {
		const runs = [
			{ slot: 1, startedAt: 1_767_600_000_000, endedAt: 1_767_600_018_000 },
			{ slot: 0, startedAt: 1_767_600_030_000 }
		];
		const text = serializeStudy({ ...logged(), trials: [{ ...logged().trials[0]!, runs }] });
		const parsed = parseStudyFile(text);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.study.trials[0]?.runs).toEqual(runs);
		expect(serializeStudy(parsed.study)).toBe(text);
		const file = JSON.parse(text) as { trials: Record<string, unknown>[] };
		expect(schemaProblems(file)).toEqual([]);
		file.trials[0]!.runs = [{ slot: -1, startedAt: 1.5 }];
		expect(schemaProblems(file)).toEqual([
			'$.trials[0].runs[0].slot: minimum',
			'$.trials[0].runs[0].startedAt: type'
		]);
		const refused = parseStudyFile(JSON.stringify(file));
		expect(refused.ok).toBe(false);
		if (refused.ok) return;
		expect(refused.errors.map((e) => e.path)).toEqual([
			'$.trials[0].runs[0].slot',
			'$.trials[0].runs[0].startedAt'
		]);
	});

	it('refuses numbers that overflow to infinity in recorded metrics', () => {
		const text = serializeStudy({
			...logged(),
			trials: [
				{
					...logged().trials[0]!,
					metrics: {
						train: { step: [0], loss: [1], lr: [0.1], gradNorm: [1], clipped: [0] },
						evals: [{ step: 0, valLoss: 2, valAccuracy: 0.1 }]
					}
				}
			]
		}).replace('"loss": [\n\t\t\t\t\t\t1\n', '"loss": [\n\t\t\t\t\t\t1e999\n');
		expect(errorLines(text)).toEqual([
			'$.trials[0].metrics.train.loss[0]: a number too large for a double (it reads as infinity); write null instead'
		]);
	});
});
