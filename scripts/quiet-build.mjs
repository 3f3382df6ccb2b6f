// `npm start`'s build step: runs `vite build` with its output captured and prints one summary line
// (time, files, size of build/). On failure the whole captured output is printed, so nothing is hidden
// when something goes wrong; on success the bundler's hints for developers (a preview command, plugin
// timings) are left out, since `npm start` serves the build itself.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSummary } from './build-summary.mjs';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'build');

/** Every file under `dir` with its size in bytes. */
function filesUnder(dir) {
	const found = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) found.push(...filesUnder(path));
		else if (entry.isFile()) found.push(statSync(path).size);
	}
	return found;
}

const started = performance.now();
process.stdout.write('Building the lab… ');
const child = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
	cwd: root,
	env: { ...process.env, FORCE_COLOR: '0' }
});
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
child.stderr.on('data', (chunk) => (output += chunk));
child.on('close', (code) => {
	if (code !== 0) {
		process.stdout.write('failed.\n\n');
		process.stderr.write(output);
		process.exit(code ?? 1);
	}
	console.log(buildSummary((performance.now() - started) / 1000, filesUnder(outDir)));
});
