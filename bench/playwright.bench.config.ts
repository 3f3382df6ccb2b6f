// Browser benchmarks: Playwright specs named `bench/*.browser.ts`, run against the built app
// (`npx vite build` and `npx vite build -c bench/vite.config.ts` first) with the same browser, flags and static server as the end-to-end tests.
// `npx playwright test -c bench/playwright.bench.config.ts`; each spec writes bench/results/<name>.json.
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

const root = fileURLToPath(new URL('..', import.meta.url));
const webServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;

export default defineConfig({
	...base,
	testDir: '.',
	testMatch: '*.browser.ts',
	// Benchmarks repeat their runs inside one test; 10 minutes is generous on two cores.
	timeout: 600_000,
	outputDir: '../test-results/bench',
	// The server command uses paths relative to the repository root, not to this folder.
	webServer: webServer && { ...webServer, cwd: root }
});
