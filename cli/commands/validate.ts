// `tuning-lab validate FILE`: checks a study file with the same code the app uses to open one, and
// says either that it is fine (with its size) or what is wrong, one `PATH: message` line per problem.

import { readFile, stat } from 'node:fs/promises';
import { EXIT_USAGE, parseCommandArgs, processIo, readFailure, type CommandIo } from '../args';
import { parseStudyFile } from '../../src/lib/study/study-file';
import type { Study } from '../../src/lib/study/study';
import { studyFileSizeProblem } from '../../src/lib/study/file-limits';

/** Exit code of a file that was read but is not a valid study. */
export const EXIT_INVALID = 1;

export const USAGE = `usage: tuning-lab validate FILE

Checks the study file FILE (format "tuning-lab.study", see docs/study-format.md).
Prints "ok: NAME (N trials, D searched parameters)" and exits with 0 when it is valid; otherwise
prints one "PATH: message" line per problem on stderr and exits with 1. Exits with 2 for bad usage
or a file that cannot be read.
`;

/** Longest study name echoed back. */
const MAX_NAME_SHOWN = 80;

export type LoadedStudy = { ok: true; study: Study } | { ok: false; exitCode: number };

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Reads the arguments of a command that takes one study file, then the file itself. Reports problems
 * on `io.err` and returns the exit code to use; `command` names the command in messages.
 */
export async function loadStudyArgument(
	command: string,
	usage: string,
	argv: readonly string[],
	io: CommandIo
): Promise<LoadedStudy | { ok: 'help' }> {
	const usageError = (message: string): LoadedStudy => {
		io.err(`${command}: ${message}\nRun "tuning-lab ${command} --help" for usage.\n`);
		return { ok: false, exitCode: EXIT_USAGE };
	};
	const args = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } });
	if (!args.ok) return usageError(args.error);
	if (args.values.help === true) {
		await io.out(usage);
		return { ok: 'help' };
	}
	const [file, ...extra] = args.positionals;
	if (file === undefined || extra.length > 0) {
		return usageError(`expected exactly one study file, got ${args.positionals.length} arguments`);
	}
	let text: string;
	try {
		// The same limit as the page's import, checked before anything is read.
		const tooLarge = studyFileSizeProblem((await stat(file)).size, JSON.stringify(file));
		if (tooLarge) {
			io.err(`${tooLarge}\n`);
			return { ok: false, exitCode: EXIT_INVALID };
		}
		text = await readFile(file, 'utf8');
	} catch (error) {
		return usageError(`cannot read ${JSON.stringify(file)}: ${readFailure(error)}`);
	}
	const result = parseStudyFile(text);
	if (!result.ok) {
		io.err(result.errors.map(({ path, message }) => `${path}: ${message}\n`).join(''));
		return { ok: false, exitCode: EXIT_INVALID };
	}
	return { ok: true, study: result.study };
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const loaded = await loadStudyArgument('validate', USAGE, argv, io);
	if (loaded.ok === 'help') return 0;
	if (!loaded.ok) return loaded.exitCode;
	const { study } = loaded;
	const shown = study.name.replace(/\s+/g, ' ');
	const chars = Array.from(shown);
	const name = chars.length > MAX_NAME_SHOWN ? `${chars.slice(0, MAX_NAME_SHOWN - 1).join('')}…` : shown;
	const searched = new Set(study.params.map((param) => param.name)).size;
	await io.out(
		`ok: ${name} (${plural(study.search.trials, 'trial')}, ${plural(searched, 'searched parameter')})\n`
	);
	return 0;
}
