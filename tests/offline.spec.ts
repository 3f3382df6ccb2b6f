// Install and offline (issue 10, item 1): after one visit the lab loads, shows its stored studies and
// trains with the server gone and the browser offline; a new version is announced and taken only on
// the user's click, keeping every stored study. The app is served from a copy of build/ by a server
// this test owns, so it can really stop the server and change the copy.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium-args.mjs';
import { configureShortTrial, runTrialAndWait } from './helpers';

interface StaticServer {
	port: number;
	close(): Promise<void>;
}
const SERVER_MODULE = new URL('../scripts/static-server.mjs', import.meta.url).href;
async function serve(dir: string): Promise<StaticServer> {
	const { startStaticServer } = (await import(SERVER_MODULE)) as {
		startStaticServer(options: { dir: string; port?: number }): Promise<StaticServer>;
	};
	return startStaticServer({ dir, port: 0 });
}

let dir = '';
test.beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'tuning-lab-offline-'));
	cpSync('build', dir, { recursive: true });
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Waits until the service worker controls the page and its install (the precache) is complete. */
async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null))
		.toBe('activated');
}

test('after one visit the lab loads, shows stored studies and trains with the network off', async ({
	page,
	context
}) => {
	const server = await serve(dir);
	const origin = `http://127.0.0.1:${server.port}`;
	try {
		await page.goto(`${origin}/`);
		await expect(page.getByTestId('run')).toBeVisible();
		await waitForServiceWorker(page);

		// What the cache holds: the shell, the trial worker's wasm binaries, bundled data and studies.
		const cached = await page.evaluate(async () => {
			const names = await caches.keys();
			const cache = await caches.open(names.find((n) => n.startsWith('tuning-lab-'))!);
			return { names, urls: (await cache.keys()).map((r) => new URL(r.url).pathname) };
		});
		expect(cached.names).toHaveLength(1);
		expect(cached.urls).toContain('/');
		expect(cached.urls.filter((u) => u.endsWith('.wasm'))).toHaveLength(3);
		expect(cached.urls.some((u) => u.includes('/workers/trial-worker'))).toBe(true);
		expect(cached.urls).toContain('/datasets/digits/train-images.idx.gz');
		expect(cached.urls).toContain('/manifest.webmanifest');
		expect(cached.urls.some((u) => u.startsWith('/studies/'))).toBe(true);

		// A stored study to find again offline.
		await page.getByTestId('new-default-study').click();
		await expect(page).toHaveURL(/\/study\?id=/);
		const studyName = (await page.getByTestId('study-name').textContent())!.trim();

		await server.close();
		await context.setOffline(true);

		await page.goto(`${origin}/`);
		await expect(page.getByTestId('run')).toBeVisible();
		await expect(page.getByTestId('study-list')).toContainText(studyName);
		// A deep link works offline too (the shell is the fallback for every route).
		await page.getByTestId('study-list').getByRole('link', { name: studyName }).click();
		await expect(page.getByTestId('study-name')).toHaveText(studyName);
		await expect(page.getByTestId('study-trial-row')).not.toHaveCount(0);

		// Training offline: the worker script, the wasm binary and the dataset all come from the cache.
		await page.goto(`${origin}/`);
		await configureShortTrial(page, 'wasm', 60, 30);
		const id = await runTrialAndWait(page, 120_000);
		await expect(page.locator(`[data-testid="trial-row"][data-trial-id="${id}"]`)).toContainText('wasm');
	} finally {
		await context.setOffline(false);
		await server.close().catch(() => undefined);
	}
});

test('the manifest and service worker meet the install criteria', async ({ page }) => {
	const server = await serve(dir);
	try {
		await page.goto(`http://127.0.0.1:${server.port}/`);
		await waitForServiceWorker(page);
		const manifest = await page.evaluate(async () => {
			const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!;
			const response = await fetch(link.href);
			return { type: response.headers.get('content-type'), body: await response.json() };
		});
		expect(manifest.type).toBe('application/manifest+json');
		const body = manifest.body as {
			name: string;
			short_name: string;
			start_url: string;
			display: string;
			icons: { src: string; sizes: string; type: string; purpose: string }[];
		};
		expect(body.name).toBe('Tuning Lab');
		expect(body.short_name).toBeTruthy();
		expect(body.start_url).toBe('/');
		expect(['standalone', 'fullscreen', 'minimal-ui']).toContain(body.display);
		for (const size of ['192x192', '512x512']) {
			const icon = body.icons.find((i) => i.sizes === size && i.purpose === 'any');
			expect(icon, `an "any" icon of ${size}`).toBeDefined();
			// The file really is a PNG of that size (IHDR width and height, big-endian).
			const dims = await page.evaluate(async (src) => {
				const bytes = new DataView(await (await fetch(src)).arrayBuffer());
				return [bytes.getUint32(16), bytes.getUint32(20)];
			}, icon!.src);
			expect(dims.join('x')).toBe(size);
		}
		expect(body.icons.some((i) => i.purpose === 'maskable')).toBe(true);
		// Chrome's own installability check (DevTools protocol). Playwright's contexts are incognito, where
		// Chrome never offers to install, so the check runs in a persistent profile as a user's browser is.
		const profile = mkdtempSync(join(tmpdir(), 'tuning-lab-install-'));
		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS],
			headless: true
		});
		try {
			const tab = browser.pages()[0] ?? (await browser.newPage());
			await tab.goto(`http://127.0.0.1:${server.port}/`);
			await waitForServiceWorker(tab);
			const cdp = await browser.newCDPSession(tab);
			const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
				installabilityErrors: { errorId: string }[];
			};
			expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
		} finally {
			await browser.close();
			rmSync(profile, { recursive: true, force: true });
		}
		// The service worker is served as JavaScript, never from a stale HTTP cache.
		const sw = await page.evaluate(async () => {
			const response = await fetch('/service-worker.js', { cache: 'no-store' });
			return { type: response.headers.get('content-type'), cache: response.headers.get('cache-control') };
		});
		expect(sw.type).toMatch(/^text\/javascript/);
		expect(sw.cache).toBe('no-cache');
	} finally {
		await server.close();
	}
});

test('a new version is announced and taken only on the user click (confirmed while a trial trains), keeping stored studies', async ({
	page
}) => {
	const server = await serve(dir);
	try {
		await page.goto(`http://127.0.0.1:${server.port}/`);
		await waitForServiceWorker(page);
		await page.getByTestId('new-default-study').click();
		await expect(page).toHaveURL(/\/study\?id=/);
		const studyName = (await page.getByTestId('study-name').textContent())!.trim();
		await page.goto(`http://127.0.0.1:${server.port}/`);
		const firstCache = await page.evaluate(() => caches.keys());
		await expect(page.getByTestId('update-banner')).toHaveCount(0);

		// "Deploy" a new version: a changed service worker script with a new cache version.
		const swPath = join(dir, 'service-worker.js');
		const text = readFileSync(swPath, 'utf8');
		const version = JSON.parse(readFileSync(join(dir, '_app/version.json'), 'utf8')).version as string;
		expect(text).toContain(version);
		writeFileSync(swPath, text.split(version).join(`${version}-next`));
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

		await expect(page.getByTestId('update-banner')).toContainText('reload to update');
		// Waiting, not yet in charge: the old version still controls the page.
		expect(await page.evaluate(() => caches.keys())).toContain(firstCache[0]);

		// While a trial trains, Reload asks first; declining leaves the page and the trial alone.
		await configureShortTrial(page, 'wasm', 50_000, 10_000);
		await page.getByTestId('run').click();
		const running = page.locator('[data-testid="trial-row"][data-status="running"]');
		await expect(running).toHaveCount(1);
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
		const asked = new Promise<string>((resolve) =>
			page.once('dialog', (dialog) => {
				resolve(dialog.message());
				void dialog.dismiss();
			})
		);
		await page.getByTestId('update-reload').click();
		expect(await asked).toMatch(/^A trial is training\. Reloading now stops it/);
		await expect(page.getByTestId('update-reload')).toBeEnabled();
		expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
		await expect(running).toHaveCount(1);
		expect(await page.evaluate(() => caches.keys())).toContain(firstCache[0]);

		// Accepting takes the new version.
		page.once('dialog', (dialog) => void dialog.accept());
		await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
		await expect(page.getByTestId('run')).toBeVisible();
		await expect(page.getByTestId('update-banner')).toHaveCount(0);
		await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([`tuning-lab-${version}-next`]);
		await expect(page.getByTestId('study-list')).toContainText(studyName);
	} finally {
		await server.close();
	}
});
