import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_STUDY_CITATION,
	DEFAULT_STUDY_WORKLOADS,
	defaultStudyFileName,
	defaultStudyFor,
	defaultStudyTitle
} from './default-studies';
import type { Study, Workload } from './study';
import { parseStudyFile, serializeStudy } from './study-file';
import { planTrials } from './study-trials';

const folder = new URL('../../../static/studies/', import.meta.url);
/** Run with UPDATE_DEFAULT_STUDIES=1 to rewrite the files from the code (then run prettier on them). */
const update = process.env.UPDATE_DEFAULT_STUDIES === '1';
const HASH = '0123456789abcdef'.repeat(4);

function fileErrors(study: Study): string[] {
	const result = parseStudyFile(serializeStudy(study));
	return result.ok ? [] : result.errors.map(({ path, message }) => `${path}: ${message}`);
}

describe('default studies', () => {
	it('train on the engine and backend auto chooses (issue 19: measured, not fixed)', () => {
		for (const workload of DEFAULT_STUDY_WORKLOADS) {
			for (const trial of planTrials(defaultStudyFor(workload))) {
				expect([trial.config.engine, trial.config.backend]).toEqual(['auto', 'auto']);
			}
		}
	});
	it('exist for every bundled dataset/model pair', () => {
		expect(DEFAULT_STUDY_WORKLOADS.map((w) => `${w.dataset}/${w.model}`)).toEqual([
			'digits/mlp',
			'digits/cnn',
			'fashion-mnist/mlp',
			'fashion-mnist/cnn',
			'moby-dick/transformer',
			'breast-cancer/mlp',
			'iris/mlp',
			'wine/mlp'
		]);
		expect(defaultStudyTitle({ dataset: 'fashion-mnist', model: 'cnn' })).toBe('Fashion-MNIST · CNN');
		expect(defaultStudyFileName({ dataset: 'moby-dick', model: 'transformer' })).toBe(
			'default-moby-dick-transformer.study.json'
		);
	});

	const userWorkloads: Workload[] = [
		{ dataset: `csv:${HASH}`, model: 'mlp' },
		{ dataset: `text:${HASH}`, model: 'transformer' },
		{ dataset: `idx:${HASH}`, model: 'mlp' },
		{ dataset: `idx:${HASH}`, model: 'cnn' }
	];

	it('are valid, short, quasi-random explorations of nuisance parameters with Adam', () => {
		for (const workload of [...DEFAULT_STUDY_WORKLOADS, ...userWorkloads]) {
			const label = `${workload.dataset}/${workload.model}`;
			const study = defaultStudyFor(workload);
			expect(fileErrors(study), label).toEqual([]);
			expect(study.workload, label).toEqual(workload);
			expect(study.search.algorithm, label).toBe('quasi-random');
			expect(study.search.trials, label).toBeGreaterThanOrEqual(8);
			expect(study.search.trials, label).toBeLessThanOrEqual(16);
			expect(study.budget.maxTrainSteps, label).toBeLessThanOrEqual(600);
			expect(study.budget.evalEvery, label).toBe(Math.round(study.budget.maxTrainSteps / 12));
			expect(study.fixed.optimizer, label).toBe('adam');
			expect(
				study.params.every((param) => param.role === 'nuisance'),
				label
			).toBe(true);
			expect(study.params[0], label).toMatchObject({ name: 'learningRate', type: 'float', scale: 'log' });
			expect(study.params.length, label).toBeGreaterThanOrEqual(2);
			expect(study.notes, label).toContain(DEFAULT_STUDY_CITATION);
			expect(study.goal.length, label).toBeGreaterThan(20);
		}
	});

	it('size each model for a CPU or wasm backend', () => {
		const transformer = defaultStudyFor({ dataset: 'moby-dick', model: 'transformer' });
		expect(transformer.fixed).toMatchObject({
			dModel: 64,
			nLayer: 2,
			nHead: 4,
			contextLength: 64,
			batchSize: 32
		});
		expect(transformer.budget.maxTrainSteps).toBeGreaterThanOrEqual(300);
		const cnn = defaultStudyFor({ dataset: 'fashion-mnist', model: 'cnn' });
		expect(cnn.fixed).toMatchObject({ cnnWidth: 16, cnnDepth: 2 });
		expect(cnn.budget.maxTrainSteps).toBe(300);
		const table = defaultStudyFor({ dataset: 'iris', model: 'mlp' });
		expect(table.budget.maxTrainSteps).toBe(200);
		expect(table.fixed).toMatchObject({ hiddenWidth: 64, depth: 1 });
	});

	it('plan trials whose configurations carry only their own model keys', () => {
		const [transformerTrial] = planTrials(defaultStudyFor({ dataset: 'moby-dick', model: 'transformer' }), {
			count: 1
		});
		expect(transformerTrial?.config).toMatchObject({ model: 'transformer', dModel: 64, nHead: 4 });
		expect(transformerTrial?.config.dropout).toBeGreaterThanOrEqual(0);
		const [mlpTrial] = planTrials(defaultStudyFor({ dataset: 'wine', model: 'mlp' }), { count: 1 });
		expect(mlpTrial?.config.hiddenWidth).toBe(64);
		expect('cnnWidth' in (mlpTrial?.config ?? {})).toBe(false);
		expect('dModel' in (mlpTrial?.config ?? {})).toBe(false);
	});

	it('refuse a pair that does not exist', () => {
		expect(() => defaultStudyFor({ dataset: 'iris', model: 'transformer' })).toThrow(RangeError);
		expect(() => defaultStudyFor({ dataset: `text:${HASH}`, model: 'cnn' })).toThrow(RangeError);
		expect(() => defaultStudyFileName({ dataset: `csv:${HASH}`, model: 'mlp' })).toThrow(RangeError);
	});
});

describe('static/studies', () => {
	it('hold each default study exactly as the code builds it', () => {
		for (const workload of DEFAULT_STUDY_WORKLOADS) {
			const name = defaultStudyFileName(workload);
			const generated = serializeStudy(defaultStudyFor(workload));
			if (update) writeFileSync(new URL(name, folder), generated);
			const text = readFileSync(new URL(name, folder), 'utf8');
			// Compared as data, so prettier may lay the file out as it likes.
			expect(JSON.parse(text), `${name} is stale: run UPDATE_DEFAULT_STUDIES=1 on this spec`).toEqual(
				JSON.parse(generated)
			);
			const parsed = parseStudyFile(text);
			expect(parsed.ok, name).toBe(true);
		}
	});

	it('hold no default study file that the code does not build, besides the first-run study', () => {
		const expected = new Set([
			'default-digits.study.json',
			...DEFAULT_STUDY_WORKLOADS.map((workload) => defaultStudyFileName(workload))
		]);
		const present = readdirSync(folder).filter((name) => name.startsWith('default-'));
		expect(present.sort()).toEqual([...expected].sort());
	});
});
