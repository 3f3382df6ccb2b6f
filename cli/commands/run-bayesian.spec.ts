import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, tuningLab } from '../../src/lib/testing/cli-support';

// The real executable against a bayesian study file; the refusal comes before any build or browser.
const folder = fixtureFolder('run-bayesian');

const study = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Exploitation',
	goal: 'Tune the learning rate',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 20, evalEvery: 10, checkpointEvery: 10, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'adam', schedule: 'constant' },
	search: { algorithm: 'bayesian', trials: 8, seed: 1, initialTrials: 3 },
	params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' }]
};

describe('tuning-lab run on a bayesian study', () => {
	it('refuses --shard, saying why', () => {
		const file = folder.write('bayes.json', study);
		const { status, stdout, stderr } = tuningLab(
			'run',
			file,
			'--out',
			join(folder.path, 'out.json'),
			'--shard',
			'0/2'
		);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(/^run: a bayesian study cannot be split into shards: each suggestion depends/);
	});

	it('refuses --shard for a study with successive halving too, saying why', () => {
		const halving = {
			...study,
			search: {
				algorithm: 'quasi-random',
				trials: 8,
				seed: 1,
				halving: { eta: 3, minSteps: 5, cooldownSteps: 2 }
			}
		};
		const file = folder.write('halving.json', halving);
		const { status, stdout, stderr } = tuningLab(
			'run',
			file,
			'--out',
			join(folder.path, 'out.json'),
			'--shard',
			'0/2'
		);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(
			/^run: a study with successive halving cannot be split into shards: each rung compares/
		);
	});

	it('prints only the quasi-random initial design as the trials it can plan ahead', () => {
		const { status, stdout } = tuningLab('sample', folder.write('bayes-sample.json', study));
		expect(status).toBe(0);
		expect((JSON.parse(stdout) as { index: number }[]).map((t) => t.index)).toEqual([0, 1, 2]);
	});
});
