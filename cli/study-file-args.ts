// The preamble shared by the commands that take one study file (validate, sample, run, analyze,
// scaling-law): a usage error in one format, --help, exactly one FILE argument, and reading that file as
// a study. Each command keeps its own options, messages and exit codes; only the repeated steps live here.

import { readFile, stat } from 'node:fs/promises';
import { EXIT_USAGE, parseCommandArgs, readFailure, type CommandIo, type OptionSpec } from './args';
import { parseStudyFile } from '../src/lib/study/study-file';
import type { Study } from '../src/lib/study/study';
import { studyFileSizeProblem } from '../src/lib/study/file-limits';

/** Exit code of a file that was read but is not a valid study (validate, sample, run, merge). */
export const EXIT_INVALID = 1;

/**
 * Reports a usage error of `command` on `io.err`, then where to find its usage, and returns
 * EXIT_USAGE for the command to exit with.
 */
export function usageError(command: string, io: CommandIo, message: string): number {
	io.err(`${command}: ${message}\nRun "tuning-lab ${command} --help" for usage.\n`);
	return EXIT_USAGE;
}

/** The arguments of a command that takes one study file: the file and the values of its options. */
export interface StudyFileArgs {
	file: string;
	values: Record<string, string | boolean | undefined>;
}

/**
 * Reads the arguments of `command`: its `options` plus `--help`/`-h`, and exactly one positional, the
 * study file. Returns 'help' when help was asked for (the command prints its own usage), the exit code
 * after reporting a usage error, or the file and the option values.
 */
export function studyFileArgs(
	command: string,
	argv: readonly string[],
	io: CommandIo,
	options: Record<string, OptionSpec> = {}
): StudyFileArgs | 'help' | number {
	const args = parseCommandArgs(argv, { ...options, help: { type: 'boolean', short: 'h' } });
	if (!args.ok) return usageError(command, io, args.error);
	if (args.values.help === true) return 'help';
	const [file, ...extra] = args.positionals;
	if (file === undefined || extra.length > 0) {
		return usageError(
			command,
			io,
			`expected exactly one study file, got ${args.positionals.length} arguments`
		);
	}
	return { file, values: args.values };
}

/**
 * Reads `file` as a study file with results for a command that reports on it (analyze, scaling-law).
 * Returns the study, or null after saying on `io.err` why the file cannot be read or what is wrong with
 * it (one `FILE: PATH: message` line per problem); the command then exits with its bad-file code.
 */
export async function readStudyFile(command: string, file: string, io: CommandIo): Promise<Study | null> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		io.err(`${command}: cannot read ${JSON.stringify(file)}: ${readFailure(error)}\n`);
		return null;
	}
	const parsed = parseStudyFile(text);
	if (!parsed.ok) {
		io.err(
			`${command}: ${JSON.stringify(file)} is not a valid study file:\n` +
				parsed.errors.map(({ path, message }) => `${file}: ${path}: ${message}\n`).join('')
		);
		return null;
	}
	return parsed.study;
}

export type LoadedStudy = { ok: true; study: Study } | { ok: false; exitCode: number };

/**
 * Reads the arguments of a command that takes one study file and no options (validate, sample; run
 * passes its file alone), then the file itself, as `tuning-lab validate` checks it: the page's size
 * limit first, then the study format. Reports problems on `io.err` (one `PATH: message` line per
 * problem) and returns the exit code to use; `command` names the command in messages.
 */
export async function loadStudyArgument(
	command: string,
	usage: string,
	argv: readonly string[],
	io: CommandIo
): Promise<LoadedStudy | { ok: 'help' }> {
	const args = studyFileArgs(command, argv, io);
	if (args === 'help') {
		await io.out(usage);
		return { ok: 'help' };
	}
	if (typeof args === 'number') return { ok: false, exitCode: args };
	const { file } = args;
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
		return {
			ok: false,
			exitCode: usageError(command, io, `cannot read ${JSON.stringify(file)}: ${readFailure(error)}`)
		};
	}
	const result = parseStudyFile(text);
	if (!result.ok) {
		io.err(result.errors.map(({ path, message }) => `${path}: ${message}\n`).join(''));
		return { ok: false, exitCode: EXIT_INVALID };
	}
	return { ok: true, study: result.study };
}
