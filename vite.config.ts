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
		testTimeout: 60_000
	}
});
