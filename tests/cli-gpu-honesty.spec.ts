// GPU honesty of `tuning-lab run` (issue 23, item 4), for real: this machine's Chromium has no GPU, so
// its WebGPU adapter is SwiftShader, a software fallback. A run on webgpu must refuse it (directly and
// through deploy/run-shard.sh, whose default backend is webgpu) unless --allow-software-gpu is given;
// then the lines and the exported trials name the adapter. With auto, the run says what it picked and
// why. Like tests/cli-run.spec.ts, only the command's own browser runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readStudy, repoRoot, tuningLab, type Finished } from './cli-process';

const folder = mkdtempSync(join(tmpdir(), 'tuning-lab-gpu-honesty-'));
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Two short MLP trials on digits (30 steps), small enough for the software adapter. */
function writeStudy(): string {
	const study = JSON.parse(readFileSync(join(repoRoot, 'tests/fixtures/cli-run-digits.study.json'), 'utf8'));
	study.name = 'GPU honesty';
	study.notes = 'Written by tests/cli-gpu-honesty.spec.ts.';
	study.budget = { maxTrainSteps: 30, evalEvery: 15, checkpointEvery: 15, keepBestCheckpoints: 1 };
	study.search.trials = 2;
	study.params = [{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [0.01, 0.03] }];
	const path = join(folder, 'study.json');
	writeFileSync(path, JSON.stringify(study, null, '\t'));
	return path;
}

const study = writeStudy();
const show = (run: Finished) => `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

test('run on webgpu refuses the software adapter, naming it and what to check', async () => {
	test.setTimeout(120_000);
	const out = join(folder, 'refused.json');
	const run = await tuningLab('run', study, '--out', out, '--backend', 'webgpu');
	expect(run.status, show(run)).toBe(1);
	expect(run.stderr).toMatch(
		/refusing to train on webgpu: Chromium's WebGPU adapter here is a software fallback: .*swiftshader/i
	);
	expect(run.stderr).toContain('--use-angle=vulkan');
	expect(run.stderr).toContain('vulkaninfo --summary');
	expect(run.stderr).toContain('--allow-software-gpu');
	// Refused before any trial: nothing trained, nothing written.
	expect(run.stdout).not.toContain('trials on');
	expect(existsSync(out)).toBe(false);
});

test('run-shard.sh (default backend webgpu) refuses it too', async () => {
	test.setTimeout(120_000);
	const clean = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !/^(JOB_COMPLETION_INDEX|SLURM_ARRAY_|TUNING_LAB_(SHARDS|BACKEND|CLI))/.test(k)
		)
	);
	const outDir = join(folder, 'shards');
	const child = spawn('sh', ['deploy/run-shard.sh', study, outDir], {
		cwd: repoRoot,
		env: { ...clean, JOB_COMPLETION_INDEX: '0', TUNING_LAB_SHARDS: '2' }
	});
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
	const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
	expect(status, `${output.stdout}\n${output.stderr}`).toBe(1);
	expect(output.stdout).toContain('on webgpu');
	expect(output.stderr).toMatch(/refusing to train on webgpu: .*swiftshader/i);
	expect(existsSync(join(outDir, 'shard-0-of-2.json'))).toBe(false);
});

test('with --allow-software-gpu it trains, and the lines and every exported trial name the adapter', async () => {
	test.setTimeout(240_000);
	const out = join(folder, 'software.json');
	const run = await tuningLab('run', study, '--out', out, '--backend', 'webgpu', '--allow-software-gpu');
	expect(run.status, show(run)).toBe(0);
	expect(run.stdout).toMatch(
		/^\[run\] WebGPU adapter: .*swiftshader.* \(fallback\) \(a software adapter, allowed by --allow-software-gpu\)$/im
	);
	for (const index of [0, 1]) {
		expect(run.stdout).toMatch(
			new RegExp(
				`^\\[run\\] trial ${index} completed · .* · tfjs on webgpu \\(adapter .*swiftshader.* \\(fallback\\)\\)`,
				'im'
			)
		);
	}
	const trials = readStudy(out).trials;
	expect(trials).toHaveLength(2);
	for (const trial of trials) {
		expect(trial.backend).toBe('webgpu');
		expect(trial.adapter?.fallback).toBe(true);
		expect(trial.adapter?.name).toMatch(/swiftshader/i);
	}
});

test('with auto it says which engine and backend it picked for the workload and why', async () => {
	test.setTimeout(240_000);
	const out = join(folder, 'auto.json');
	const run = await tuningLab('run', study, '--out', out, '--backend', 'auto');
	expect(run.status, show(run)).toBe(0);
	// The study fixes the engine (tfjs); auto measures its backends on the workload and says so.
	const line = run.stdout.match(/^\[run\] auto picked tfjs on (\w+) for mlp\/digits\/.*$/m)?.[0];
	expect(line, show(run)).toBeDefined();
	expect(line).toMatch(/: [\d.]+ steps\/s, the fastest measured on this workload \(others: /);
	expect(line).toMatch(/tfjs\/wasm|tfjs\/webgpu/);
	expect(line).toMatch(/WebGPU adapter: .*swiftshader.*, a software adapter$/i);
	// The trials trained on the pair it names.
	const picked = line!.match(/auto picked tfjs on (\w+)/)![1];
	expect(readStudy(out).trials.every((t) => t.backend === picked)).toBe(true);
	expect(run.stdout).toContain(`· tfjs on ${picked}`);
});
