import { describe, expect, it } from 'vitest';
import { fixtureFolder, tuningLab } from '../../src/lib/testing/cli-support';

// The real executable, run as a user would, against fixture files in a temporary folder.
const folder = fixtureFolder('sample');
const fixture = folder.write;

const sweep = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Learning rate sweep',
	goal: 'How fast can the training set be fit?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 100, evalEvery: 10, checkpointEvery: 20, keepBestCheckpoints: 1 },
	objective: { metric: 'trainLoss', goal: 'minimize' },
	fixed: { optimizer: 'adam', schedule: 'constant' },
	search: { algorithm: 'grid', trials: 6, seed: 1 },
	params: [
		{ name: 'depth', role: 'scientific', type: 'discrete', values: [1, 2] },
		{ name: 'learningRate', role: 'nuisance', type: 'discrete', values: [0.001, 0.01, 0.1] }
	]
};

describe('tuning-lab sample', () => {
	it('prints a grid study as JSON, one trial per line', () => {
		const { status, stdout, stderr } = tuningLab('sample', fixture('sweep.json', sweep));
		expect(stderr).toBe('');
		expect(status).toBe(0);
		expect(stdout).toBe(
			[
				'[',
				'\t{"index":0,"params":{"depth":1,"learningRate":0.001}},',
				'\t{"index":1,"params":{"depth":1,"learningRate":0.01}},',
				'\t{"index":2,"params":{"depth":1,"learningRate":0.1}},',
				'\t{"index":3,"params":{"depth":2,"learningRate":0.001}},',
				'\t{"index":4,"params":{"depth":2,"learningRate":0.01}},',
				'\t{"index":5,"params":{"depth":2,"learningRate":0.1}}',
				']',
				''
			].join('\n')
		);
	});

	it('samples the default study: balanced widths, learning rates inside the range', () => {
		const { status, stdout } = tuningLab('sample', 'static/studies/default-digits.study.json');
		expect(status).toBe(0);
		const trials = JSON.parse(stdout) as {
			index: number;
			params: { hiddenWidth: number; learningRate: number };
		}[];
		expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5]);
		const perWidth = new Map<number, number>();
		for (const { params } of trials) {
			expect(Object.keys(params)).toEqual(['hiddenWidth', 'learningRate']);
			expect(params.learningRate).toBeGreaterThanOrEqual(1e-4);
			expect(params.learningRate).toBeLessThanOrEqual(0.1);
			perWidth.set(params.hiddenWidth, (perWidth.get(params.hiddenWidth) ?? 0) + 1);
		}
		expect(Object.fromEntries(perWidth)).toEqual({ 32: 2, 64: 2, 128: 2 });
		// Same file, same trials.
		expect(tuningLab('sample', 'static/studies/default-digits.study.json').stdout).toBe(stdout);
	});

	it('reports validation errors like validate, and bad usage with 2', () => {
		const invalid = tuningLab('sample', fixture('invalid.json', { ...sweep, version: 2 }));
		expect(invalid.status).toBe(1);
		expect(invalid.stdout).toBe('');
		expect(invalid.stderr).toBe(
			'$.version: this file comes from a newer Tuning Lab (study format version 2); this version reads ' +
				'format version 1. Update Tuning Lab to open it\n'
		);
		const usage = tuningLab('sample', 'a.json', 'b.json');
		expect(usage.status).toBe(2);
		expect(usage.stderr).toBe(
			'sample: expected exactly one study file, got 2 arguments\nRun "tuning-lab sample --help" for usage.\n'
		);
	});
});
