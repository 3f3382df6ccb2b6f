// The small contract between the `tuning-lab` dispatcher and its commands: how they read their
// arguments, where they write, and which exit codes they return.

import { parseArgs } from 'node:util';
import { errorMessage } from '../src/lib/util/error-message';

/** Exit code for a bad invocation: unknown command, bad flag, invalid input. */
export const EXIT_USAGE = 2;

/** Where a command writes; tests can pass their own. */
export interface CommandIo {
	/** Resolves once the text is handed to the operating system, so large outputs stream. */
	out(text: string): Promise<void>;
	err(text: string): void;
}

export const processIo: CommandIo = {
	out: (text) => new Promise((resolve) => process.stdout.write(text, () => resolve())),
	err: (text) => void process.stderr.write(text)
};

export interface OptionSpec {
	type: 'string' | 'boolean';
	short?: string;
}

export type ParsedArgs =
	| { ok: true; positionals: string[]; values: Record<string, string | boolean | undefined> }
	| { ok: false; error: string };

/**
 * Splits a command's arguments into positionals and the declared `--name value` / `--name=value` options.
 * Unknown or malformed options come back as an error message instead of an exception.
 */
export function parseCommandArgs(argv: readonly string[], options: Record<string, OptionSpec>): ParsedArgs {
	try {
		const { positionals, values } = parseArgs({
			args: [...argv],
			options,
			allowPositionals: true,
			strict: true
		});
		return { ok: true, positionals, values: values as Record<string, string | boolean | undefined> };
	} catch (error) {
		return { ok: false, error: errorMessage(error) };
	}
}

/** Reads a whole positive number written in decimal digits, such as a step count. */
export function parsePositiveInteger(
	text: string | boolean | undefined,
	name: string
): { ok: true; value: number } | { ok: false; error: string } {
	if (typeof text !== 'string') return { ok: false, error: `${name}: required, expected a positive integer` };
	const value = Number(text);
	if (!/^\d+$/.test(text) || value < 1 || !Number.isSafeInteger(value)) {
		return { ok: false, error: `${name}: expected a positive integer, got ${JSON.stringify(text)}` };
	}
	return { ok: true, value };
}

/** Why a file named on the command line could not be read, in a few words. */
export function readFailure(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EISDIR') return 'it is a directory';
	return code ?? 'unreadable';
}
