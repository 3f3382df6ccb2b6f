import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: everything runs in the browser, so the shell is the fallback for every route.
		adapter: adapter({ fallback: 'index.html' }),
		alias: { $workers: 'workers' },
		// The page registers src/service-worker.ts itself (src/lib/state/sw-update.svelte.ts) to announce updates.
		serviceWorker: { register: false },
		typescript: {
			// Typecheck the worker, the command line, benchmarks and the screenshot tour too, not only src/ and tests/.
			config(tsconfig) {
				tsconfig.include.push(
					'../workers/**/*.ts',
					'../cli/**/*.ts',
					'../cli/**/*.mjs',
					'../deploy/**/*.ts',
					'../bench/**/*.ts',
					'../bench/**/*.svelte',
					'../tour/**/*.ts',
					'../playwright.config.ts'
				);
				tsconfig.compilerOptions.allowImportingTsExtensions = true;
			}
		}
	}
};

export default config;
