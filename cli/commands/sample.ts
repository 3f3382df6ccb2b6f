// `tuning-lab sample FILE`: prints the trials a study would run, as the app would plan them, without
// training anything: a JSON array of {"index", "params"}, one trial per line.

import { processIo, type CommandIo } from '../args';
import { planTrials } from '../../src/lib/study/study-trials';
import { EXIT_INVALID, loadStudyArgument } from '../study-file-args';
import { errorMessage } from '../../src/lib/util/error-message';

export const USAGE = `usage: tuning-lab sample FILE

Validates the study file FILE like "tuning-lab validate" and prints the trials it would run as a JSON
array of {"index", "params"} objects, one per line: the sampled value of every parameter active in
each trial. Nothing is trained. Exits with 1 for an invalid study, 2 for bad usage.
`;

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const loaded = await loadStudyArgument('sample', USAGE, argv, io);
	if (loaded.ok === 'help') return 0;
	if (!loaded.ok) return loaded.exitCode;
	let lines: string[];
	try {
		lines = planTrials(loaded.study).map(({ index, params }) => JSON.stringify({ index, params }));
	} catch (error) {
		io.err(`sample: ${errorMessage(error)}\n`);
		return EXIT_INVALID;
	}
	await io.out(lines.length === 0 ? '[]\n' : `[\n${lines.map((line) => `\t${line}`).join(',\n')}\n]\n`);
	return 0;
}
