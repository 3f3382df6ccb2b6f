// Running the built app in headless Chromium from the command line: deciding whether build/ must be
// rebuilt, serving it on a loopback port, launching the browser the way the end-to-end tests do
// (scripts/chromium-args.mjs), and waiting for the page to expose a global. Everything opened is
// closed again by one idempotent `close()`, whichever step failed.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
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

export interface AppSessionOptions {
	/** The folder to serve, normally <repository>/build. */
	buildDir: string;
	/**
	 * A Chromium profile folder to use and keep (created if missing), so the app's storage persists
	 * between runs. Without one, a fresh temporary profile is used and deleted on close.
	 */
	profileDir?: string;
	/** Called with the message of every uncaught error in the page. */
	onPageError?: (message: string) => void;
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
		const { startStaticServer } = (await import(STATIC_SERVER_MODULE)) as StaticServerModule;
		const server = await startStaticServer({ dir: options.buildDir, port: 0, host: '127.0.0.1' });
		cleanups.push(() => server.close());
		const url = `http://127.0.0.1:${server.port}/`;

		let profileDir: string;
		if (options.profileDir === undefined) {
			profileDir = await mkdtemp(join(tmpdir(), 'tuning-lab-profile-'));
			const temporary = profileDir;
			cleanups.push(() => rm(temporary, { recursive: true, force: true }));
		} else {
			profileDir = resolve(options.profileDir);
			await mkdir(profileDir, { recursive: true });
		}
		const context: BrowserContext = await chromium.launchPersistentContext(profileDir, {
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS],
			headless: true,
			// The command closes the browser itself on these signals, after stopping the study cleanly.
			handleSIGINT: false,
			handleSIGTERM: false,
			handleSIGHUP: false
		});
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
