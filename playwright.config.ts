import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.TUNING_LAB_E2E_PORT ?? 4179);

/** Debian's Chromium (DESIGN.md §4); these flags keep it quiet on a closed network and expose WebGPU. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
	'--enable-unsafe-webgpu'
];

export default defineConfig({
	testDir: 'tests',
	timeout: 240_000,
	expect: { timeout: 20_000 },
	// One browser at a time: the machine has two cores and trials are CPU-bound.
	workers: 1,
	fullyParallel: false,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		browserName: 'chromium',
		headless: true,
		launchOptions: {
			executablePath: process.env.TUNING_LAB_CHROMIUM ?? '/usr/bin/chromium',
			args: CHROMIUM_ARGS
		}
	},
	webServer: {
		command: `node scripts/serve.mjs build --port ${PORT}`,
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: false,
		timeout: 30_000
	}
});
