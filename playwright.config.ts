import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium-args.mjs';

// The browser and its flags live in scripts/chromium-args.mjs, shared with `tuning-lab run`.
export { CHROMIUM_ARGS };

const PORT = Number(process.env.TUNING_LAB_E2E_PORT ?? 4179);

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
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS]
		}
	},
	webServer: {
		command: `node scripts/serve.mjs build --port ${PORT}`,
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: false,
		timeout: 30_000
	}
});
