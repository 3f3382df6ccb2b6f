import { availableParallelism } from 'node:os';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// The trial worker lives in the top-level workers/ folder, outside src/.
	server: { fs: { allow: ['workers'] } },
	worker: { format: 'es' },
	test: {
		include: [
			'src/**/*.spec.ts',
			'workers/**/*.spec.ts',
			'cli/**/*.spec.ts',
			'scripts/**/*.spec.ts',
			'deploy/**/*.spec.ts'
		],
		environment: 'node',
		expect: { requireAssertions: true },
		// Vitest leaves one core free by default; on a two-core machine that halves the suite's speed
		// (measured: 92 s with one worker, 60 s with two). Nothing in the unit tests is timed.
		maxWorkers: availableParallelism(),
		// Spec files share a worker's module graph instead of each importing TensorFlow.js, jax-js and the
		// datasets afresh (measured: 58 s isolated, 42–45 s shared). Every spec that needs a TF.js backend
		// sets it, so no file depends on what an earlier one left; the suite passes in shuffled orders.
		isolate: false,
		testTimeout: 60_000
	}
});
