#!/usr/bin/env node
// A small static server for the built lab (build/), used by `npm start`, the end-to-end tests and
// the command line. Single-page app: unknown paths get index.html.
//   node scripts/serve.mjs [DIR] [--port N] [--host H]
import { startStaticServer } from './static-server.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : fallback;
};
const dir = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 'build';
const port = Number(option('--port', process.env.PORT ?? 4173));
const host = option('--host', '127.0.0.1');

const server = await startStaticServer({ dir, port, host });
console.log(`Tuning Lab is running at http://${host === '127.0.0.1' ? 'localhost' : host}:${server.port}/`);
console.log(
	'Press Run for a quick trial, or "New default study" for a ready 6-trial study. Ctrl+C stops the server.'
);
