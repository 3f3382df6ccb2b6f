// Mounts the benchmark page named by `?page=` (curves, seed, storage or training). The bench/*.browser.ts specs
// open /bench/index.html?page=<name>; each page then exposes its own window hook.
import { mount, type Component } from 'svelte';

const PAGES: Record<string, () => Promise<{ default: Component }>> = {
	curves: () => import('./CurvesBench.svelte'),
	seed: () => import('./SeedStudyBench.svelte'),
	storage: () => import('./StorageBench.svelte'),
	training: () => import('./TrainingBench.svelte')
};

const name = new URL(location.href).searchParams.get('page') ?? '';
const load = PAGES[name];
if (load) mount((await load()).default, { target: document.body });
else document.body.textContent = `no benchmark page "${name}"; ?page= takes ${Object.keys(PAGES).join(', ')}`;
