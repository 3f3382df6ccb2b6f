// `npm run bench`: runs every benchmark and writes docs/BENCHMARKS.md. Benchmarks are never timed
// tests; they report medians and ranges of several runs, with the command, machine and date.
//
// Conventions a benchmark follows:
// - Node benchmarks are `bench/*.bench.ts`, run with tsx; each prints result lines to stdout as JSON
//   (`{"name", "unit", "median", "min", "max", "runs", "target"?, "note"?}`, or an array of them).
// - Browser benchmarks are Playwright specs under `bench/` run with `bench/playwright.bench.config.ts`;
//   each writes its results as a JSON array to `bench/results/<name>.json`.
//
// `npm run bench` runs everything and writes docs/BENCHMARKS.md. `npm run bench -- NAME…` runs only the
// benchmarks whose file names contain one of the NAMEs (`browser` selects every browser benchmark), and
// writes bench/results/BENCHMARKS.subset.md instead, so a quick run never replaces the full table.
// BENCH_SKIP_BUILD=1 reuses the builds of the app and of bench/pages that are already there.
// Every section of the output names its command, start time, duration and the load average around it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineLines, measureMachine, webgpuAdapter } from './machine.mjs';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
const names = process.argv
	.slice(2)
	.flatMap((a) => a.split(','))
	.filter((a) => a !== '');
const subset = names.length > 0;
const wanted = (file) =>
	!subset || names.some((n) => file.includes(n) || (n === 'browser' && file.endsWith('.browser.ts')));
const command = `npm run bench${subset ? ` -- ${names.join(' ')}` : ''}`;
const startedAt = Date.now();

function parseResults(text, source) {
	const results = [];
	for (const line of text.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
		try {
			const parsed = JSON.parse(trimmed);
			for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
				if (typeof r?.name === 'string' && typeof r?.median === 'number') results.push({ ...r, source });
			}
		} catch {
			// Not a result line (a log line that happens to start with a brace).
		}
	}
	return results;
}

const loadAtStart = loadavg();

/**
 * The PyTorch peer (bench/peer.bench.ts) needs Debian's python3-torch and an OpenBLAS. Installed here,
 * only for `npm run bench` (never for `npm test`); when that is impossible the peer rows are skipped
 * and the reason is printed.
 */
function ensureTorch() {
	const python = '/usr/bin/python3';
	const has = () => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
	if (!existsSync(python)) return console.warn('bench: no /usr/bin/python3, so no PyTorch peer');
	if (has()) return;
	if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
		return console.warn(
			'bench: PyTorch peer skipped: python3-torch is missing and apt-get cannot run here (install it with `apt-get install -y python3-torch libopenblas0-pthread`)'
		);
	}
	console.log('bench: installing python3-torch and libopenblas0-pthread for the PyTorch peer (apt-get)');
	const install = spawnSync('apt-get', ['install', '-y', 'python3-torch', 'libopenblas0-pthread'], {
		encoding: 'utf8',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	if (install.status !== 0 || !has()) {
		console.warn(`bench: PyTorch peer skipped: apt-get failed (${install.stderr.trim().split('\n').pop()})`);
	}
}
if (wanted('peer.bench.ts')) ensureTorch();

const groups = [];
/** Benchmarks that failed: listed at the top of the output, and the run exits non-zero. */
const failures = [];
/** When a section ran: its start, duration and the load averages (1/5/15 min) at its start and end. */
function span(started, loadStart) {
	const two = (load) => load.map((n) => n.toFixed(2)).join(' / ');
	return `\`${command}\`, started ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((Date.now() - started) / 60_000).toFixed(1)} min; load average ${two(loadStart)} at its start, ${two(loadavg())} at its end`;
}
const nodeBenches = readdirSync(benchDir)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter(wanted)
	.sort();
for (const file of nodeBenches) {
	console.log(`bench: ${file}`);
	const started = Date.now();
	const load = loadavg();
	const run = spawnSync('npx', ['tsx', join('bench', file)], { cwd: root, encoding: 'utf8' });
	process.stdout.write(run.stdout);
	process.stderr.write(run.stderr);
	if (run.status !== 0) {
		failures.push(`bench/${file} exited with code ${run.status} (${span(started, load)})`);
		continue;
	}
	groups.push({
		source: `bench/${file}`,
		environment: 'Node',
		ran: span(started, load),
		results: parseResults(run.stdout, file)
	});
}

const browserConfig = join(benchDir, 'playwright.bench.config.ts');
/** The WebGPU adapter the browser benchmarks ran on; null when none ran. */
let adapter = null;
const browserSpecs = readdirSync(benchDir)
	.filter((f) => f.endsWith('.browser.ts'))
	.filter(wanted)
	.sort();
if (existsSync(browserConfig) && browserSpecs.length > 0) {
	adapter = await webgpuAdapter();
	rmSync(resultsDir, { recursive: true, force: true });
	mkdirSync(resultsDir, { recursive: true });
	if (process.env.BENCH_SKIP_BUILD !== '1') {
		console.log('bench: browser benchmarks (vite build of the app and of bench/pages, then Playwright)');
		execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
		// The benchmark pages are built apart from the app (never shipped): into build/bench/.
		execFileSync('npx', ['vite', 'build', '-c', 'bench/vite.config.ts'], { cwd: root, stdio: 'inherit' });
	}
	for (const spec of browserSpecs) {
		console.log(`bench: ${spec}`);
		const started = Date.now();
		const load = loadavg();
		const before = new Set(readdirSync(resultsDir));
		// One spec at a time, so each section says when it ran and under what load. A failing spec is
		// listed as failed and the others still run: one broken benchmark must not throw away an hour of
		// measurements (the run still exits non-zero).
		const run = spawnSync('npx', ['playwright', 'test', '-c', browserConfig, join('bench', spec)], {
			cwd: root,
			stdio: 'inherit'
		});
		if (run.status !== 0) {
			failures.push(`bench/${spec} exited with code ${run.status} (${span(started, load)})`);
			continue;
		}
		const ran = span(started, load);
		for (const file of readdirSync(resultsDir)
			.filter((f) => f.endsWith('.json') && !before.has(f))
			.sort()) {
			const results = parseResults(readFileSync(join(resultsDir, file), 'utf8').replace(/\n/g, ' '), file);
			groups.push({
				source: `bench/results/${file}`,
				environment: `headless Chromium, bench/${spec}`,
				ran,
				results
			});
		}
	}
}

/** bench/NOTES.md: what the numbers mean (written by hand, kept beside the benchmarks). */
function readNotes() {
	const notes = join(benchDir, 'NOTES.md');
	return existsSync(notes) ? readFileSync(notes, 'utf8').trimEnd().split('\n') : [];
}

const fmt = (n) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));
const lines = [
	'# Benchmarks',
	'',
	'Written by `npm run bench` (scripts/bench.mjs); do not edit by hand. Each row is the median of',
	'several runs with the range (min–max) beside it. Targets come from the issues; no test asserts them.',
	'',
	`- Date: ${new Date().toISOString().slice(0, 10)}`,
	`- Command: \`${command}\`${subset ? ' (a subset: not the full table)' : ''}; ${((Date.now() - startedAt) / 60_000).toFixed(1)} minutes in all`,
	...machineLines({ ...measureMachine(loadAtStart), webgpu: adapter }),
	'',
	...(failures.length > 0
		? ['## FAILED benchmarks (their rows are missing)', '', ...failures.map((f) => `- ${f}`), '']
		: []),
	...readNotes(),
	''
];
for (const group of groups) {
	lines.push(`## ${group.source} (${group.environment})`, '', `Ran: ${group.ran}.`, '');
	lines.push(
		'| benchmark | median | min–max | runs | target | note |',
		'| --- | --- | --- | --- | --- | --- |'
	);
	for (const r of group.results) {
		lines.push(
			`| ${r.name} | ${fmt(r.median)} ${r.unit} | ${fmt(r.min)}–${fmt(r.max)} | ${r.runs ?? ''} | ${r.target ?? ''} | ${r.note ?? ''} |`
		);
	}
	lines.push('');
}
const out = subset ? join(resultsDir, 'BENCHMARKS.subset.md') : join(root, 'docs', 'BENCHMARKS.md');
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, lines.join('\n'));
console.log(`wrote ${out.slice(root.length)} in ${((Date.now() - startedAt) / 60_000).toFixed(1)} minutes`);
if (failures.length > 0) {
	console.error(`bench: ${failures.length} benchmark(s) FAILED:\n${failures.join('\n')}`);
	process.exitCode = 1;
}
