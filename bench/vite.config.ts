// The benchmark pages (bench/pages/*.svelte, mounted by index.html?page=<name>): plain Svelte pages over
// the lab's own modules, built into build/bench/ by `npm run bench` after the app, so the static server
// serves them beside the app at /bench/index.html?page=<name>. They are never part of `npm run build`,
// so the shipped app and its service worker's precache hold none of them.
import { fileURLToPath } from 'node:url';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
	root: at('./pages'),
	base: '/bench/',
	plugins: [svelte({ configFile: false, preprocess: vitePreprocess() })],
	resolve: { alias: { $lib: at('../src/lib'), $workers: at('../workers') } },
	worker: { format: 'es' },
	build: {
		outDir: at('../build/bench'),
		emptyOutDir: true,
		rollupOptions: {
			input: at('./pages/index.html')
		}
	}
});
