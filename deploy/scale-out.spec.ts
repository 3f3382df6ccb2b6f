// Checks of the scale-out files that need no browser: the Kubernetes and Slurm examples agree on the
// shard count and pass the scheduler's index variable, and run-shard.sh refuses what it cannot run.
// The real sharded run + merge is tests/scale-out.spec.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The value of `key: value` (first match, quotes removed) in a YAML text. */
function yamlValue(text: string, key: string): string | undefined {
	const match = text.match(new RegExp(`^\\s*${key}:\\s*['"]?([^'"#\\s]+)`, 'm'));
	return match?.[1];
}

describe('kubernetes/indexed-job.yaml', () => {
	const yaml = read('./kubernetes/indexed-job.yaml');

	it('is an Indexed Job whose completions, parallelism and TUNING_LAB_SHARDS agree', () => {
		expect(yamlValue(yaml, 'kind')).toBe('Job');
		expect(yamlValue(yaml, 'completionMode')).toBe('Indexed');
		const completions = yamlValue(yaml, 'completions');
		expect(Number(completions)).toBeGreaterThan(1);
		expect(yamlValue(yaml, 'parallelism')).toBe(completions);
		const shards = yaml.match(/name: TUNING_LAB_SHARDS\s+value:\s*'?(\d+)'?/)?.[1];
		expect(shards).toBe(completions);
		// The merge line in the comment names the same N.
		expect(yaml).toContain(`shard-*-of-${completions}.json`);
	});

	it('runs run-shard.sh with one GPU per pod', () => {
		expect(yaml).toMatch(/command: \['\/app\/deploy\/run-shard\.sh'/);
		expect(yamlValue(yaml, 'nvidia.com/gpu')).toBe('1');
		expect(yamlValue(yaml, 'restartPolicy')).toBe('Never');
	});
});

describe('slurm/array.sbatch', () => {
	const sbatch = read('./slurm/array.sbatch');

	it('has an array 0..N-1 with N = TUNING_LAB_SHARDS and one GPU per task', () => {
		const [, first, last] = sbatch.match(/^#SBATCH --array=(\d+)-(\d+)\s*$/m) ?? [];
		expect(first).toBe('0');
		const shards = sbatch.match(/^export TUNING_LAB_SHARDS=(\d+)\s*$/m)?.[1];
		expect(Number(last) + 1).toBe(Number(shards));
		expect(sbatch).toMatch(/^#SBATCH --gres=gpu:1\s*$/m);
		expect(sbatch).toContain('deploy/run-shard.sh');
		expect(sbatch).toContain(`shard-*-of-${shards}.json`);
	});
});

describe('run-shard.sh', () => {
	/** Runs the script with only the given scheduler variables (none inherited from this shell). */
	function runShard(
		env: Record<string, string>,
		args = ['tests/fixtures/cli-run-digits.study.json', '/tmp/x']
	) {
		const clean = Object.fromEntries(
			Object.entries(process.env).filter(
				([k]) => !/^(JOB_COMPLETION_INDEX|SLURM_ARRAY_TASK_(ID|COUNT)|TUNING_LAB_)/.test(k)
			)
		);
		// TUNING_LAB_CLI=echo prints the command it would run instead of starting a browser.
		return spawnSync('sh', ['deploy/run-shard.sh', ...args], {
			env: { ...clean, TUNING_LAB_CLI: 'echo', ...env },
			encoding: 'utf8'
		});
	}

	it('maps the Kubernetes index to --shard I/N and names the output after it', () => {
		const run = runShard({ JOB_COMPLETION_INDEX: '2', TUNING_LAB_SHARDS: '4' });
		expect(run.status).toBe(0);
		expect(run.stdout.trim().split('\n').at(-1)).toBe(
			'run tests/fixtures/cli-run-digits.study.json --out /tmp/x/shard-2-of-4.json --backend webgpu --shard 2/4'
		);
	});

	it('maps the Slurm task id and task count, and passes extra options on', () => {
		const run = runShard(
			{ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3', TUNING_LAB_BACKEND: 'wasm' },
			['tests/fixtures/cli-run-digits.study.json', '/tmp/x', '--concurrency', '1']
		);
		expect(run.status).toBe(0);
		expect(run.stdout).toContain('--backend wasm --shard 0/3 --concurrency 1');
	});

	it('fails clearly when no index, no count, a bad index or two different indices are given', () => {
		const none = runShard({ TUNING_LAB_SHARDS: '2' });
		expect(none.status).toBe(2);
		expect(none.stderr).toMatch(/no shard index: set JOB_COMPLETION_INDEX .* or SLURM_ARRAY_TASK_ID/);
		const noCount = runShard({ JOB_COMPLETION_INDEX: '0' });
		expect(noCount.status).toBe(2);
		expect(noCount.stderr).toContain('no shard count');
		const tooBig = runShard({ JOB_COMPLETION_INDEX: '2', TUNING_LAB_SHARDS: '2' });
		expect(tooBig.status).toBe(2);
		expect(tooBig.stderr).toContain('shard index 2 is not below the shard count 2');
		const both = runShard({ JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '1', TUNING_LAB_SHARDS: '2' });
		expect(both.status).toBe(2);
		expect(both.stderr).toContain('disagree');
		const notANumber = runShard({ JOB_COMPLETION_INDEX: 'x', TUNING_LAB_SHARDS: '2' });
		expect(notANumber.status).toBe(2);
		expect(notANumber.stderr).toContain('whole number');
	});
});
