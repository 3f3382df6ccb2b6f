import {
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	readlinkSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { readStudy, results, start, tuningLab, untilStdout } from './cli-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium-args.mjs';

// `tuning-lab run --profile DIR` killed outright (SIGKILL: no handler runs, nothing is closed) and run
// again with the same command resumes the unfinished run from the checkpoints in DIR, and ends with
// exactly the trials of a run that was never interrupted. Like tests/cli-run.spec.ts, these tests
// drive the real command, which launches its own Chromium; Playwright's browser is used only to hold
// a profile in the last test.
//
// The trials are short (about a second each on wasm, less on a fast machine), so the test does not
// count on seeing any step of them in the summaries, which sample the run ten times a second. It acts
// on a summary as soon as it is printed, freezing the browser first (SIGSTOP) so that nothing trains
// after the line it acted on, and it reads where each trial continued from the lines the command prints
// once per trial, never from the steps a summary happened to show.

const folder = mkdtempSync(join(tmpdir(), 'tuning-lab-cli-resume-'));
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

const STEPS = 1500;

/** Two 1500-step trials on digits, with a checkpoint every 300 steps: about a second each on wasm. */
function writeFixture(): string {
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = 'CLI resume after SIGKILL';
	study.notes = 'Written by tests/cli-resume.spec.ts.';
	study.budget = { maxTrainSteps: STEPS, evalEvery: 100, checkpointEvery: 300, keepBestCheckpoints: 2 };
	study.search.trials = 2;
	study.fixed.learningRate = 0.01;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [64, 128] }];
	const path = join(folder, 'resume.study.json');
	writeFileSync(path, JSON.stringify(study, null, '\t'));
	return path;
}

/** Process ids whose command line mentions `text` (read from /proc, Linux only). */
function processesMentioning(text: string): number[] {
	const found: number[] = [];
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(Number(pid));
		} catch {
			// The process ended while the list was read.
		}
	}
	return found;
}

/** The steps the progress lines have shown for `trial` so far, in order. */
function stepsShown(stdout: string, trial: number): number[] {
	return [...stdout.matchAll(new RegExp(`trial ${trial} step (\\d+)/${STEPS}`, 'g'))].map((m) =>
		Number(m[1])
	);
}

/** The highest checkpoint step the progress lines report as safely stored for `trial` (-1 before any). */
function savedStep(stdout: string, trial: number): number {
	const saved = [...stdout.matchAll(new RegExp(`trial ${trial} step \\d+/${STEPS} \\(saved (\\d+)\\)`, 'g'))];
	return Math.max(-1, ...saved.map((m) => Number(m[1])));
}

/** The highest step the progress lines have shown for `trial` so far (-1 before any). */
function latestStep(stdout: string, trial: number): number {
	return Math.max(-1, ...stepsShown(stdout, trial));
}

/** The checkpoint step `trial` continued from, as the command says once per such trial; null if none. */
function continuedFrom(stdout: string, trial: number): number | null {
	const found = [
		...stdout.matchAll(
			new RegExp(`^\\[run\\] trial ${trial} continues from its checkpoint at step (\\d+)$`, 'gm')
		)
	];
	expect(found.length, `one line saying where trial ${trial} continues from:\n${stdout}`).toBeLessThanOrEqual(
		1
	);
	return found[0] === undefined ? null : Number(found[0][1]);
}

/** The arguments of process `pid` (read from /proc), or null once it has ended. */
function commandOf(pid: number): string[] | null {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
	} catch {
		return null;
	}
}

/**
 * The process group of the Chromium browser using `profile`: the browser process leads a group of its
 * own (Playwright starts it so), which its helper processes (renderers, GPU, utilities) share.
 */
function browserGroup(profile: string): number {
	const browsers = processesMentioning(profile).filter((pid) => {
		const args = commandOf(pid) ?? [];
		return args.includes(`--user-data-dir=${profile}`) && !args.some((arg) => arg.startsWith('--type='));
	});
	expect(browsers, `one browser process on ${profile}`).toHaveLength(1);
	const pid = browsers[0]!;
	// /proc/PID/stat: "pid (name) state ppid pgrp …"; the name may hold spaces and parentheses.
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
	expect(group, `Chromium ${pid} leads its process group`).toBe(pid);
	return group;
}

/** The process id in the SingletonLock Chromium keeps in a profile folder ("HOST-PID"), or null. */
function lockPid(profile: string): number | null {
	try {
		return Number(readlinkSync(join(profile, 'SingletonLock')).split('-').pop());
	} catch {
		return null;
	}
}

test('run killed with SIGKILL resumes with the same --profile and matches an uninterrupted run exactly', async () => {
	test.setTimeout(180_000);
	const fixture = writeFixture();
	const outA = join(folder, 'straight.json');
	const outB = join(folder, 'resumed.json');
	const profile = join(folder, 'profile');
	const resuming = `[run] resuming the unfinished run of this study found in ${profile}`;
	// Summary lines ten times a second (as often as the command reads the page), so one shows a stored
	// checkpoint of a trial well before that trial ends.
	const command = [
		'run',
		fixture,
		'--out',
		outB,
		'--backend',
		'wasm',
		'--profile',
		profile,
		'--progress-every',
		'0.1',
		// One trial at a time (wasm's default is one per core), so each kill lands inside a known trial.
		'--concurrency',
		'1'
	];

	const straight = await test.step('the study straight through, in a profile of its own', async () => {
		const run = await tuningLab(
			'run',
			fixture,
			'--out',
			outA,
			'--backend',
			'wasm',
			'--profile',
			join(folder, 'a')
		);
		expect(run.status, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
		expect(run.stdout).not.toContain('resuming');
		// The port the profile's app is served on, so that later runs find its storage again.
		expect(readFileSync(join(folder, 'a', 'tuning-lab-port'), 'utf8')).toMatch(/^\d+\n$/);
		const study = readStudy(outA);
		expect(study.trials.map((t) => t.status)).toEqual(['completed', 'completed']);
		return study;
	});

	let savedFirst = -1;
	await test.step('SIGKILL in the middle of trial 0: the browser goes too, the profile is left as it was', async () => {
		const run = start(...command);
		let frozen: number | null = null;
		try {
			await untilStdout(run, (stdout) => savedStep(stdout, 0) >= 300, 'trial 0 showed a stored checkpoint');
			frozen = browserGroup(profile);
			process.kill(-frozen, 'SIGSTOP');
			run.child.kill('SIGKILL');
			// A browser left to exit by itself trains on until it notices (a moment, longer on a busy
			// machine), possibly to the end of trial 0; its page dies with the command instead, so the
			// profile holds exactly what the line acted on showed, or a checkpoint stored since.
			for (const pid of processesMentioning(profile)) {
				if (commandOf(pid)?.includes('--type=renderer')) process.kill(pid, 'SIGKILL');
			}
		} finally {
			if (run.child.exitCode === null) run.child.kill('SIGKILL');
			if (frozen !== null) process.kill(-frozen, 'SIGCONT');
		}
		const killed = await run.exited;
		expect(killed.signal).toBe('SIGKILL');
		expect(killed.stdout).not.toMatch(/trial 0 completed/);
		expect(latestStep(killed.stdout, 0)).toBeLessThan(STEPS);
		expect(existsSync(outB)).toBe(false);
		savedFirst = savedStep(killed.stdout, 0);
		// Nothing closed the browser process, but it exits by itself once the command's end of its pipe is gone.
		await expect.poll(() => processesMentioning(profile), { timeout: 15_000 }).toEqual([]);
	});

	let savedSecond = -1;
	await test.step('the same command resumes; SIGKILL of it and its browser in the middle of trial 1', async () => {
		const run = start(...command);
		try {
			await untilStdout(run, (stdout) => savedStep(stdout, 1) >= 300, 'trial 1 showed a stored checkpoint');
			// The browser is killed too, first and all its processes at once (as by the out-of-memory
			// killer), so it cannot remove its profile lock on the way out, nor store anything more.
			process.kill(-browserGroup(profile), 'SIGKILL');
			run.child.kill('SIGKILL');
		} finally {
			if (run.child.exitCode === null) run.child.kill('SIGKILL');
		}
		const killed = await run.exited;
		expect(killed.signal).toBe('SIGKILL');
		expect(killed.stdout).toContain(resuming);
		// Trial 0 continues from the checkpoint the first run showed stored, or a later one.
		const from = continuedFrom(killed.stdout, 0);
		expect(from, killed.stdout).not.toBeNull();
		expect(from).toBeGreaterThanOrEqual(savedFirst);
		expect(continuedFrom(killed.stdout, 1), killed.stdout).toBeNull();
		expect(killed.stdout).toMatch(/^\[run\] trial 0 completed/m);
		expect(killed.stdout).not.toMatch(/trial 1 completed/);
		savedSecond = savedStep(killed.stdout, 1);
		await expect.poll(() => processesMentioning(profile), { timeout: 15_000 }).toEqual([]);
		expect(lstatSync(join(profile, 'SingletonLock')).isSymbolicLink()).toBe(true);
	});

	await test.step('the same command again: removes the stale lock, resumes, finishes', async () => {
		const stalePid = lockPid(profile);
		const run = await tuningLab(...command);
		expect(run.status, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
		expect(run.stderr).toContain(
			`[run] removed the stale Chromium lock of pid ${stalePid}, which no longer runs, from ${profile}\n`
		);
		expect(run.stdout).toContain(resuming);
		// Trial 0 is not trained again; trial 1 continues from the checkpoint shown stored, or a later one.
		expect(stepsShown(run.stdout, 0)).toEqual([]);
		expect(continuedFrom(run.stdout, 0)).toBeNull();
		const from = continuedFrom(run.stdout, 1);
		expect(from, run.stdout).not.toBeNull();
		expect(from).toBeGreaterThanOrEqual(savedSecond);
		expect(run.stdout).toMatch(/^\[run\] trial 0 completed/m);
		expect(run.stdout).toContain(`[run] wrote ${outB}: 2 trials: 2 completed\n`);
	});

	const resumed = readStudy(outB);
	// Every train step and evaluation exactly once, and the numbers of the run that was never interrupted.
	for (const trial of resumed.trials) {
		expect(trial.metrics?.train.step).toEqual(Array.from({ length: STEPS }, (_, s) => s));
		expect(trial.metrics?.evals.map((e) => e.step)).toEqual(Array.from({ length: 16 }, (_, i) => i * 100));
	}
	expect(results(resumed)).toEqual(results(straight));
});

test('run refuses a profile a live Chromium holds, naming its process id', async () => {
	test.setTimeout(60_000);
	const profile = join(folder, 'held');
	const holder = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS],
		headless: true
	});
	try {
		const pid = lockPid(profile);
		expect(pid).not.toBeNull();
		const run = await tuningLab('run', writeFixture(), '--out', join(folder, 'x.json'), '--profile', profile);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`run: the profile ${profile} is in use by Chromium (pid ${pid}`);
		expect(run.stderr).toContain(`kill ${pid}`);
		expect(run.stdout).toBe('');
		expect(existsSync(join(folder, 'x.json'))).toBe(false);
	} finally {
		await holder.close();
	}
});

test('run refuses to serve a kept profile anywhere but at its recorded port', async () => {
	test.setTimeout(120_000);
	const profile = join(folder, 'port-taken');
	const blocker = createServer();
	await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
	const address = blocker.address();
	const port = typeof address === 'object' && address !== null ? address.port : 0;
	try {
		mkdirSync(profile, { recursive: true });
		writeFileSync(join(profile, 'tuning-lab-port'), `${port}\n`);
		const run = await tuningLab('run', writeFixture(), '--out', join(folder, 'y.json'), '--profile', profile);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			`run: port ${port} of 127.0.0.1 is in use by another program, but the lab of the profile ${profile} ` +
				`must be served there: its stored studies belong to http://127.0.0.1:${port}/`
		);
		expect(processesMentioning(profile)).toEqual([]);
	} finally {
		await new Promise((resolve) => blocker.close(resolve));
	}
});
