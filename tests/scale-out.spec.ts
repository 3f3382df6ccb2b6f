// Scale-out (issue 10, item 4), run for real on this machine: deploy/run-shard.sh started the way a
// Kubernetes Indexed Job (JOB_COMPLETION_INDEX) and a Slurm job array (SLURM_ARRAY_TASK_ID) start it,
// one shard each, then `tuning-lab merge`; the merged study must hold the unsharded run's trials with the
// same parameters and the same metrics (wasm is deterministic). The GPU part (webgpu on each node) cannot
// run here; the shards use wasm.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { studyDefinition } from '../cli/study-merge';
import { readStudy, repoRoot, results, tuningLab, type Finished } from './cli-process';

const FIXTURE = 'tests/fixtures/cli-run-digits.study.json';
const folder = mkdtempSync(join(tmpdir(), 'tuning-lab-scale-out-'));
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs deploy/run-shard.sh with the given scheduler variables and no inherited ones. */
function runShard(env: Record<string, string>, outDir: string): Promise<Finished> {
	const clean = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) =>
				!/^(JOB_COMPLETION_INDEX|SLURM_ARRAY_TASK_(ID|COUNT)|TUNING_LAB_SHARDS|TUNING_LAB_CLI)$/.test(k)
		)
	);
	const child = spawn('sh', ['deploy/run-shard.sh', FIXTURE, outDir], {
		cwd: repoRoot,
		env: { ...clean, TUNING_LAB_BACKEND: 'wasm', ...env }
	});
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
	return new Promise((resolve) =>
		child.once('close', (status, signal) => resolve({ status, signal, ...output }))
	);
}

test('shards started as an Indexed Job and as a Slurm array merge into the unsharded study', async () => {
	test.setTimeout(300_000);
	const fullPath = join(folder, 'full.json');
	const whole = await tuningLab('run', FIXTURE, '--out', fullPath, '--backend', 'wasm');
	expect(whole.status, whole.stderr).toBe(0);

	const results3 = join(folder, 'results');
	// Three shards: two as Kubernetes pods, one as a Slurm task (its N from SLURM_ARRAY_TASK_COUNT).
	const runs = [
		await runShard({ JOB_COMPLETION_INDEX: '0', TUNING_LAB_SHARDS: '3' }, results3),
		await runShard({ JOB_COMPLETION_INDEX: '1', TUNING_LAB_SHARDS: '3' }, results3),
		await runShard({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }, results3)
	];
	for (const [index, run] of runs.entries()) {
		expect(run.status, `shard ${index}: ${run.stdout}\n${run.stderr}`).toBe(0);
		expect(run.stdout).toContain(`run-shard: shard ${index}/3 of ${FIXTURE} on wasm`);
		expect(run.stdout).toContain(`: 2 trials (shard ${index}/3) on wasm\n`);
		expect(readStudy(join(results3, `shard-${index}-of-3.json`)).trials.map((t) => t.index)).toEqual([
			index,
			index + 3
		]);
	}

	const mergedPath = join(folder, 'merged.json');
	const shardFiles = [0, 1, 2].map((i) => join(results3, `shard-${i}-of-3.json`));
	const merge = await tuningLab('merge', ...shardFiles, '--out', mergedPath);
	expect(merge.status, merge.stderr).toBe(0);
	expect(merge.stderr).toBe('');

	const full = readStudy(fullPath);
	const merged = readStudy(mergedPath);
	expect(studyDefinition(merged)).toEqual(studyDefinition(full));
	expect(merged.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
	// Same parameters, status and every logged metric, trial by trial.
	expect(results(merged)).toEqual(results(full));
	expect(merged.trials.every((t) => (t.metrics?.train.loss.length ?? 0) > 0)).toBe(true);
});
