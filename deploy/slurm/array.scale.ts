// `npm run test:scale` (scripts/test-scale.mjs): deploy/slurm/array.sbatch under a real Slurm, on a
// one-node cluster started on this machine (local-cluster.ts). The file is submitted as written, with
// only the settings it documents as overridable changed: no GPU gres, the wasm backend, 2 shards, logs
// in a temporary folder and `--progress-every 1` for `tuning-lab run`. Slurm runs the array; task 1 is
// cancelled part-way, after it saved a checkpoint (scancel, as a dying node would stop it) and requeued
// (scontrol requeue); the merge is then submitted as a dependent job exactly as the file's comment
// says. The merged study must equal an unsharded run of the same study trial by trial: parameters,
// statuses and every logged metric (wasm is deterministic, and a resumed trial repeats an uninterrupted
// one on wasm), and the requeued task must have resumed from its own profile's checkpoints.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { studyDefinition } from '../../cli/study-merge';
import { readStudy, repoRoot, results, tuningLab } from '../../tests/cli-process';
import { startLocalCluster, until, type LocalCluster } from './local-cluster';

const SHARDS = 2;
/** Trials of the study; each shard trains two, side by side (wasm: one trial per core). */
const TRIALS = 4;
/** Steps per trial: long enough (seconds, on wasm) that a task can be caught between checkpoints. */
const STEPS = 500;
/**
 * CPUs the node offers. The file asks for 4 per task (--cpus-per-task=4, left as written), so 8
 * lets both tasks of the array run at once, as on two nodes.
 */
const NODE_CPUS = 8;

// Made in beforeAll, not at load: Playwright also loads this file in its main process to list tests.
let folder = '';
let cluster: LocalCluster | undefined;

test.beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'tuning-lab-scale-'));
	cluster = await startLocalCluster(NODE_CPUS);
});
test.afterAll(async () => {
	await cluster?.stop();
	if (folder !== '') rmSync(folder, { recursive: true, force: true });
});

function writeStudy(): string {
	const study = JSON.parse(readFileSync(join(repoRoot, 'tests/fixtures/cli-run-digits.study.json'), 'utf8'));
	study.name = 'Slurm array: digits';
	study.notes = 'Written by deploy/slurm/array.scale.ts.';
	study.budget = { maxTrainSteps: STEPS, evalEvery: 50, checkpointEvery: 50, keepBestCheckpoints: 1 };
	study.search.trials = TRIALS;
	study.params = [
		{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64] },
		{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [0.01, 0.03] }
	];
	const path = join(folder, 'study.json');
	writeFileSync(path, JSON.stringify(study, null, '\t'));
	return path;
}

/** `scontrol show job ID` as key → value (the first of each key). */
function jobFields(c: LocalCluster, id: string): Record<string, string> {
	const text = c.command('scontrol', 'show', 'job', '--oneliner', id);
	const fields: Record<string, string> = {};
	for (const [, key, value] of text.matchAll(/(\w+)=(\S*)/g)) fields[key!] ??= value!;
	return fields;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

test('the array runs the shards, a cancelled and requeued task resumes, and the merge equals the unsharded run', async () => {
	test.setTimeout(480_000);
	const c = cluster!;
	const study = writeStudy();

	// The reference: the whole study in one run (this also builds the app once, before any task starts,
	// as the file asks: parallel tasks must not build into the same folder).
	const fullPath = join(folder, 'full.json');
	const whole = await tuningLab('run', study, '--out', fullPath, '--backend', 'wasm');
	expect(whole.status, whole.stderr).toBe(0);

	const resultsDir = join(folder, 'results');
	const env = Object.fromEntries(
		Object.entries(c.env).filter(([k]) => !/^(JOB_COMPLETION_INDEX|SLURM_ARRAY_|TUNING_LAB_CLI)/.test(k))
	);
	// From the repository root: the file runs from the folder it was submitted from.
	const submit = spawnSync(
		'sbatch',
		[
			'--parsable',
			'--gres=none',
			`--array=0-${SHARDS - 1}`,
			`--output=${folder}/tuning-lab-%A-%a.log`,
			'deploy/slurm/array.sbatch',
			study,
			resultsDir,
			'--progress-every',
			'1'
		],
		{
			cwd: repoRoot,
			env: { ...env, TUNING_LAB_SHARDS: String(SHARDS), TUNING_LAB_BACKEND: 'wasm' },
			encoding: 'utf8'
		}
	);
	expect(submit.status, submit.stderr).toBe(0);
	const jobId = submit.stdout.trim().split(';')[0]!;
	const taskLog = (task: number) => join(folder, `tuning-lab-${jobId}-${task}.log`);
	const shardFile = (task: number) => join(resultsDir, `shard-${task}-of-${SHARDS}.json`);
	const diagnosis = () => `task logs:\n${[0, 1].map((t) => read(taskLog(t))).join('\n----\n')}\n${c.logs()}`;

	// Kill task 1 part-way: once it reports a stored checkpoint above step 0, before it finishes.
	const savedAbove0 = /step \d+\/\d+ \(saved ([1-9]\d*)\)/;
	await until(
		() => savedAbove0.test(read(taskLog(1))),
		180_000,
		() => `task 1 saved no checkpoint\n${diagnosis()}`
	);
	c.command('scancel', `${jobId}_1`);
	await until(
		() => jobFields(c, `${jobId}_1`).JobState === 'CANCELLED',
		30_000,
		() => `task 1 was not cancelled\n${diagnosis()}`
	);
	expect(existsSync(shardFile(1)), 'task 1 was cancelled part-way, before writing its shard').toBe(false);
	const firstRun = read(taskLog(1));
	// slurmd refuses to launch a job whose credential was created no later than the job's revocation
	// (the cancel), and both times have one-second resolution: a requeue started at once, within the
	// cancel's second, is killed with "Job credential revoked" and the merge's dependency can never be
	// met (seen once in CI). Slurm's own requeue hold avoids it by waiting; so does this pause.
	await new Promise((resolve) => setTimeout(resolve, 2_000));
	// Slurm holds a requeued job for about two minutes (its begin time) before it may start again; an
	// administrator may move that to now, as here, so the test does not wait.
	c.command('scontrol', 'requeue', `${jobId}_1`);
	c.command('scontrol', 'update', `JobId=${jobId}_1`, 'StartTime=now');

	// The merge, exactly as the file's comment has it, for this job id, shard count and folders.
	const sbatchText = readFileSync(join(repoRoot, 'deploy/slurm/array.sbatch'), 'utf8');
	const [, dependency, wrap] = sbatchText.match(/^#\s+sbatch --dependency=(\S+) --wrap '(.+)'$/m) ?? [];
	expect(dependency).toBe('afterok:JOBID_0:JOBID_1:JOBID_2:JOBID_3');
	expect(wrap).toBe('npx tuning-lab merge results/shard-*-of-4.json --out merged.json');
	const mergedPath = join(folder, 'merged.json');
	const ourDependency = `afterok:${Array.from({ length: SHARDS }, (_, i) => `${jobId}_${i}`).join(':')}`;
	const ourWrap = wrap!
		.replace('results/', `${resultsDir}/`)
		.replace('-of-4.json', `-of-${SHARDS}.json`)
		.replace('merged.json', mergedPath);
	const merge = spawnSync(
		'sbatch',
		['--parsable', `--dependency=${ourDependency}`, `--output=${folder}/merge-%j.log`, '--wrap', ourWrap],
		{ cwd: repoRoot, env, encoding: 'utf8' }
	);
	expect(merge.status, merge.stderr).toBe(0);
	const mergeId = merge.stdout.trim().split(';')[0]!;
	// The dependency really waits: the requeued task has not finished yet.
	expect(jobFields(c, mergeId).JobState).toBe('PENDING');

	await until(
		() => {
			const { JobState, Reason } = jobFields(c, mergeId);
			if (Reason === 'DependencyNeverSatisfied') throw new Error(`the merge will never run\n${diagnosis()}`);
			return JobState !== 'PENDING' && JobState !== 'RUNNING';
		},
		300_000,
		() => `the merge job did not end\n${diagnosis()}`
	);
	const mergeLog = read(join(folder, `merge-${mergeId}.log`));
	expect(jobFields(c, mergeId).JobState, `${mergeLog}\n${diagnosis()}`).toBe('COMPLETED');
	for (const task of [0, 1]) expect(jobFields(c, `${jobId}_${task}`).JobState).toBe('COMPLETED');
	expect(jobFields(c, `${jobId}_1`).Restarts).toBe('1');

	// Task 1 started over from its own profile: the run was found there and its trials continued from
	// stored checkpoints (above step 0), not from scratch. Its log holds both runs (--open-mode=append).
	const log1 = read(taskLog(1));
	expect(log1.startsWith(firstRun), 'the requeued run appended to the first run’s log').toBe(true);
	const secondRun = log1.slice(firstRun.length);
	expect(secondRun).toContain(`profile ${resultsDir}/.profiles/shard-1-of-${SHARDS}`);
	expect(secondRun).toMatch(/\[run\] resuming the unfinished run of this study found in .*shard-1-of-2/);
	const continued = [
		...secondRun.matchAll(/\[run\] trial (\d+) continues from its checkpoint at step (\d+)/g)
	];
	expect(continued.length, secondRun).toBeGreaterThan(0);
	for (const [, index, step] of continued) {
		expect(Number(index) % SHARDS).toBe(1);
		expect(Number(step)).toBeGreaterThan(0);
	}
	expect(read(taskLog(0))).not.toContain('continues from its checkpoint');

	const full = readStudy(fullPath);
	const merged = readStudy(mergedPath);
	expect(studyDefinition(merged)).toEqual(studyDefinition(full));
	expect(merged.trials.map((t) => t.index)).toEqual([0, 1, 2, 3]);
	// Same parameters, status and every logged metric (the curves), trial by trial.
	expect(results(merged)).toEqual(results(full));
	expect(merged.trials.every((t) => (t.metrics?.train.loss.length ?? 0) === STEPS)).toBe(true);
});
