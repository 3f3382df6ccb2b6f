#!/usr/bin/env node
// The `tuning-lab` command line. It registers tsx so the TypeScript sources run in Node without a build
// step, then loads only the module of the command that was asked for.

import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The repository's tsconfig, not the one in the working directory: the lab's code imports through the
// `$lib` alias it defines, and the command is run from anywhere (a cluster job's scratch folder).
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });

const EXIT_USAGE = 2;

/**
 * Command name -> one-line summary and a lazy loader of a module exporting `run(argv) => exit code`.
 * @type {Record<string, { summary: string, load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }>}
 */
const COMMANDS = {
	schedule: {
		summary: 'print the learning rate of every step of a schedule config as CSV',
		load: () => import('./commands/schedule.ts')
	},
	validate: {
		summary: 'check a study file and list every problem with its JSON path',
		load: () => import('./commands/validate.ts')
	},
	sample: {
		summary: 'print the trials a study file would run (index and parameters) as JSON',
		load: () => import('./commands/sample.ts')
	},
	run: {
		summary: 'run a study in headless Chromium with the app itself and write its results to a study file',
		load: () => import('./commands/run.ts')
	},
	merge: {
		summary: 'join study files with results of one study (such as shards of run) into one file',
		load: () => import('./commands/merge.ts')
	},
	analyze: {
		summary:
			'print the analysis of a study file with results (findings, parameter importance, best so far) as JSON',
		load: () => import('./commands/analyze.ts')
	},
	'scaling-law': {
		summary: 'fit L(N, D) = E + A·N^(−alpha) + B·D^(−beta) to a scaling-law study file and print it as JSON',
		load: () => import('./commands/scaling-law.ts')
	}
};

function helpText() {
	const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
	const rows = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
	return [
		'usage: tuning-lab <command> [arguments]',
		'',
		'Commands:',
		...rows,
		'',
		'Run `tuning-lab <command> --help` for the arguments of a command.',
		''
	].join('\n');
}

// Piping into `head` closes stdout early; that is a normal way to stop, not a crash.
process.stdout.on('error', (error) => {
	if (error.code === 'EPIPE') process.exit(0);
	throw error;
});

/** @param {string[]} argv */
async function main(argv) {
	const [name, ...rest] = argv;
	if (name === undefined) {
		process.stderr.write(helpText());
		return EXIT_USAGE;
	}
	if (name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(helpText());
		return 0;
	}
	const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
	if (command === undefined) {
		const known = Object.keys(COMMANDS).join(', ');
		process.stderr.write(`tuning-lab: unknown command ${JSON.stringify(name)}; commands: ${known}\n`);
		return EXIT_USAGE;
	}
	const { run } = await command.load();
	return run(rest);
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	process.stderr.write(
		`tuning-lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
	);
	process.exitCode = 1;
}
