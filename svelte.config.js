import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: everything runs in the browser, so the shell is the fallback for every route.
		adapter: adapter({ fallback: 'index.html' }),
		alias: { $workers: 'workers' },
		typescript: {
			// Typecheck the worker and the command line too, not only src/ and tests/.
			config(tsconfig) {
				tsconfig.include.push(
					'../workers/**/*.ts',
					'../cli/**/*.ts',
					'../cli/**/*.mjs',
					'../playwright.config.ts'
				);
				tsconfig.compilerOptions.allowImportingTsExtensions = true;
			}
		}
	}
};

export default config;
