// `npm run test:scale`: the scale-out files run under their real scheduler. It makes sure Debian's
// Slurm and MUNGE are installed (installing them with apt as root when they are missing), then runs
// deploy/slurm/array.scale.ts, which starts a one-node Slurm cluster on this machine, submits
// deploy/slurm/array.sbatch and tears the cluster down afterwards.
//
// Where it cannot run (not Linux, not root, no apt, the install fails, no Chromium) it says so and
// why, and stops: with exit code 1 when TUNING_LAB_REQUIRE_SCALE=1 (CI: .ci/run sets it, so there it
// must run), otherwise with 0 and a NOT RUN line that names the reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './chromium-args.mjs';

const REQUIRED = process.env.TUNING_LAB_REQUIRE_SCALE === '1';
/** The programs the cluster needs, and the Debian packages that hold them. */
const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'scancel', 'squeue', 'sinfo'];
const PACKAGES = ['slurm-wlm', 'munge'];

/** @param {string} reason */
function cannotRun(reason) {
	console.error(`test:scale: NOT RUN: ${reason}`);
	if (REQUIRED) {
		console.error('test:scale: TUNING_LAB_REQUIRE_SCALE=1, so not running it is a failure');
		process.exit(1);
	}
	console.error('test:scale: (set TUNING_LAB_REQUIRE_SCALE=1 to make this an error)');
	process.exit(0);
}

/** @param {string} program */
const found = (program) =>
	[...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'].some(
		(dir) => dir !== '' && existsSync(join(dir, program))
	);
const missing = () => PROGRAMS.filter((program) => !found(program));

/** @param {string[]} args */
const apt = (args) =>
	spawnSync('apt-get', args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	}).status === 0;

if (process.platform !== 'linux') cannotRun(`it needs Linux (Slurm's daemons), not ${process.platform}`);
if (process.getuid?.() !== 0) {
	cannotRun('it needs root: slurmd and munged run as root, and Slurm and MUNGE may need installing with apt');
}
if (!existsSync(CHROMIUM_PATH)) {
	cannotRun(`no Chromium at ${CHROMIUM_PATH} (npm test installs Debian's; or set TUNING_LAB_CHROMIUM)`);
}
if (missing().length > 0) {
	if (!found('apt-get'))
		cannotRun(`${missing().join(', ')} missing and no apt-get to install ${PACKAGES.join(' ')}`);
	console.error(`test:scale: installing ${PACKAGES.join(' ')} with apt (missing: ${missing().join(', ')})`);
	const install = ['install', '-y', '--no-install-recommends', ...PACKAGES];
	if (!apt(install) && !(apt(['update']) && apt(install))) {
		cannotRun(`apt-get install ${PACKAGES.join(' ')} failed (see above)`);
	}
	if (missing().length > 0) cannotRun(`still missing after the install: ${missing().join(', ')}`);
}

const started = Date.now();
const run = spawnSync('npx', ['playwright', 'test', '-c', 'deploy/playwright.scale.config.ts'], {
	stdio: 'inherit'
});
console.error(`test:scale: took ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(run.status ?? 1);
