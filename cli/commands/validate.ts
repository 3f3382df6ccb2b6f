// `tuning-lab validate FILE`: checks a study file with the same code the app uses to open one, and
// says either that it is fine (with its size) or what is wrong, one `PATH: message` line per problem.

import { processIo, type CommandIo } from '../args';
import { loadStudyArgument } from '../study-file-args';

// Its exit code for a file that was read but is not a valid study (shared with sample, run and merge).
export { EXIT_INVALID } from '../study-file-args';

export const USAGE = `usage: tuning-lab validate FILE

Checks the study file FILE (format "tuning-lab.study", see docs/study-format.md).
Prints "ok: NAME (N trials, D searched parameters)" and exits with 0 when it is valid; otherwise
prints one "PATH: message" line per problem on stderr and exits with 1. Exits with 2 for bad usage
or a file that cannot be read.
`;

/** Longest study name echoed back. */
const MAX_NAME_SHOWN = 80;

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
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
