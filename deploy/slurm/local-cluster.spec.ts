// The slurm.conf of the test cluster (local-cluster.ts): what `npm run test:scale` relies on, without
// starting any daemon.
import { describe, expect, it } from 'vitest';
import { slurmConf } from './local-cluster';

describe('slurmConf', () => {
	const conf = slurmConf({
		dir: '/tmp/c',
		node: 'vm',
		cpus: 8,
		mungeSocket: '/tmp/c/munge/munge.socket',
		ctldPort: 20001,
		slurmdPort: 20002
	});
	const value = (key: string) => conf.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];

	it('needs no cgroups: processes tracked by parent id, tasks not bound', () => {
		expect(value('ProctrackType')).toBe('proctrack/linuxproc');
		expect(value('TaskPlugin')).toBe('task/none');
		expect(value('JobAcctGatherType')).toBe('jobacct_gather/none');
		expect(conf).not.toMatch(/cgroup/);
	});

	it('runs one node on loopback, with its own ports and munged socket', () => {
		expect(value('SlurmctldHost')).toBe('vm(127.0.0.1)');
		expect(value('SlurmctldPort')).toBe('20001');
		expect(value('SlurmdPort')).toBe('20002');
		expect(value('AuthInfo')).toBe('socket=/tmp/c/munge/munge.socket');
		expect(conf).toMatch(/^NodeName=vm NodeAddr=127\.0\.0\.1 CPUs=8 State=UNKNOWN$/m);
		expect(conf).toMatch(/^PartitionName=local Nodes=vm Default=YES /m);
	});

	it('keeps every file of the cluster in its folder, and lets jobs be requeued', () => {
		for (const key of [
			'StateSaveLocation',
			'SlurmdSpoolDir',
			'SlurmctldPidFile',
			'SlurmdPidFile',
			'SlurmctldLogFile',
			'SlurmdLogFile'
		]) {
			expect(value(key)?.startsWith('/tmp/c/'), key).toBe(true);
		}
		expect(value('JobRequeue')).toBe('1');
		// The node may offer more CPUs than the machine has (the array asks 4 per task).
		expect(value('SlurmdParameters')).toBe('config_overrides');
	});
});
