import { defineConfig } from '@playwright/test';

// `npm run test:scale` (scripts/test-scale.mjs): the Slurm array under a real one-node Slurm cluster.
// Apart from the end-to-end tests (tests/): it needs root and Slurm, and drives the `tuning-lab`
// command (which starts its own Chromium), not a Playwright page.
export default defineConfig({
	testDir: '.',
	testMatch: /\.scale\.ts$/,
	timeout: 480_000,
	workers: 1,
	fullyParallel: false,
	reporter: [['list']]
});
