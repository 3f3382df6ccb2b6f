// The machine lines at the top of docs/BENCHMARKS.md, measured by `npm run bench` itself (scripts/bench.mjs)
// rather than written by hand: CPU model and count, memory, operating system, GPUs, Node and Chromium
// versions, the WebGPU adapter Chromium reports, and the load average. `measureMachine` reads the facts,
// `webgpuAdapter` asks the browser, and `machineLines` (pure, unit-tested) turns them into Markdown.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium-args.mjs';

/**
 * @typedef {object} MachineFacts
 * @property {string} cpuModel the CPU model string, as the kernel reports it
 * @property {number} logicalCpus how many logical CPUs Node sees
 * @property {number} memoryBytes total memory in bytes
 * @property {string} os the distribution's name (PRETTY_NAME of /etc/os-release), or 'unknown OS'
 * @property {string} kernel kernel release and architecture, e.g. '6.1.0-18-amd64 x64'
 * @property {string[]} gpus GPU names from nvidia-smi; empty when none was found
 * @property {string} gpuProbe how the GPUs were looked for, to say so when none was found
 * @property {string} node the Node version, e.g. 'v20.20.2'
 * @property {string | null} chromium `chromium --version`, or null when it could not run
 * @property {readonly string[]} chromiumArgs the flags the benchmarks launch Chromium with
 * @property {WebGpuAdapter | string | null} webgpu the adapter Chromium reports, the reason there is
 *   none, or null when no browser benchmark ran (it was not asked)
 * @property {number[]} loadStart 1/5/15-minute load averages when the benchmarks started
 * @property {number[]} loadEnd the same when they ended
 */

/**
 * @typedef {object} WebGpuAdapter
 * @property {string} vendor
 * @property {string} architecture
 * @property {string} description
 * @property {boolean} fallback whether Chromium marks it a fallback (software) adapter
 */

/**
 * The distribution's name from the text of /etc/os-release (PRETTY_NAME, quotes removed).
 * @param {string} text
 * @returns {string | null}
 */
export function osName(text) {
	const line = text.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
	if (!line) return null;
	const value = line.slice('PRETTY_NAME='.length).trim();
	return value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1') || null;
}

/**
 * GPU names from `nvidia-smi --query-gpu=name --format=csv,noheader` output, one per line.
 * @param {string} text
 * @returns {string[]}
 */
export function nvidiaGpus(text) {
	return text
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => l !== '');
}

/** @param {number} n */
const two = (n) => n.toFixed(2);

/**
 * The Markdown list items that describe the machine, one fact per item.
 * @param {MachineFacts} facts
 * @returns {string[]}
 */
export function machineLines(facts) {
	const memory = `${(facts.memoryBytes / 2 ** 30).toFixed(1)} GiB memory`;
	const gpus =
		facts.gpus.length > 0
			? facts.gpus.map((name, i) => `${facts.gpus.length > 1 ? `${i}: ` : ''}${name}`).join(', ')
			: `none found (${facts.gpuProbe})`;
	let adapter;
	if (facts.webgpu === null) adapter = 'not measured (no browser benchmark ran)';
	else if (typeof facts.webgpu === 'string') adapter = `none (${facts.webgpu})`;
	else {
		const { vendor, architecture, description, fallback } = facts.webgpu;
		const name = [vendor, architecture, description].filter((part) => part !== '').join(' / ') || 'unnamed';
		adapter = `${name}${fallback ? ', a fallback (software) adapter' : ''}`;
	}
	return [
		`- Machine: ${facts.logicalCpus} logical CPUs (${facts.cpuModel}), ${memory}, ${facts.os}, Linux kernel ${facts.kernel}`,
		`- GPU: ${gpus}`,
		`- Node ${facts.node}; ${facts.chromium ?? 'Chromium not found'} headless with ${facts.chromiumArgs.join(' ')}`,
		`- WebGPU adapter in that Chromium: ${adapter}`,
		`- Load average (1/5/15 min) at start ${facts.loadStart.map(two).join(' / ')}, at end ${facts.loadEnd
			.map(two)
			.join(' / ')}: on a busy machine compare the side-by-side ratios, not the absolute numbers`
	];
}

/**
 * Runs a command and returns its standard output, or null when it cannot run or fails.
 * @param {string} command
 * @param {string[]} args
 * @returns {string | null}
 */
function output(command, args) {
	try {
		return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
	} catch {
		return null;
	}
}

/**
 * Reads this machine's facts now. The load at the end and the WebGPU adapter are filled in by the caller.
 * @param {number[]} loadStart the load averages when the benchmarks started
 * @returns {MachineFacts}
 */
export function measureMachine(loadStart) {
	const cpuList = cpus();
	const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
	const smi = output('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader']);
	const renderNodes = existsSync('/dev/dri')
		? readdirSync('/dev/dri').filter((name) => name.startsWith('renderD'))
		: [];
	const gpus = smi === null ? [] : nvidiaGpus(smi);
	const gpuProbe =
		smi === null
			? `nvidia-smi did not run; ${renderNodes.length === 0 ? 'no /dev/dri render node' : `/dev/dri has ${renderNodes.join(', ')}`}`
			: 'nvidia-smi lists none';
	return {
		cpuModel: cpuList[0]?.model.trim() || 'CPU model unknown',
		logicalCpus: cpuList.length,
		memoryBytes: totalmem(),
		os: osName(osRelease) ?? 'unknown OS',
		kernel: `${release()} ${arch()}`,
		gpus,
		gpuProbe,
		node: process.version,
		chromium: output(CHROMIUM_PATH, ['--version'])?.trim() || null,
		chromiumArgs: CHROMIUM_ARGS,
		webgpu: null,
		loadStart,
		loadEnd: loadavg()
	};
}

/**
 * The WebGPU adapter that Chromium, launched as the browser benchmarks launch it, reports on a local page,
 * or the reason it has none.
 * @returns {Promise<WebGpuAdapter | string>}
 */
export async function webgpuAdapter() {
	const { chromium } = await import('@playwright/test');
	// WebGPU is only offered to secure contexts: an empty page served on the loopback address is one.
	const server = createServer((_request, response) => {
		response.writeHead(200, { 'content-type': 'text/html' });
		response.end('<!doctype html><title>WebGPU adapter</title>');
	});
	/** @type {import('@playwright/test').Browser | undefined} */
	let browser;
	try {
		await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
		const address = server.address();
		const port = typeof address === 'object' && address !== null ? address.port : 0;
		browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${port}/`);
		return await page.evaluate(async () => {
			const gpu = /** @type {any} */ (navigator).gpu;
			if (!gpu) return 'navigator.gpu is missing';
			const found = await gpu.requestAdapter();
			if (!found) return 'requestAdapter() gave none';
			const info = found.info ?? (await found.requestAdapterInfo?.()) ?? {};
			return {
				vendor: String(info.vendor ?? ''),
				architecture: String(info.architecture ?? ''),
				description: String(info.description ?? ''),
				fallback: Boolean(found.isFallbackAdapter ?? info.isFallbackAdapter)
			};
		});
	} catch (error) {
		return error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : String(error);
	} finally {
		await browser?.close();
		server.close();
	}
}
