import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '../src/lib/study/study-file';
import { planTrials } from '../src/lib/study/study-trials';
import type { Study, TrialRecord } from '../src/lib/study/study';
import {
	canonicalJson,
	countStatuses,
	describeStatuses,
	differingKeys,
	mergeStudies,
	missingTrialIndices,
	studyDefinition
} from './study-merge';

const definition = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Widths',
	goal: 'Does width matter?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 20, evalEvery: 10, checkpointEvery: 10, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'sgd', learningRate: 0.1 },
	search: { algorithm: 'quasi-random', trials: 4, seed: 3 },
	params: [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [16, 32] }]
};

function parse(value: unknown): Study {
	const result = parseStudyFile(JSON.stringify(value));
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.study;
}

const base = parse(definition);
const planned = planTrials(base);

/** The recorded result of planned trial `index`, as a run would write it. */
function trial(
	index: number,
	status: TrialRecord['status'] = 'completed',
	loss = 2 - index / 10
): TrialRecord {
	const plan = planned[index]!;
	return {
		index,
		params: plan.params,
		config: plan.config,
		seed: plan.config.seed ?? 0,
		status,
		backend: 'wasm',
		metrics: {
			train: { step: [0, 1], loss: [loss, loss / 2], lr: [0.1, 0.1], gradNorm: [1, 0.5], clipped: [0, 0] },
			evals: [{ step: 2, valLoss: loss / 2, valAccuracy: 0.5 }]
		},
		best: { step: 2, value: loss / 2 }
	};
}

function withTrials(study: Study, trials: TrialRecord[]): Study {
	return { ...study, trials };
}

describe('canonicalJson', () => {
	it('ignores key order and spelling of numbers, but not array order', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 0.001 } })).toBe(
			canonicalJson({ a: { c: 1e-3, d: [1, 2] }, b: 1 })
		);
		expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
		expect(canonicalJson({ a: [1, 2] })).toBe('{"a":[1,2]}');
	});

	it('writes what a study file would: no undefined keys, non-finite numbers as null', () => {
		expect(canonicalJson({ a: undefined, b: NaN, c: [Infinity, undefined] })).toBe(
			'{"b":null,"c":[null,null]}'
		);
		expect(canonicalJson({ loss: [NaN] })).toBe(canonicalJson(JSON.parse('{"loss":[null]}')));
	});
});

describe('differingKeys', () => {
	it('names the differing keys, down through objects but not into lists', () => {
		const a = studyDefinition(base);
		expect(differingKeys(a, a)).toEqual([]);
		const b = studyDefinition(
			parse({ ...definition, name: 'Other', search: { ...definition.search, seed: 4 } })
		);
		expect(differingKeys(a, b)).toEqual(['name', 'search.seed']);
		const c = studyDefinition(
			parse({
				...definition,
				params: [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [16, 64] }]
			})
		);
		expect(differingKeys(a, c)).toEqual(['params']);
		expect(differingKeys({ list: [1] }, { list: [1, 2] })).toEqual(['list']);
		expect(differingKeys({ a: 1 }, { a: 1, notes: 'x' })).toEqual(['notes']);
	});
});

describe('mergeStudies', () => {
	it('unions the trials of shards and sorts them by index', () => {
		const even = withTrials(base, [trial(2), trial(0, 'infeasible')]);
		const odd = withTrials(base, [trial(3, 'failed'), trial(1)]);
		const merged = mergeStudies([
			{ label: 'even.json', study: even },
			{ label: 'odd.json', study: odd }
		]);
		expect(merged.ok).toBe(true);
		if (!merged.ok) return;
		expect(merged.study.trials.map((t) => [t.index, t.status])).toEqual([
			[0, 'infeasible'],
			[1, 'completed'],
			[2, 'completed'],
			[3, 'failed']
		]);
		expect(studyDefinition(merged.study)).toEqual(studyDefinition(base));
		// The merged study is a valid study file, the same whichever order the shards come in.
		const text = serializeStudy(merged.study);
		expect(parseStudyFile(text).ok).toBe(true);
		const reversed = mergeStudies([
			{ label: 'odd.json', study: odd },
			{ label: 'even.json', study: even }
		]);
		expect(reversed.ok && serializeStudy(reversed.study)).toBe(text);
	});

	it('accepts the same trial in two files when the records are identical', () => {
		const a = withTrials(base, [trial(0), trial(1)]);
		const b = parse(JSON.parse(serializeStudy(withTrials(base, [trial(1), trial(2)]))));
		const merged = mergeStudies([
			{ label: 'a.json', study: a },
			{ label: 'b.json', study: b }
		]);
		expect(merged.ok && merged.study.trials.map((t) => t.index)).toEqual([0, 1, 2]);
	});

	it('treats NaN metrics read back from null as equal', () => {
		const diverged = { ...trial(1, 'infeasible', NaN), reason: 'the loss is not finite' };
		const roundTripped = parse(JSON.parse(serializeStudy(withTrials(base, [diverged]))));
		expect(roundTripped.trials[0]!.metrics!.train.loss[0]).toBeNaN();
		const merged = mergeStudies([
			{ label: 'a.json', study: withTrials(base, [diverged]) },
			{ label: 'b.json', study: roundTripped }
		]);
		expect(merged.ok).toBe(true);
	});

	it('refuses one trial index with two different records, naming the files and keys', () => {
		const merged = mergeStudies([
			{ label: 'a.json', study: withTrials(base, [trial(0), trial(1)]) },
			{ label: 'b.json', study: withTrials(base, [trial(1, 'failed')]) },
			{ label: 'c.json', study: withTrials(base, [trial(1, 'completed', 7), trial(0)]) }
		]);
		expect(merged).toEqual({
			ok: false,
			errors: [
				'trial 1: a.json and b.json hold different records for it (they differ in status)',
				'trial 1: a.json and c.json hold different records for it (they differ in metrics.train.loss, ' +
					'metrics.evals, best.value)'
			]
		});
	});

	it('names each file that describes another study, and the keys that differ', () => {
		const other = parse({ ...definition, fixed: { optimizer: 'sgd', learningRate: 0.2 } });
		const renamed = parse({ ...definition, name: 'Widths again', notes: 'rerun' });
		const merged = mergeStudies([
			{ label: 'a.json', study: withTrials(base, [trial(0)]) },
			{ label: 'b.json', study: withTrials(other, [trial(1)]) },
			{ label: 'c.json', study: base },
			{ label: 'd.json', study: renamed }
		]);
		expect(merged).toEqual({
			ok: false,
			errors: [
				'b.json: not the same study as a.json; they differ in fixed.learningRate (only trials may differ)',
				'd.json: not the same study as a.json; they differ in name, notes (only trials may differ)'
			]
		});
	});

	it('keeps key order and number spelling from mattering when comparing definitions', () => {
		const reordered = JSON.parse(
			JSON.stringify({ ...definition, fixed: { learningRate: 1e-1, optimizer: 'sgd' } }).replace(
				'"trials":4',
				'"trials":4.0'
			)
		);
		const merged = mergeStudies([
			{ label: 'a.json', study: base },
			{ label: 'b.json', study: parse(reordered) }
		]);
		expect(merged.ok).toBe(true);
	});

	it('returns a single file unchanged, and refuses an empty list', () => {
		const one = withTrials(base, [trial(1)]);
		expect(mergeStudies([{ label: 'a.json', study: one }])).toEqual({ ok: true, study: one });
		expect(mergeStudies([])).toEqual({ ok: false, errors: ['nothing to merge: no study files given'] });
	});
});

describe('missingTrialIndices and status counts', () => {
	it('lists the planned trials that have no record', () => {
		expect(missingTrialIndices(base)).toEqual([0, 1, 2, 3]);
		expect(missingTrialIndices(withTrials(base, [trial(0), trial(2)]))).toEqual([1, 3]);
		expect(missingTrialIndices(withTrials(base, [trial(3), trial(1), trial(0), trial(2)]))).toEqual([]);
	});

	it('counts outcomes first and leaves out statuses no trial has', () => {
		const trials = [trial(0, 'failed'), trial(1), trial(2, 'infeasible'), trial(3)];
		expect([...countStatuses(trials)]).toEqual([
			['completed', 2],
			['infeasible', 1],
			['failed', 1]
		]);
		expect(describeStatuses(trials)).toBe('4 trials: 2 completed, 1 infeasible, 1 failed');
		expect(describeStatuses([trial(0)])).toBe('1 trial: 1 completed');
		expect(describeStatuses([])).toBe('0 trials');
	});
});
