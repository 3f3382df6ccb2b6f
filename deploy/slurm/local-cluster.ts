// A real single-node Slurm cluster on this machine, for `npm run test:scale`: munged, slurmctld and
// slurmd started from a slurm.conf generated in a temporary folder, on loopback, without cgroups
// (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none), and torn down afterwards. Nothing is
// written outside that folder: the daemons get their key, sockets, state, spool, logs and pid files
// there, and the Slurm commands find the cluster through SLURM_CONF.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SlurmConfOptions {
	/** The folder that holds the cluster's state, spool, logs and pid files. */
	dir: string;
	/** The node's name: this machine's host name, which slurmd takes for its own. */
	node: string;
	/** CPUs the node offers to jobs (may exceed the real count: SlurmdParameters=config_overrides). */
	cpus: number;
	/** The path of munged's socket. */
	mungeSocket: string;
	ctldPort: number;
	slurmdPort: number;
}

/**
 * The slurm.conf of a one-node cluster on loopback. Proctrack linuxproc follows a job's processes by
 * their parent ids and task/none binds nothing, so neither needs cgroups (which containers often lack).
 * `config_overrides` lets the node offer more CPUs than it has, so a job script's own
 * `--cpus-per-task` fits unchanged; select/cons_tres with CR_CPU then packs tasks by those CPUs.
 * KillWait is short (seconds) so a cancelled task is gone quickly; JobRequeue lets tasks be requeued.
 */
export function slurmConf(o: SlurmConfOptions): string {
	return [
		'ClusterName=tuninglab',
		`SlurmctldHost=${o.node}(127.0.0.1)`,
		`SlurmctldPort=${o.ctldPort}`,
		`SlurmdPort=${o.slurmdPort}`,
		'SlurmUser=root',
		'SlurmdUser=root',
		'AuthType=auth/munge',
		`AuthInfo=socket=${o.mungeSocket}`,
		'CredType=cred/munge',
		'ProctrackType=proctrack/linuxproc',
		'TaskPlugin=task/none',
		'JobAcctGatherType=jobacct_gather/none',
		'AccountingStorageType=accounting_storage/none',
		'JobCompType=jobcomp/none',
		'MpiDefault=none',
		'SwitchType=switch/none',
		'SchedulerType=sched/builtin',
		'SelectType=select/cons_tres',
		'SelectTypeParameters=CR_CPU',
		'SlurmdParameters=config_overrides',
		'ReturnToService=2',
		'JobRequeue=1',
		'KillWait=5',
		'MinJobAge=600',
		`StateSaveLocation=${join(o.dir, 'state')}`,
		`SlurmdSpoolDir=${join(o.dir, 'spool')}`,
		`SlurmctldPidFile=${join(o.dir, 'slurmctld.pid')}`,
		`SlurmdPidFile=${join(o.dir, 'slurmd.pid')}`,
		`SlurmctldLogFile=${join(o.dir, 'slurmctld.log')}`,
		`SlurmdLogFile=${join(o.dir, 'slurmd.log')}`,
		'SlurmctldDebug=info',
		'SlurmdDebug=info',
		`NodeName=${o.node} NodeAddr=127.0.0.1 CPUs=${o.cpus} State=UNKNOWN`,
		`PartitionName=local Nodes=${o.node} Default=YES MaxTime=INFINITE State=UP`,
		''
	].join('\n');
}

/** A free TCP port on loopback, as the kernel hands it out. */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}

export interface LocalCluster {
	/** The folder of the cluster (conf, logs, state). */
	dir: string;
	/** The environment for Slurm commands: this process's, plus SLURM_CONF. */
	env: NodeJS.ProcessEnv;
	/** Runs a Slurm command (sbatch, squeue, …) against this cluster; throws with its output on failure. */
	command(program: string, ...args: string[]): string;
	/** The daemons' logs, for a failure message. */
	logs(): string;
	/** Stops slurmd, slurmctld and munged and removes the folder. */
	stop(): Promise<void>;
}

const SBIN = (program: string) => (existsSync(`/usr/sbin/${program}`) ? `/usr/sbin/${program}` : program);

/** Waits until `ready()` holds, checking every 250 ms, or throws `what` after `timeoutMs`. */
export async function until(ready: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!ready()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s: ${what()}`);
		await new Promise((wake) => setTimeout(wake, 250));
	}
}

/** Starts munged, slurmctld and slurmd; resolves once the node is idle and takes jobs. */
export async function startLocalCluster(cpus: number): Promise<LocalCluster> {
	const dir = mkdtempSync(join(tmpdir(), 'tuning-lab-slurm-'));
	for (const sub of ['state', 'spool', 'munge']) mkdirSync(join(dir, sub), { mode: 0o700 });
	const mungeDir = join(dir, 'munge');
	const key = join(mungeDir, 'munge.key');
	// munged wants a key of at least 32 bytes that only its owner reads.
	writeFileSync(key, randomBytes(1024), { mode: 0o600 });
	const mungeSocket = join(mungeDir, 'munge.socket');
	const conf = join(dir, 'slurm.conf');
	const node = hostname();
	writeFileSync(
		conf,
		slurmConf({ dir, node, cpus, mungeSocket, ctldPort: await freePort(), slurmdPort: await freePort() })
	);
	const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
	const daemons: ChildProcess[] = [];
	const daemon = (program: string, args: string[]) => {
		const child = spawn(SBIN(program), args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('exit', (code, signal) => {
			if (!stopping) exits.push(`${program} exited (code ${code}, signal ${signal}): ${stderr.trim()}`);
		});
		daemons.push(child);
	};
	let stopping = false;
	const exits: string[] = [];
	const logs = () =>
		[
			...exits,
			...['slurmctld.log', 'slurmd.log', 'munge/munged.log'].map((name) => {
				const path = join(dir, name);
				const text = existsSync(path) ? readFileSync(path, 'utf8') : '(none)';
				return `--- ${name} (last lines)\n${text.split('\n').slice(-25).join('\n')}`;
			})
		].join('\n');
	const command = (program: string, ...args: string[]) => {
		const run = spawnSync(program, args, { env, encoding: 'utf8' });
		if (run.status !== 0) {
			throw new Error(`${program} ${args.join(' ')} failed (${run.status}): ${run.stderr}${run.stdout}`);
		}
		return run.stdout;
	};
	const stop = async () => {
		// Jobs first (their processes run under slurmstepd, which outlives slurmd), then the daemons.
		spawnSync('scancel', ['--user', String(process.getuid?.() ?? 0)], { env });
		await until(
			() =>
				(spawnSync('squeue', ['-h', '-t', 'PD,R,CG'], { env, encoding: 'utf8' }).stdout ?? '').trim() === '',
			30_000,
			() => 'jobs still run on the test cluster'
		).catch((error: unknown) => console.error(String(error)));
		stopping = true;
		// slurmd first, so no job step outlives its daemon; then the controller; munged last.
		for (const child of [...daemons].reverse()) {
			if (child.exitCode !== null || child.signalCode !== null) continue;
			const gone = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await gone;
			clearTimeout(timer);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		daemon('munged', [
			'--foreground',
			'--force',
			`--key-file=${key}`,
			`--socket=${mungeSocket}`,
			`--pid-file=${join(mungeDir, 'munged.pid')}`,
			`--log-file=${join(mungeDir, 'munged.log')}`,
			`--seed-file=${join(mungeDir, 'munged.seed')}`
		]);
		await until(() => existsSync(mungeSocket) || exits.length > 0, 15_000, logs);
		if (exits.length > 0) throw new Error(logs());
		daemon('slurmctld', ['-D', '-i', '-f', conf]);
		daemon('slurmd', ['-D', '-f', conf, '-N', node]);
		const nodeState = () => spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8' });
		await until(
			() => exits.length > 0 || /^idle/m.test(nodeState().stdout ?? ''),
			60_000,
			() => `the node ${node} never became idle (sinfo: ${nodeState().stdout})\n${logs()}`
		);
		if (exits.length > 0) throw new Error(logs());
	} catch (error) {
		await stop();
		throw error;
	}
	return { dir, env, command, logs, stop };
}
