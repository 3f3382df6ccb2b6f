import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, tuningLab } from '../../src/lib/testing/cli-support';

// The real executable, run as a user would, against fixture files in a temporary folder.
const folder = fixtureFolder('validate');
const fixture = folder.write;

const study = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Optimizers on digits',
	goal: 'Which optimizer is better here?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 100, evalEvery: 10, checkpointEvery: 20, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { schedule: 'cosine' },
	search: { algorithm: 'random', trials: 4, seed: 2 },
	params: [
		{ name: 'optimizer', role: 'scientific', type: 'categorical', values: ['sgd', 'adam'] },
		{
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 0.1,
			max: 1,
			scale: 'log',
			when: { optimizer: ['sgd'] }
		},
		{
			name: 'learningRate',
			role: 'nuisance',
			type: 'float',
			min: 1e-4,
			max: 1e-2,
			scale: 'log',
			when: { optimizer: ['adam'] }
		}
	]
};

describe('tuning-lab validate', () => {
	it('prints the name and size of a valid study', () => {
		const { status, stdout, stderr } = tuningLab('validate', fixture('good.json', study));
		expect(stderr).toBe('');
		expect(status).toBe(0);
		expect(stdout).toBe('ok: Optimizers on digits (4 trials, 2 searched parameters)\n');
	});

	it('accepts the schedule-free optimizers with their β, and names the keys each one takes', () => {
		const scheduleFree = {
			...study,
			name: 'Schedule-free on digits',
			fixed: { schedule: 'constant', warmupSteps: 10, beta1: 0.95, momentum: 0.8 },
			params: [
				{
					name: 'optimizer',
					role: 'scientific',
					type: 'categorical',
					values: ['schedule-free-adamw', 'schedule-free-sgd']
				},
				{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-3, max: 1e-1, scale: 'log' }
			]
		};
		const bad = tuningLab('validate', fixture('schedule-free-bad.json', scheduleFree));
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain(
			'beta1 does not apply to schedule-free-sgd (in trials where optimizer is schedule-free-sgd), which takes momentum'
		);
		expect(bad.stderr).toContain(
			'momentum does not apply to schedule-free-adamw (in trials where optimizer is schedule-free-adamw), which takes beta1, beta2 and epsilon'
		);
		const good = tuningLab(
			'validate',
			fixture('schedule-free.json', { ...scheduleFree, fixed: { schedule: 'constant', warmupSteps: 10 } })
		);
		expect(good.stderr).toBe('');
		expect(good.stdout).toBe('ok: Schedule-free on digits (4 trials, 2 searched parameters)\n');
	});

	it('accepts the bundled default study', () => {
		const { status, stdout } = tuningLab('validate', 'static/studies/default-digits.study.json');
		expect(status).toBe(0);
		expect(stdout).toBe('ok: Digits MLP: hidden width (6 trials, 2 searched parameters)\n');
	});

	it('exits with 1 and lists every problem as PATH: message', () => {
		const bad = {
			...study,
			fixed: { schedule: 'cosine', rho: 0.9 },
			params: [
				...study.params,
				{ name: 'maxTrainSteps', role: 'nuisance', type: 'int', min: 10, max: 90, scale: 'log' }
			]
		};
		const { status, stdout, stderr } = tuningLab('validate', fixture('bad.json', bad));
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toBe(
			'$.params[3].name: maxTrainSteps cannot be searched: set it once in budget.maxTrainSteps, because one ' +
				'length holds for every trial; refine it later from the steps where the best checkpoints land ' +
				'(playbook, "Deciding how long to train")\n'
		);
		const second = tuningLab(
			'validate',
			fixture('rho.json', { ...study, fixed: { schedule: 'cosine', rho: 0.9 } })
		);
		expect(second.status).toBe(1);
		expect(second.stderr).toBe(
			'$.fixed.rho: rho does not apply to sgd (in trials where optimizer is sgd), which takes only learningRate ' +
				'and weightDecay; search it with a when condition on optimizer instead of fixing it\n' +
				'$.fixed.rho: rho does not apply to adam (in trials where optimizer is adam), which takes beta1, beta2 ' +
				'and epsilon; search it with a when condition on optimizer instead of fixing it\n'
		);
	});

	it('exits with 1 for invalid JSON, with its line and column', () => {
		const { status, stderr } = tuningLab(
			'validate',
			fixture('broken.json', '{\n  "format": "tuning-lab.study",\n}\n')
		);
		expect(status).toBe(1);
		expect(stderr).toBe('$: invalid JSON at line 3, column 1: a comma before "}" is not allowed in JSON\n');
	});

	it('refuses a file over the import limit before reading it, as the page does', () => {
		const path = fixture('huge.json', '');
		truncateSync(path, 65 * 1024 * 1024);
		const { status, stdout, stderr } = tuningLab('validate', path);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(
			/^\$: ".*huge\.json" is 65 MiB, over the 64 MiB limit for study files .*nothing was read\n$/
		);
	});

	it('names the encoding of a UTF-16 file', () => {
		const text = JSON.stringify(study);
		const path = fixture('utf16.json', '');
		writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
		const { status, stderr } = tuningLab('validate', path);
		expect(status).toBe(1);
		expect(stderr).toMatch(/^\$: the file is in UTF-16 \(little-endian\), not UTF-8/);
	});

	it('exits with 2 for bad usage and unreadable files', () => {
		const none = tuningLab('validate');
		expect(none.status).toBe(2);
		expect(none.stderr).toBe(
			'validate: expected exactly one study file, got 0 arguments\nRun "tuning-lab validate --help" for usage.\n'
		);
		const missing = tuningLab('validate', join(folder.path, 'absent.json'));
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/^validate: cannot read ".*absent\.json": no such file\n/);
		const help = tuningLab('validate', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^usage: tuning-lab validate FILE\n/);
	});
});
