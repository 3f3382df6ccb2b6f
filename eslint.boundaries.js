// The dependency rules between folders, checked by `npm run lint` (ARCHITECTURE.md draws them).
// Imports point inward: pure code (math, study, analysis) knows nothing of the engine, the database or
// the pages; charts are fed data; pages and components reach training only through the runner and the
// database only through the state classes; the command line never imports pages.
// Each rule lists the folders a layer must not import, matched anywhere in the import path ($lib/x,
// ../x or ../../x), plus packages it must not use. Tests beside the code (*.spec.ts) are exempt: a test
// may build its fixtures with whatever it needs.

const FOLDERS = {
	math: 'math',
	study: 'study',
	datasets: 'datasets',
	training: 'training',
	tfjs: 'training/tfjs',
	jax: 'training/jax',
	storage: 'storage',
	analysis: 'analysis',
	charts: 'charts',
	runner: 'runner',
	state: 'state',
	ui: 'ui',
	designer: 'designer',
	procedures: 'procedures',
	automation: 'automation',
	routes: 'routes',
	testing: 'testing',
	util: 'util'
};

/** A pattern group matching imports of `folder` by alias or relative path. */
function folderGroup(folder) {
	return [
		`$lib/${folder}/**`,
		`**/lib/${folder}/**`,
		`../${folder}/**`,
		`../../${folder}/**`,
		`./${folder}/**`
	];
}

const ENGINE_PACKAGES = ['@tensorflow/*', '@jax-js/*'];

/**
 * One rule block: files under `path` may not import the listed folders or packages. `typesFrom`
 * folders may still be imported with `import type` (their record types describe shared data).
 */
function layer(path, { folders = [], packages = [], typesFrom = [], except = [], why }) {
	const patterns = [
		...folders.map((f) => ({
			group: folderGroup(FOLDERS[f]),
			message: `${path} must not import ${f}/: ${why}`
		})),
		...typesFrom.map((f) => ({
			group: folderGroup(FOLDERS[f]),
			allowTypeImports: true,
			message: `${path} may import only types from ${f}/: ${why}`
		})),
		...(packages.length
			? [{ group: packages, message: `${path} must not use ${packages.join(', ')}: ${why}` }]
			: [])
	];
	return {
		files: [`${path}/**/*.ts`, `${path}/**/*.svelte`, `${path}/**/*.mjs`],
		ignores: ['**/*.spec.ts', ...except.map((folder) => `${folder}/**`)],
		rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] }
	};
}

const ABOVE_PURE = [
	'training',
	'storage',
	'runner',
	'state',
	'ui',
	'charts',
	'routes',
	'automation',
	'testing'
];
const DOM_AND_ENGINE = [...ENGINE_PACKAGES, 'idb', 'svelte', 'svelte/*', '$app/*'];

const WORKER_SPAWNING = [
	{
		selector: "NewExpression[callee.name='Worker']",
		message: 'start workers through spawnWorker or LazyWorker (src/lib/runner/spawn-worker.ts)'
	},
	{
		selector: "CallExpression[callee.object.name='Comlink'][callee.property.name='wrap']",
		message: 'wrap workers through spawnWorker or LazyWorker (src/lib/runner/spawn-worker.ts)'
	}
];

const TRAINING_NEVER = ['storage', 'runner', 'state', 'ui', 'charts', 'routes', 'automation', 'testing'];
const NOT_IN_WORKERS = ['idb', 'svelte', 'svelte/*', '$app/*'];

export const boundaries = [
	layer('src/lib/util', {
		folders: Object.keys(FOLDERS).filter((f) => f !== 'util'),
		packages: [...ENGINE_PACKAGES, 'idb', 'svelte', 'svelte/*', '$app/*'],
		why: 'util is the floor every folder stands on, so it stands on none of them'
	}),
	layer('src/lib/math', {
		folders: [...ABOVE_PURE, 'study', 'datasets', 'analysis', 'designer', 'procedures'],
		packages: DOM_AND_ENGINE,
		why: 'pure math imports nothing above it'
	}),
	layer('src/lib/study', {
		folders: [...ABOVE_PURE, 'analysis', 'designer', 'procedures'],
		packages: DOM_AND_ENGINE,
		why: 'the study model never touches the engine or the database'
	}),
	layer('src/lib/analysis', {
		folders: ['training', 'runner', 'state', 'ui', 'charts', 'routes', 'automation', 'testing'],
		typesFrom: ['storage'],
		packages: DOM_AND_ENGINE,
		why: 'analysis is pure: it reads study data and computes'
	}),
	layer('src/lib/designer', {
		folders: ABOVE_PURE,
		packages: DOM_AND_ENGINE,
		why: 'the designer draft is pure data'
	}),
	layer('src/lib/procedures', {
		folders: [...ABOVE_PURE.filter((f) => f !== 'training')],
		typesFrom: ['training'],
		packages: DOM_AND_ENGINE,
		why: 'procedures build and read studies; they run nothing'
	}),
	layer('src/lib/charts', {
		folders: ['training', 'storage', 'runner', 'state', 'ui', 'routes', 'automation', 'testing'],
		packages: [...ENGINE_PACKAGES, 'idb'],
		why: 'charts are fed data'
	}),
	layer('src/lib/storage', {
		folders: ['tfjs', 'runner', 'state', 'ui', 'charts', 'routes', 'automation', 'testing'],
		packages: ENGINE_PACKAGES,
		why: 'storage keeps engine-neutral records'
	}),
	layer('src/lib/training', {
		folders: TRAINING_NEVER,
		packages: [...ENGINE_PACKAGES, ...NOT_IN_WORKERS],
		except: ['src/lib/training/tfjs', 'src/lib/training/jax'],
		why: 'training runs in the worker, and only its engine folders use an engine'
	}),
	layer('src/lib/training/tfjs', {
		folders: [...TRAINING_NEVER, 'jax'],
		packages: ['@jax-js/*', ...NOT_IN_WORKERS],
		why: 'the TensorFlow.js engine is the only code that imports TensorFlow.js'
	}),
	layer('src/lib/training/jax', {
		folders: [...TRAINING_NEVER, 'tfjs'],
		packages: ['@tensorflow/*', ...NOT_IN_WORKERS],
		why: 'the compiled engine is the only code that imports jax-js'
	}),
	layer('workers', {
		folders: ['runner', 'state', 'ui', 'charts', 'routes', 'automation', 'testing'],
		packages: [...ENGINE_PACKAGES, 'svelte', 'svelte/*', '$app/*'],
		why: 'workers serve the runner through an engine; they know nothing of the pages'
	}),
	layer('src/lib/runner', {
		folders: ['tfjs', 'state', 'ui', 'charts', 'routes', 'testing'],
		packages: ENGINE_PACKAGES,
		why: 'the runner owns the workers; the engine lives inside them'
	}),
	layer('src/lib/state', {
		folders: ['training', 'ui', 'charts', 'routes', 'testing'],
		packages: ENGINE_PACKAGES,
		why: 'the state classes reach training through the runner'
	}),
	layer('src/lib/ui', {
		folders: ['training', 'storage', 'routes', 'testing'],
		packages: [...ENGINE_PACKAGES, 'idb'],
		why: 'the UI reaches training through the runner and the database through the state classes'
	}),
	layer('src/routes', {
		folders: ['training', 'storage', 'testing'],
		packages: [...ENGINE_PACKAGES, 'idb'],
		why: 'pages reach training through the runner and the database through the state classes'
	}),
	layer('src/lib/automation', {
		folders: ['training', 'runner', 'state', 'ui', 'charts', 'routes', 'testing'],
		typesFrom: ['storage'],
		packages: DOM_AND_ENGINE,
		why: 'the page and the command line both import the protocol: it holds types and pure rules only'
	}),
	layer('cli', {
		folders: ['routes', 'ui', 'state', 'charts', 'runner'],
		packages: ['svelte', 'svelte/*', '$app/*'],
		why: 'the command line drives the built app and uses the pure folders directly, never pages'
	}),
	// One place starts workers and wraps them with comlink (runner/spawn-worker.ts), and one owns the
	// trial worker (runner/trial-workers.ts).
	{
		files: ['src/**/*.ts', 'src/**/*.svelte', 'workers/**/*.ts'],
		ignores: ['src/lib/runner/spawn-worker.ts', '**/*.spec.ts'],
		rules: {
			'no-restricted-syntax': ['error', ...WORKER_SPAWNING]
		}
	},
	{
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/runner/trial-workers.ts', 'src/lib/runner/spawn-worker.ts', '**/*.spec.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "NewExpression[callee.name='LazyWorker'] > Literal[value='trial']",
					message: 'trial workers come from trialWorkers (src/lib/runner/trial-workers.ts), their one owner'
				},
				{
					selector: "CallExpression[callee.name='spawnWorker'] > Literal[value='trial']",
					message: 'trial workers come from trialWorkers (src/lib/runner/trial-workers.ts), their one owner'
				},
				...WORKER_SPAWNING
			]
		}
	}
];
