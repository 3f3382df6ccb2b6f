import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { studyDefinition } from '../cli/study-merge';
import { readStudy, results, start, tuningLab } from './cli-process';

// `tuning-lab run` end to end: the real command builds (if needed) and serves the app, drives it in its
// own headless Chromium, and writes the export. These tests use no browser of Playwright's own, so only
// the command's browser runs at a time.

const FIXTURE = 'tests/fixtures/cli-run-digits.study.json';
const folder = mkdtempSync(join(tmpdir(), 'tuning-lab-cli-run-'));
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Processes whose command line mentions `text` (read from /proc, Linux only). */
function processesMentioning(text: string): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
			if (command.includes(text)) found.push(`${pid}: ${command.slice(0, 200)}`);
		} catch {
			// The process ended while the list was read.
		}
	}
	return found;
}

test('run trains a study in headless Chromium; its shards merge into the same results', async () => {
	test.setTimeout(240_000);
	const fixture = readStudy(FIXTURE);
	const fullPath = join(folder, 'full.json');

	const full = await test.step('the whole study on wasm', async () => {
		const run = await tuningLab('run', FIXTURE, '--out', fullPath, '--backend', 'wasm');
		expect(run.status, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
		expect(run.stdout).toContain('[run] CLI run: digits, SGD learning rates: 6 trials on wasm\n');
		expect(run.stdout).toMatch(/^\[run\] trial 1 infeasible · .*learningRate=50: .*diverged/m);
		expect(run.stdout).toMatch(/^\[run\] trial 0 completed · best valLoss \d/m);
		expect(run.stdout).toContain(`[run] wrote ${fullPath}: 6 trials: 4 completed, 2 infeasible\n`);
		const study = readStudy(fullPath);
		expect(studyDefinition(study)).toEqual(studyDefinition(fixture));
		expect(study.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
		for (const trial of study.trials) {
			const diverging = trial.params.learningRate === 50;
			expect(trial.status, `trial ${trial.index}`).toBe(diverging ? 'infeasible' : 'completed');
			expect(trial.backend).toBe('wasm');
			expect(trial.metrics?.train.loss.length).toBeGreaterThan(0);
			if (!diverging) expect(trial.metrics?.evals.map((e) => e.step)).toEqual([0, 30, 60]);
		}
		expect(study.trials.filter((t) => t.status === 'infeasible')).toHaveLength(2);
		return study;
	});

	await test.step('two shards and a merge give the same trials', async () => {
		const shardPaths = [join(folder, 'shard-0.json'), join(folder, 'shard-1.json')];
		for (const [index, path] of shardPaths.entries()) {
			const run = await tuningLab(
				'run',
				FIXTURE,
				'--out',
				path,
				'--backend',
				'wasm',
				'--shard',
				`${index}/2`
			);
			expect(run.status, `shard ${index}: stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
			expect(run.stdout).toContain(`: 3 trials (shard ${index}/2) on wasm\n`);
			expect(readStudy(path).trials.map((t) => t.index)).toEqual(index === 0 ? [0, 2, 4] : [1, 3, 5]);
		}
		const mergedPath = join(folder, 'merged.json');
		const merge = await tuningLab('merge', ...shardPaths, '--out', mergedPath);
		expect(merge.stderr).toBe('');
		expect(merge.status).toBe(0);
		expect(merge.stdout).toBe(`merged 2 files into ${mergedPath}: 6 trials: 4 completed, 2 infeasible\n`);
		const merged = readStudy(mergedPath);
		expect(studyDefinition(merged)).toEqual(studyDefinition(full));
		// wasm is deterministic, so each trial repeats exactly, whichever run it was part of.
		expect(results(merged)).toEqual(results(full));
	});
});

test('run stops on Ctrl-C and leaves no browser behind', async () => {
	test.setTimeout(120_000);
	const profile = join(folder, 'kept-profile');
	const out = join(folder, 'interrupted.json');
	const run = start('run', FIXTURE, '--out', out, '--backend', 'wasm', '--profile', profile);
	try {
		await expect.poll(() => run.output.stdout, { timeout: 90_000 }).toContain('[run] CLI run: digits');
		expect(processesMentioning(profile).length).toBeGreaterThan(0);
		run.child.kill('SIGINT');
		const finished = await run.exited;
		expect(finished.status, finished.stderr).toBe(130);
		expect(finished.stderr).toContain('[run] SIGINT: stopping; closing the browser and the server\n');
		expect(processesMentioning(profile)).toEqual([]);
		expect(existsSync(out)).toBe(false);
		// The profile asked for is kept, with the app's storage in it.
		expect(readdirSync(profile).length).toBeGreaterThan(0);
	} finally {
		if (run.child.exitCode === null) run.child.kill('SIGKILL');
	}
});

test('run refuses an invalid study or bad arguments before starting a browser', async () => {
	const usage = await tuningLab('run', FIXTURE, '--out', join(folder, 'x.json'), '--shard', '1/1');
	expect(usage.status).toBe(2);
	expect(usage.stderr).toBe(
		'run: --shard: I must be smaller than N (shards are numbered 0 to 0); got "1/1"\nRun "tuning-lab run --help" for usage.\n'
	);
	const bad = join(folder, 'bad.json');
	const study = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { fixed: Record<string, unknown> };
	study.fixed.beta1 = 0.9;
	writeFileSync(bad, JSON.stringify(study));
	const refused = await tuningLab('run', bad, '--out', join(folder, 'x.json'));
	expect(refused.status).toBe(1);
	expect(refused.stderr).toMatch(/^\$\.fixed\.beta1: beta1 does not apply to sgd/);
	expect(refused.stdout).toBe('');
	expect(existsSync(join(folder, 'x.json'))).toBe(false);
});
