// Checks of the scale-out files that need no browser: the Kubernetes and Slurm examples agree on the
// shard count and pass the scheduler's index variable, and run-shard.sh refuses what it cannot run.
// The real sharded run + merge is tests/scale-out.spec.ts; under a real Slurm, slurm/array.scale.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

/** Minimal shapes of the Job's parts this test reads (the YAML is parsed, then looked into). */
interface EnvVar {
	name: string;
	value?: string;
	valueFrom?: unknown;
}
interface Container {
	command?: string[];
	env?: EnvVar[];
	resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
	volumeMounts?: { name: string; mountPath: string }[];
}
interface Job {
	apiVersion: string;
	kind: string;
	spec: {
		completionMode?: string;
		completions?: number;
		parallelism?: number;
		template: {
			spec: {
				restartPolicy?: string;
				containers: Container[];
				volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: unknown }[];
			};
		};
	};
}

describe('kubernetes/indexed-job.yaml, parsed as YAML', () => {
	const job = parse(read('./kubernetes/indexed-job.yaml')) as Job;
	const pod = job.spec.template.spec;
	const [shard] = pod.containers;

	it('is one batch/v1 Job in Indexed completion mode, one pod per shard, all at once', () => {
		expect(job.apiVersion).toBe('batch/v1');
		expect(job.kind).toBe('Job');
		// Indexed: Kubernetes gives each pod its own JOB_COMPLETION_INDEX 0…completions-1.
		expect(job.spec.completionMode).toBe('Indexed');
		expect(pod.containers).toHaveLength(1);
		const shards = Number(shard!.env?.find((e) => e.name === 'TUNING_LAB_SHARDS')?.value);
		expect(shards).toBeGreaterThan(1);
		expect(job.spec.completions).toBe(shards);
		expect(job.spec.parallelism).toBe(shards);
	});

	it('runs run-shard.sh, which reads the index from JOB_COMPLETION_INDEX (not set over by the manifest)', () => {
		expect(shard!.command?.[0]).toBe('/app/deploy/run-shard.sh');
		// The index must come from Kubernetes itself: an env entry of that name would override it.
		expect(shard!.env?.some((e) => e.name === 'JOB_COMPLETION_INDEX')).toBe(false);
		expect(read('./run-shard.sh')).toContain('k8s_index=${JOB_COMPLETION_INDEX:-}');
		expect(pod.restartPolicy).toBe('Never');
	});

	it('writes results to a volume that outlives the pods: a PersistentVolumeClaim mounted at the output folder', () => {
		const outDir = shard!.command?.[2];
		const mount = shard!.volumeMounts?.find((m) => m.mountPath === outDir);
		expect(mount, `a volume mounted at ${outDir}`).toBeDefined();
		const volume = pod.volumes?.find((v) => v.name === mount!.name);
		expect(volume?.persistentVolumeClaim?.claimName).toBeTruthy();
		expect(volume?.emptyDir).toBeUndefined();
	});

	it('asks for one GPU per pod, with the graphics capability Chromium needs for Vulkan', () => {
		expect(String(shard!.resources?.limits?.['nvidia.com/gpu'])).toBe('1');
		const capabilities = shard!.env?.find((e) => e.name === 'NVIDIA_DRIVER_CAPABILITIES')?.value ?? '';
		expect(capabilities.split(',')).toContain('graphics');
		expect(shard!.env?.find((e) => e.name === 'TUNING_LAB_BACKEND')?.value).toBe('webgpu');
	});
});

describe('slurm/array.sbatch', () => {
	const sbatch = read('./slurm/array.sbatch');

	it('has an array 0..N-1 with N = TUNING_LAB_SHARDS and one GPU per task', () => {
		const [, first, last] = sbatch.match(/^#SBATCH --array=(\d+)-(\d+)\s*$/m) ?? [];
		expect(first).toBe('0');
		const shards = sbatch.match(/^export TUNING_LAB_SHARDS=\$\{TUNING_LAB_SHARDS:-(\d+)\}\s*$/m)?.[1];
		expect(Number(last) + 1).toBe(Number(shards));
		expect(sbatch).toMatch(/^#SBATCH --gres=gpu:1\s*$/m);
		expect(sbatch).toContain('deploy/run-shard.sh');
		expect(sbatch).toContain(`shard-*-of-${shards}.json`);
		// The merge waits for every task by name (JOBID_0 … JOBID_{N-1}).
		const tasks = Array.from({ length: Number(shards) }, (_, i) => `JOBID_${i}`).join(':');
		expect(sbatch).toContain(`--dependency=afterok:${tasks} `);
	});

	it("documents what can be overridden, and keeps a requeued task's log", () => {
		for (const setting of ['--gres=none', 'TUNING_LAB_SHARDS=N', 'TUNING_LAB_BACKEND=', '--output=']) {
			expect(sbatch).toContain(setting);
		}
		expect(sbatch).toMatch(/^#SBATCH --open-mode=append\s*$/m);
		expect(sbatch).toMatch(/^exec deploy\/run-shard\.sh .* "\$\{@:3\}"$/m);
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
			'run tests/fixtures/cli-run-digits.study.json --out /tmp/x/shard-2-of-4.json --backend webgpu --shard 2/4 ' +
				'--profile /tmp/x/.profiles/shard-2-of-4'
		);
	});

	it('maps the Slurm task id and task count, and passes extra options on', () => {
		const run = runShard(
			{ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3', TUNING_LAB_BACKEND: 'wasm' },
			['tests/fixtures/cli-run-digits.study.json', '/tmp/x', '--concurrency', '1']
		);
		expect(run.status).toBe(0);
		expect(run.stdout).toContain(
			'--backend wasm --shard 0/3 --profile /tmp/x/.profiles/shard-0-of-3 --concurrency 1'
		);
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

	it("keeps each shard's profile beside its results, and clears a lock a dead node left there", () => {
		const out = mkdtempSync(join(tmpdir(), 'run-shard-'));
		try {
			const profile = join(out, '.profiles', 'shard-1-of-2');
			mkdirSync(profile, { recursive: true });
			// Chromium's lock is a link to "HOST-PID"; this one names a machine that is not this one.
			symlinkSync('node-that-died-4242', join(profile, 'SingletonLock'));
			const run = runShard({ SLURM_ARRAY_TASK_ID: '1', TUNING_LAB_SHARDS: '2' }, [
				'tests/fixtures/cli-run-digits.study.json',
				out
			]);
			expect(run.status, run.stderr).toBe(0);
			expect(run.stdout).toContain('removing the Chromium lock node-that-died-4242');
			expect(existsSync(join(profile, 'SingletonLock'))).toBe(false);
			expect(run.stdout).toContain(`--profile ${profile}`);

			// A lock of this machine is left to tuning-lab run, which checks whether its browser still runs.
			const host = spawnSync('hostname', { encoding: 'utf8' }).stdout.trim();
			symlinkSync(`${host}-4242`, join(profile, 'SingletonLock'));
			const again = runShard({ SLURM_ARRAY_TASK_ID: '1', TUNING_LAB_SHARDS: '2' }, [
				'tests/fixtures/cli-run-digits.study.json',
				out
			]);
			expect(again.status).toBe(0);
			expect(again.stdout).not.toContain('removing');
			expect(readlinkSync(join(profile, 'SingletonLock'))).toBe(`${host}-4242`);
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});
});
