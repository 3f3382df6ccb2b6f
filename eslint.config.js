import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';
import { boundaries } from './eslint.boundaries.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } }
	},
	{
		// Type-aware rules need every file in a TypeScript project: the SvelteKit tsconfig holds src/,
		// workers/, cli/, tests/, deploy/ and bench/; the files it leaves out are checked with its options.
		files: ['**/*.ts', '**/*.mjs', '**/*.svelte', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: {
					allowDefaultProject: [
						'src/service-worker.ts',
						'scripts/*.ts',
						// Not scripts/chromium-args.mjs: project files import it, which puts it in the project.
						'scripts/bench.mjs',
						'scripts/build-datasets.mjs',
						'scripts/build-summary.mjs',
						'scripts/machine.mjs',
						'scripts/make-icons.mjs',
						'scripts/quiet-build.mjs',
						'scripts/serve.mjs',
						'scripts/setup.mjs',
						'scripts/static-server.mjs',
						'scripts/test-scale.mjs',
						'scripts/bench-gpu.mjs',
						'scripts/bench-notes.mjs'
					],
					defaultProject: 'tsconfig.json',
					maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32
				},
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			// A promise nobody awaits loses its rejection; one passed where a plain callback is expected
			// (an event handler, a setTimeout) is never awaited by its caller.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig,
				// Svelte files take their types from a fixed program, not from the project service: the
				// service rebuilt its program for each component's virtual file (measured, whole lint on
				// one thread: 67 s with the service, 42 s with the fixed program; same findings).
				projectService: false,
				project: './tsconfig.json'
			}
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	...boundaries,
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/'] }
);
