// Running the built app in headless Chromium from the command line: deciding whether build/ must be
// rebuilt, serving it on a loopback port, launching the browser the way the end-to-end tests do
// (scripts/chromium-args.mjs), and waiting for the page to expose a global. Everything opened is
// closed again by one idempotent `close()`, whichever step failed. A kept profile is checked first
// (the lock a killed browser left behind is removed, a browser still using it is named), and its app
// is always served on the same port, because the browser keeps the lab's storage per origin.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import {
	access,
	mkdir,
	mkdtemp,
	readdir,
	readFile,
	readlink,
	rm,
	rmdir,
	stat,
	writeFile
} from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium-args.mjs';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `vite build` writes the app, relative to the repository root. */
export const BUILD_DIR = 'build';

/** What the build is made from: if any of these changed after build/index.html, it is rebuilt. */
export const BUILD_INPUTS = ['src', 'workers', 'static', 'vite.config.ts', 'svelte.config.js'];

export type BuildState = { fresh: true } | { fresh: false; reason: string };

interface StaticServer {
	port: number;
	close(): Promise<void>;
}

interface StaticServerModule {
	startStaticServer(options: { dir: string; port?: number; host?: string }): Promise<StaticServer>;
}

// scripts/static-server.mjs is plain JavaScript without type annotations; it is loaded by address so
// that the type checker takes the interface above instead of checking that file as if it were typed.
const STATIC_SERVER_MODULE = new URL('../scripts/static-server.mjs', import.meta.url).href;

/** The newest regular file at or under `path` (a file or a folder), or null when there is none. */
export async function newestFile(path: string): Promise<{ path: string; mtimeMs: number } | null> {
	let info;
	try {
		info = await stat(path);
	} catch {
		return null;
	}
	if (info.isFile()) return { path, mtimeMs: info.mtimeMs };
	if (!info.isDirectory()) return null;
	let newest: { path: string; mtimeMs: number } | null = null;
	for (const entry of await readdir(path)) {
		const found = await newestFile(join(path, entry));
		if (found !== null && (newest === null || found.mtimeMs > newest.mtimeMs)) newest = found;
	}
	return newest;
}

/** Whether build/ holds an app at least as new as every file it is built from. */
export async function checkBuild(root: string = REPO_ROOT): Promise<BuildState> {
	const index = join(root, BUILD_DIR, 'index.html');
	let built: number;
	try {
		built = (await stat(index)).mtimeMs;
	} catch {
		return { fresh: false, reason: `${BUILD_DIR}/index.html does not exist` };
	}
	for (const input of BUILD_INPUTS) {
		const newest = await newestFile(join(root, input));
		if (newest !== null && newest.mtimeMs > built) {
			return { fresh: false, reason: `${relative(root, newest.path)} changed after the last build` };
		}
	}
	return { fresh: true };
}

/**
 * Runs `npx vite build` in `root` with this process's output streams, so its progress shows as it
 * happens. Rejects when it fails or when `signal` aborts it (the build is then killed).
 */
export function buildApp(root: string = REPO_ROOT, signal?: AbortSignal): Promise<void> {
	return new Promise((resolveBuild, reject) => {
		const child = spawn('npx', ['vite', 'build'], {
			cwd: root,
			stdio: ['ignore', 'inherit', 'inherit'],
			...(signal === undefined ? {} : { signal })
		});
		child.once('error', (error) =>
			reject(
				signal?.aborted
					? new Error('the build was interrupted')
					: new Error(`npx vite build: ${error.message}`)
			)
		);
		child.once('exit', (code, killedBy) => {
			if (code === 0) resolveBuild();
			else
				reject(
					new Error(`npx vite build ${killedBy ? `was stopped by ${killedBy}` : `exited with ${code}`}`)
				);
		});
	});
}

/**
 * The symbolic links by which Chromium marks a profile folder as in use on Linux and macOS:
 * SingletonLock points at "HOST-PID" of the browser process, SingletonSocket at the socket a second
 * browser would hand its command line to, SingletonCookie at a random token. A browser that exits
 * normally removes them; one that is killed (SIGKILL, out of memory) leaves them behind.
 */
export const PROFILE_LOCK_FILES = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'] as const;

/**
 * How long a browser that still holds the profile is given to exit before the run gives up. The
 * browser of a `tuning-lab run` that was just killed closes itself within a moment (its control pipe
 * closed); this covers running the command again right away.
 */
const PROFILE_RELEASE_WAIT_MS = 5_000;

export type ProfileLock =
	| { state: 'free' }
	/** A lock whose browser no longer runs (or that cannot be read); safe to remove. */
	| { state: 'stale'; pid: number | null }
	/** A lock of a live browser on this machine, or of a browser on another machine (`host`). */
	| { state: 'held'; pid: number; host: string; command: string | null; runPid: number | null };

function errorCode(error: unknown): string | undefined {
	return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		return errorCode(error) === 'EPERM';
	}
}

/** A process's command line (Linux), or null where /proc cannot tell. */
async function commandLine(pid: number): Promise<string | null> {
	try {
		const text = await readFile(`/proc/${pid}/cmdline`, 'utf8');
		return text.split('\0').filter(Boolean).join(' ');
	} catch {
		return null;
	}
}

/** The process id of the `tuning-lab` command that started browser `pid`, if one did and still runs. */
async function tuningLabParent(pid: number): Promise<number | null> {
	try {
		// /proc/PID/stat: "pid (name) state ppid …"; the name may hold spaces and parentheses.
		const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
		const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		if (!Number.isInteger(ppid) || ppid <= 1) return null;
		return (await commandLine(ppid))?.includes('tuning-lab') === true ? ppid : null;
	} catch {
		return null;
	}
}

/** Whether the SingletonLock of `profileDir` is absent, left behind, or held by a live browser. */
export async function readProfileLock(profileDir: string): Promise<ProfileLock> {
	let target: string;
	try {
		target = await readlink(join(profileDir, 'SingletonLock'));
	} catch (error) {
		const code = errorCode(error);
		// ENOENT: no lock. EINVAL: not a link, so not a lock Chromium could still hold.
		if (code === 'ENOENT') return { state: 'free' };
		if (code === 'EINVAL') return { state: 'stale', pid: null };
		throw error;
	}
	const match = /^(.*)-(\d+)$/.exec(target);
	if (match === null) return { state: 'stale', pid: null };
	const host = match[1]!;
	const pid = Number(match[2]);
	// Whether a browser on another machine (a profile on a shared disk) still runs cannot be checked.
	if (host !== hostname()) return { state: 'held', pid, host, command: null, runPid: null };
	if (!isAlive(pid)) return { state: 'stale', pid };
	const command = await commandLine(pid);
	// The id may have passed to another process since: only a Chromium browser process (its helper
	// processes carry --type=) can hold the lock. Without /proc, a live process counts as the browser.
	if (command !== null && !(/chrom/i.test(command) && !command.includes(' --type='))) {
		return { state: 'stale', pid };
	}
	return { state: 'held', pid, host, command, runPid: await tuningLabParent(pid) };
}

/** Removes the lock files of a browser that no longer runs, and its socket. */
async function removeProfileLock(profileDir: string): Promise<void> {
	const socket = await readlink(join(profileDir, 'SingletonSocket')).catch(() => null);
	for (const name of PROFILE_LOCK_FILES) await rm(join(profileDir, name), { force: true });
	// Chromium keeps the socket in a temporary folder of its own (org.chromium.Chromium.XXXXXX), which
	// is removed too once empty; a link pointing anywhere else is left alone.
	if (socket !== null && basename(dirname(socket)).startsWith('org.chromium.')) {
		await rm(socket, { force: true }).catch(() => undefined);
		await rmdir(dirname(socket)).catch(() => undefined);
	}
}

function describeHolder(profileDir: string, lock: Extract<ProfileLock, { state: 'held' }>): string {
	if (lock.host !== hostname()) {
		return (
			`the profile ${profileDir} is locked by Chromium (pid ${lock.pid}) on the machine ${lock.host}; ` +
			`if no browser there uses it any more, delete ${join(profileDir, 'SingletonLock')}`
		);
	}
	if (lock.runPid !== null) {
		return (
			`the profile ${profileDir} is in use by another tuning-lab command (pid ${lock.runPid}), whose ` +
			`Chromium (pid ${lock.pid}) holds it. Let that run finish, stop it (kill ${lock.runPid}), or use ` +
			`another --profile`
		);
	}
	const program = lock.command === null ? '' : `, ${lock.command.split(' ')[0]}`;
	return (
		`the profile ${profileDir} is in use by Chromium (pid ${lock.pid}${program}), not the browser of a ` +
		`running tuning-lab command. Stop it (kill ${lock.pid}), or use another --profile`
	);
}

/**
 * Makes sure no browser uses `profileDir` before one is launched on it. A lock left behind by a
 * browser that no longer runs is removed (`onNote` is told); a browser that still holds the profile
 * gets PROFILE_RELEASE_WAIT_MS to exit, after which this rejects with a message naming its process id.
 */
export async function claimProfile(profileDir: string, onNote?: (message: string) => void): Promise<void> {
	const deadline = Date.now() + PROFILE_RELEASE_WAIT_MS;
	let lock = await readProfileLock(profileDir);
	while (lock.state === 'held' && lock.host === hostname() && Date.now() < deadline) {
		await new Promise((wake) => setTimeout(wake, 200));
		lock = await readProfileLock(profileDir);
	}
	if (lock.state === 'held') throw new Error(describeHolder(profileDir, lock));
	if (lock.state === 'stale') {
		await removeProfileLock(profileDir);
		const whose = lock.pid === null ? '' : ` of pid ${lock.pid}, which no longer runs,`;
		onNote?.(`removed the stale Chromium lock${whose} from ${profileDir}`);
	}
}

/**
 * The file in a kept profile that records the port its app is served on. The browser keeps the lab's
 * stored studies per origin (scheme, host and port), so every run with the profile must serve the app
 * at the same address to find what the earlier runs stored.
 */
export const PROFILE_PORT_FILE = 'tuning-lab-port';

/**
 * Where a new profile's port is drawn from: above the usual fixed service ports and below Linux's
 * range for outgoing connections (32768 and up), so no short-lived connection takes it later.
 */
const PROFILE_PORTS = { first: 20_000, count: 12_768 };

/** The port recorded in a kept profile, or null when there is none (or it is not a port number). */
export async function recordedPort(profileDir: string): Promise<number | null> {
	let text: string;
	try {
		text = await readFile(join(profileDir, PROFILE_PORT_FILE), 'utf8');
	} catch {
		return null;
	}
	const port = Number(text.trim());
	return /^\d+$/.test(text.trim()) && port > 0 && port < 65_536 ? port : null;
}

/**
 * Serves `buildDir` on 127.0.0.1: on any free port for a temporary profile; for a kept profile on
 * the port recorded in it, or, the first time, on a free port drawn from PROFILE_PORTS and recorded.
 */
async function serveApp(buildDir: string, keptProfile: string | undefined): Promise<StaticServer> {
	const { startStaticServer } = (await import(STATIC_SERVER_MODULE)) as StaticServerModule;
	const listen = (port: number) => startStaticServer({ dir: buildDir, port, host: '127.0.0.1' });
	if (keptProfile === undefined) return listen(0);
	const file = join(keptProfile, PROFILE_PORT_FILE);
	const recorded = await recordedPort(keptProfile);
	if (recorded !== null) {
		try {
			return await listen(recorded);
		} catch (error) {
			if (errorCode(error) !== 'EADDRINUSE') throw error;
			throw new Error(
				`port ${recorded} of 127.0.0.1 is in use by another program, but the lab of the profile ` +
					`${keptProfile} must be served there: its stored studies belong to http://127.0.0.1:${recorded}/ ` +
					`(the port is kept in ${file}). Free the port and run again`,
				{ cause: error }
			);
		}
	}
	for (let attempt = 1; ; attempt++) {
		const port = PROFILE_PORTS.first + Math.floor(Math.random() * PROFILE_PORTS.count);
		let server: StaticServer;
		try {
			server = await listen(port);
		} catch (error) {
			if (errorCode(error) === 'EADDRINUSE' && attempt < 20) continue;
			throw error;
		}
		try {
			await writeFile(file, `${port}\n`);
		} catch (error) {
			await server.close();
			throw error;
		}
		return server;
	}
}

export interface AppSessionOptions {
	/** The folder to serve, normally <repository>/build. */
	buildDir: string;
	/**
	 * A Chromium profile folder to use and keep (created if missing), so the app's storage persists
	 * between runs; the app is served at the same address each time (PROFILE_PORT_FILE). Without
	 * one, a fresh temporary profile is used and deleted on close.
	 */
	profileDir?: string;
	/** Called with the message of every uncaught error in the page. */
	onPageError?: (message: string) => void;
	/** Called with what was done to the profile before launching, such as removing a stale lock. */
	onNote?: (message: string) => void;
}

export interface AppSession {
	page: Page;
	/** The address the app is served at, ending in a slash. */
	url: string;
	/** Closes the browser, stops the server and deletes a temporary profile; safe to call repeatedly. */
	close(): Promise<void>;
}

async function checkChromium(path: string): Promise<void> {
	try {
		await access(path, constants.X_OK);
	} catch {
		throw new Error(
			`no Chromium at ${path}; install Debian's chromium package or set TUNING_LAB_CHROMIUM to a Chromium binary`
		);
	}
}

/**
 * Serves `buildDir` on a free loopback port, launches headless Chromium and opens the app in it.
 * When a step fails, what the earlier steps opened is closed before the error is thrown.
 */
export async function openAppSession(options: AppSessionOptions): Promise<AppSession> {
	const cleanups: (() => Promise<unknown>)[] = [];
	let closing: Promise<void> | undefined;
	const close = (): Promise<void> => {
		closing ??= (async () => {
			// Newest first: the browser before the server it talks to, the profile once nothing uses it.
			for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		})();
		return closing;
	};
	try {
		await checkChromium(CHROMIUM_PATH);
		let profileDir: string;
		if (options.profileDir === undefined) {
			profileDir = await mkdtemp(join(tmpdir(), 'tuning-lab-profile-'));
			const temporary = profileDir;
			cleanups.push(() => rm(temporary, { recursive: true, force: true }));
		} else {
			profileDir = resolve(options.profileDir);
			await mkdir(profileDir, { recursive: true });
			await claimProfile(profileDir, options.onNote);
		}
		const server = await serveApp(
			options.buildDir,
			options.profileDir === undefined ? undefined : profileDir
		);
		cleanups.push(() => server.close());
		const url = `http://127.0.0.1:${server.port}/`;
		// Playwright starts Chromium in a process group of its own and drives it over a pipe. If this
		// process is killed outright (SIGKILL), nothing closes the browser, but it sees the pipe close
		// and exits by itself, removing its profile lock; claimProfile() covers a browser that did not.
		let context: BrowserContext;
		try {
			context = await chromium.launchPersistentContext(profileDir, {
				executablePath: CHROMIUM_PATH,
				args: [...CHROMIUM_ARGS],
				headless: true,
				// The command closes the browser itself on these signals, after stopping the study cleanly.
				handleSIGINT: false,
				handleSIGTERM: false,
				handleSIGHUP: false
			});
		} catch (error) {
			// Another browser took the profile between the check and the launch.
			const lock = await readProfileLock(profileDir).catch(() => null);
			if (lock?.state === 'held') throw new Error(describeHolder(profileDir, lock), { cause: error });
			throw error;
		}
		cleanups.push(() => context.close());
		const page = context.pages()[0] ?? (await context.newPage());
		const onPageError = options.onPageError;
		if (onPageError !== undefined) page.on('pageerror', (error) => onPageError(error.message));
		await page.goto(url);
		return { page, url, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/**
 * Waits until `window[name]` exists in the page. Rejects with a message naming the global when it
 * has not appeared within `timeoutMs`.
 */
export async function waitForGlobal(page: Page, name: string, timeoutMs: number): Promise<void> {
	try {
		await page.waitForFunction((key) => key in window, name, { timeout: timeoutMs, polling: 100 });
	} catch (error) {
		if (error instanceof Error && error.name === 'TimeoutError') {
			throw new Error(`the page did not define window.${name} within ${Math.round(timeoutMs / 1000)} s`, {
				cause: error
			});
		}
		throw error;
	}
}
