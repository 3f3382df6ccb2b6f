import { describe, expect, it } from 'vitest';
import { tuningLab } from '../../src/lib/testing/cli-support';

// These tests run the real executable, as a user would, so they also cover the tsx registration and
// the dispatcher in cli/tuning-lab.mjs.

function csvRows(stdout: string): string[] {
	return stdout.trimEnd().split('\n');
}

describe('tuning-lab schedule', () => {
	it('prints a warmed-up wsd schedule with a 1-sqrt cooldown as CSV', () => {
		const config = {
			schedule: 'wsd',
			learningRate: 0.01,
			warmupSteps: 2,
			cooldownSteps: 4,
			cooldownShape: '1-sqrt'
		};
		const { status, stdout, stderr } = tuningLab('schedule', JSON.stringify(config), '--steps', '10');
		expect(stderr).toBe('');
		expect(status).toBe(0);
		// Steps 0-1 ramp up, 2-5 hold, 6-9 cool down: progress 0, 1/4, 1/2, 3/4 gives 1 - sqrt(progress).
		expect(csvRows(stdout)).toEqual([
			'step,lr',
			'0,0',
			'1,0.005',
			'2,0.01',
			'3,0.01',
			'4,0.01',
			'5,0.01',
			'6,0.01',
			'7,0.005',
			'8,0.0029289321881345244',
			'9,0.0013397459621556141'
		]);
	});

	it('decays a cosine schedule over exactly --steps steps', () => {
		const { status, stdout } = tuningLab('schedule', '{"schedule":"cosine","learningRate":0.1}', '--steps=6');
		expect(status).toBe(0);
		const expected = [
			0.1, 0.09330127018922195, 0.07500000000000001, 0.05, 0.025000000000000012, 0.006698729810778065
		];
		const rows = csvRows(stdout);
		expect(rows[0]).toBe('step,lr');
		expect(rows.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([0, 1, 2, 3, 4, 5]);
		rows.slice(1).forEach((row, i) => expect(Number(row.split(',')[1])).toBeCloseTo(expected[i] ?? NaN, 15));
	});

	it('exits with 2 and names the key for an invalid configuration', () => {
		const { status, stdout, stderr } = tuningLab(
			'schedule',
			'{"schedule":"wsd","learningRate":0.1,"cooldownShape":"cubic","warmup":3}',
			'--steps',
			'10'
		);
		expect(status).toBe(2);
		expect(stdout).toBe('');
		expect(stderr.split('\n').slice(0, 3)).toEqual([
			'schedule.warmup: unknown key; valid keys are schedule, learningRate, warmupSteps, cooldownSteps, ' +
				'cooldownFraction, cooldownShape, finalLrFraction, rsqrtTimescale',
			'schedule.cooldownShape: expected one of linear, 1-sqrt, cosine, square, got "cubic"',
			'Run "tuning-lab schedule --help" for usage.'
		]);
	});

	it('exits with 2 for invalid JSON and for a missing or bad --steps', () => {
		const badJson = tuningLab('schedule', '{schedule: cosine}', '--steps', '5');
		expect(badJson.status).toBe(2);
		expect(badJson.stderr).toMatch(/^schedule: invalid JSON: /);

		const missing = tuningLab('schedule', '{"schedule":"constant","learningRate":1}');
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/^--steps: required, expected a positive integer\n/);

		const fractional = tuningLab('schedule', '{"schedule":"constant","learningRate":1}', '--steps', '2.5');
		expect(fractional.status).toBe(2);
		expect(fractional.stderr).toMatch(/^--steps: expected a positive integer, got "2.5"\n/);
	});
});

describe('tuning-lab dispatcher', () => {
	it('lists the commands for --help', () => {
		const { status, stdout } = tuningLab('--help');
		expect(status).toBe(0);
		expect(stdout).toMatch(/^usage: tuning-lab <command> \[arguments\]\n/);
		expect(stdout).toMatch(/\n {2}schedule +print the learning rate/);
	});

	it('exits with 2 for an unknown command', () => {
		const { status, stderr } = tuningLab('frobnicate');
		expect(status).toBe(2);
		expect(stderr).toBe(
			'tuning-lab: unknown command "frobnicate"; commands: schedule, validate, sample, run, merge, analyze, scaling-law\n'
		);
	});
});
