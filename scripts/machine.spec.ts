import { cpus, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { machineLines, measureMachine, nvidiaGpus, osName, type MachineFacts } from './machine.mjs';

const facts: MachineFacts = {
	cpuModel: 'AMD EPYC 7B13',
	logicalCpus: 2,
	memoryBytes: 24 * 2 ** 30 + 2 ** 29,
	os: 'Debian GNU/Linux 12 (bookworm)',
	kernel: '6.1.0-18-amd64 x64',
	gpus: [],
	gpuProbe: 'nvidia-smi did not run; no /dev/dri render node',
	node: 'v20.20.2',
	chromium: 'Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm)',
	chromiumArgs: ['--no-sandbox', '--enable-unsafe-webgpu'],
	webgpu: { vendor: 'google', architecture: 'swiftshader', description: '', fallback: true },
	loadStart: [2.244, 3.07, 2.9],
	loadEnd: [0.5, 1, 1.254]
};

describe('machine lines of docs/BENCHMARKS.md', () => {
	it('state every measured fact, one per line', () => {
		expect(machineLines(facts)).toEqual([
			'- Machine: 2 logical CPUs (AMD EPYC 7B13), 24.5 GiB memory, Debian GNU/Linux 12 (bookworm), Linux kernel 6.1.0-18-amd64 x64',
			'- GPU: none found (nvidia-smi did not run; no /dev/dri render node)',
			'- Node v20.20.2; Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm) headless with --no-sandbox --enable-unsafe-webgpu',
			'- WebGPU adapter in that Chromium: google / swiftshader, a fallback (software) adapter',
			'- Load average (1/5/15 min) at start 2.24 / 3.07 / 2.90, at end 0.50 / 1.00 / 1.25: on a busy machine compare the side-by-side ratios, not the absolute numbers'
		]);
	});

	it('name the GPUs and a hardware adapter when there are some, and say when nothing was measured', () => {
		const lines = machineLines({
			...facts,
			gpus: ['NVIDIA H200', 'NVIDIA H200'],
			webgpu: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', fallback: false }
		});
		expect(lines[1]).toBe('- GPU: 0: NVIDIA H200, 1: NVIDIA H200');
		expect(lines[3]).toBe('- WebGPU adapter in that Chromium: nvidia / hopper / NVIDIA H200');
		expect(machineLines({ ...facts, webgpu: null })[3]).toBe(
			'- WebGPU adapter in that Chromium: not measured (no browser benchmark ran)'
		);
		expect(machineLines({ ...facts, webgpu: 'navigator.gpu is missing', chromium: null })).toEqual(
			expect.arrayContaining([
				'- WebGPU adapter in that Chromium: none (navigator.gpu is missing)',
				expect.stringMatching(/^- Node v20\.20\.2; Chromium not found headless/)
			])
		);
	});

	it('read the OS name and GPU list from their files and commands', () => {
		expect(osName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe(
			'Debian GNU/Linux 12 (bookworm)'
		);
		expect(osName('ID=alpine\n')).toBeNull();
		expect(nvidiaGpus('NVIDIA H200\nNVIDIA H200\n\n')).toEqual(['NVIDIA H200', 'NVIDIA H200']);
		expect(nvidiaGpus('')).toEqual([]);
	});

	it('measure this machine rather than assume it', () => {
		const measured = measureMachine([1, 2, 3]);
		expect(measured.logicalCpus).toBe(cpus().length);
		expect(measured.memoryBytes).toBe(totalmem());
		expect(measured.node).toBe(process.version);
		expect(measured.loadStart).toEqual([1, 2, 3]);
		expect(measured.loadEnd).toHaveLength(3);
		expect(measured.webgpu).toBeNull();
	});
});
