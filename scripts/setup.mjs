#!/usr/bin/env node
// Installs what is missing, using only Node built-ins (it runs before node_modules exists).
//   node scripts/setup.mjs            npm dependencies from the lockfile
//   node scripts/setup.mjs --browser  also Debian's chromium for the end-to-end tests
// It is idempotent and quick when nothing is missing: the lockfile's hash is stamped after a
// successful install, so a changed lockfile triggers a fresh `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, 'node_modules', '.tuning-lab-setup');
const wantBrowser = process.argv.includes('--browser');

function log(message) {
	console.log(`[setup] ${message}`);
}

function fail(message) {
	console.error(`[setup] ${message}`);
	process.exit(1);
}

function ensureNodeVersion() {
	const [major, minor] = process.versions.node.split('.').map(Number);
	if (major < 20 || (major === 20 && minor < 19)) {
		fail(`Node ${process.versions.node} is too old: Tuning Lab needs Node >= 20.19.`);
	}
}

function ensureNpmDependencies() {
	const lock = readFileSync(join(root, 'package-lock.json'));
	const hash = createHash('sha256').update(lock).digest('hex');
	if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === hash) return;
	log('installing npm dependencies from package-lock.json (npm ci)…');
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) fail('npm ci failed; see the output above.');
	writeFileSync(stampPath, hash);
}

/** The browser the end-to-end tests drive: TUNING_LAB_CHROMIUM overrides Debian's /usr/bin/chromium. */
function chromiumPath() {
	return process.env.TUNING_LAB_CHROMIUM || '/usr/bin/chromium';
}

function ensureChromium() {
	const path = chromiumPath();
	if (existsSync(path)) return;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const hasApt = existsSync('/usr/bin/apt-get');
	if (!isRoot || !hasApt) {
		fail(
			`Chromium was not found at ${path}. Install Debian's chromium as root ` +
				'(apt-get update && apt-get install -y chromium), or point TUNING_LAB_CHROMIUM at a Chromium binary.'
		);
	}
	log('installing Debian chromium (apt-get install -y chromium)…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
	execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
	if (!existsSync(path)) fail(`apt-get finished but ${path} is still missing.`);
}

ensureNodeVersion();
ensureNpmDependencies();
if (wantBrowser) ensureChromium();
log('ready.');
