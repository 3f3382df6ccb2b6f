import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, tuningLab } from '../../src/lib/testing/cli-support';
import { parseStudyFile, serializeStudy } from '../../src/lib/study/study-file';
import { planTrials } from '../../src/lib/study/study-trials';
import type { Study, TrialRecord } from '../../src/lib/study/study';

// The real executable, run as a user would, on shard files written to a temporary folder.
const folder = fixtureFolder('merge').path;

const definition = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Widths',
	goal: 'Does width matter?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 2, evalEvery: 2, checkpointEvery: 2, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'sgd', learningRate: 0.1 },
	search: { algorithm: 'quasi-random', trials: 4, seed: 3 },
	params: [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [16, 32] }]
};

function parse(text: string): Study {
	const result = parseStudyFile(text);
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.study;
}

const base = parse(JSON.stringify(definition));

function trial(index: number, status: TrialRecord['status'] = 'completed'): TrialRecord {
	const plan = planTrials(base)[index]!;
	const loss = status === 'infeasible' ? NaN : 2 - index / 10;
	return {
		index,
		params: plan.params,
		config: plan.config,
		seed: plan.config.seed ?? 0,
		status,
		...(status === 'infeasible' ? { reason: 'the training loss is not finite' } : {}),
		backend: 'wasm',
		metrics: {
			train: { step: [0, 1], loss: [loss, loss], lr: [0.1, 0.1], gradNorm: [1, 1], clipped: [0, 0] },
			evals: [{ step: 2, valLoss: loss, valAccuracy: 0.5 }]
		}
	};
}

function studyFile(name: string, trials: TrialRecord[], study: Study = base): string {
	const path = join(folder, name);
	writeFileSync(path, serializeStudy({ ...study, trials }));
	return path;
}

describe('tuning-lab merge', () => {
	it('joins the trials of two shards, sorted by index, into a valid study file', () => {
		const even = studyFile('shard-0.json', [trial(0, 'infeasible'), trial(2)]);
		const odd = studyFile('shard-1.json', [trial(1), trial(3, 'failed')]);
		const out = join(folder, 'nested', 'dir', 'merged.json');
		const { status, stdout, stderr } = tuningLab('merge', odd, even, '--out', out);
		expect(stderr).toBe('');
		expect(status).toBe(0);
		expect(stdout).toBe(`merged 2 files into ${out}: 4 trials: 2 completed, 1 infeasible, 1 failed\n`);
		const text = readFileSync(out, 'utf8');
		expect(text).toBe(
			serializeStudy({ ...base, trials: [trial(0, 'infeasible'), trial(1), trial(2), trial(3, 'failed')] })
		);
		expect(parse(text).trials[0]!.metrics!.train.loss).toEqual([NaN, NaN]);
	});

	it('accepts a trial in two files with the same record, and names the planned trials none holds', () => {
		const a = studyFile('a.json', [trial(0), trial(1)]);
		const b = studyFile('b.json', [trial(1)]);
		const out = join(folder, 'partial.json');
		const { status, stdout, stderr } = tuningLab('merge', a, b, `--out=${out}`);
		expect(status).toBe(0);
		expect(stdout).toBe(`merged 2 files into ${out}: 2 trials: 2 completed\n`);
		expect(stderr).toBe('merge: no file holds planned trials 2, 3\n');
	});

	it('exits with 1 when a file describes another study, naming it and the key', () => {
		const a = studyFile('same-a.json', [trial(0)]);
		const other = parse(JSON.stringify({ ...definition, search: { ...definition.search, seed: 4 } }));
		const b = studyFile('other-b.json', [trial(1)], other);
		const out = join(folder, 'never.json');
		const { status, stdout, stderr } = tuningLab('merge', a, b, '--out', out);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toBe(
			`merge: ${b}: not the same study as ${a}; they differ in search.seed (only trials may differ)\n`
		);
		expect(() => readFileSync(out)).toThrow();
	});

	it('exits with 1 when one trial index holds different records', () => {
		const a = studyFile('conflict-a.json', [trial(0), trial(1)]);
		const b = studyFile('conflict-b.json', [trial(1, 'failed')]);
		const { status, stderr } = tuningLab('merge', a, b, '--out', join(folder, 'never.json'));
		expect(status).toBe(1);
		expect(stderr).toBe(
			`merge: trial 1: ${a} and ${b} hold different records for it (they differ in status)\n`
		);
	});

	it('exits with 1 for an invalid study, prefixing each problem with its file', () => {
		const a = studyFile('valid.json', [trial(0)]);
		const bad = join(folder, 'bad.json');
		writeFileSync(bad, JSON.stringify({ ...definition, budget: { ...definition.budget, evalEvery: 0 } }));
		const { status, stderr } = tuningLab('merge', a, bad, '--out', join(folder, 'never.json'));
		expect(status).toBe(1);
		expect(stderr).toMatch(
			new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\$\\.budget\\.evalEvery: `)
		);
	});

	it('exits with 2 for bad usage and unreadable files', () => {
		const a = studyFile('usage.json', []);
		const noOut = tuningLab('merge', a);
		expect(noOut.status).toBe(2);
		expect(noOut.stderr).toBe('merge: --out OUT is required\nRun "tuning-lab merge --help" for usage.\n');
		const noFiles = tuningLab('merge', '--out', join(folder, 'x.json'));
		expect(noFiles.status).toBe(2);
		expect(noFiles.stderr).toMatch(/^merge: expected at least one study file to merge\n/);
		const missing = tuningLab('merge', a, join(folder, 'absent.json'), '--out', join(folder, 'x.json'));
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/^merge: cannot read ".*absent\.json": no such file\n/);
		const help = tuningLab('merge', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^usage: tuning-lab merge FILE FILE… --out OUT\n/);
	});
});
