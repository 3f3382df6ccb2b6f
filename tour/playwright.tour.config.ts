// `npm run tour`: screenshots of every page, for a person to look at the whole product at once. Runs
// against the built app with the same browser, flags and static server as the end-to-end tests; the
// pictures land in tour/screenshots/ (not kept in git).
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

const root = fileURLToPath(new URL('..', import.meta.url));
const webServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;

export default defineConfig({
	...base,
	testDir: '.',
	testMatch: '*.tour.ts',
	outputDir: '../test-results/tour',
	// The server command uses paths relative to the repository root, not to this folder.
	webServer: webServer && { ...webServer, cwd: root }
});
