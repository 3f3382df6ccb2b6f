// `tuning-lab merge FILE… --out OUT`: joins study files that hold results of one study, such as the
// shards of `tuning-lab run --shard I/N`, into one file. Each input is read and checked with the same
// code the app uses to open a study; the merging rules are in cli/study-merge.ts.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseCommandArgs, processIo, readFailure, type CommandIo } from '../args';
import { describeStatuses, mergeStudies, missingTrialIndices, type MergeSource } from '../study-merge';
import { parseStudyFile, serializeStudy } from '../../src/lib/study/study-file';
import { EXIT_INVALID, usageError } from '../study-file-args';

export const USAGE = `usage: tuning-lab merge FILE FILE… --out OUT

Merges study files that describe the same study (everything identical except "trials"), such as the
shards written by "tuning-lab run --shard I/N", into the study file OUT. The trials of all files are
joined and sorted by index; a trial index in several files must hold the same record in each.
Prints a summary, and on stderr the planned trials that no file holds.
Exits with 0 on success; 1 when a file is not a valid study, describes another study, or holds a
different record of a trial; 2 for bad usage or a file that cannot be read or written.
`;

/** At most this many missing trial indices are listed. */
const MAX_MISSING_SHOWN = 20;

function listIndices(indices: readonly number[]): string {
	const shown = indices.slice(0, MAX_MISSING_SHOWN).join(', ');
	return indices.length > MAX_MISSING_SHOWN
		? `${shown} and ${indices.length - MAX_MISSING_SHOWN} more`
		: shown;
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const args = parseCommandArgs(argv, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
	if (!args.ok) return usageError('merge', io, args.error);
	if (args.values.help === true) {
		await io.out(USAGE);
		return 0;
	}
	const out = args.values.out;
	if (typeof out !== 'string' || out === '') return usageError('merge', io, '--out OUT is required');
	const files = args.positionals;
	if (files.length === 0) return usageError('merge', io, 'expected at least one study file to merge');

	const sources: MergeSource[] = [];
	let invalid = false;
	for (const file of files) {
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			return usageError('merge', io, `cannot read ${JSON.stringify(file)}: ${readFailure(error)}`);
		}
		const parsed = parseStudyFile(text);
		if (!parsed.ok) {
			// Every file is checked, so one run reports the problems of all of them.
			io.err(parsed.errors.map(({ path, message }) => `${file}: ${path}: ${message}\n`).join(''));
			invalid = true;
			continue;
		}
		sources.push({ label: file, study: parsed.study });
	}
	if (invalid) return EXIT_INVALID;

	const merged = mergeStudies(sources);
	if (!merged.ok) {
		io.err(merged.errors.map((message) => `merge: ${message}\n`).join(''));
		return EXIT_INVALID;
	}
	try {
		await mkdir(dirname(out), { recursive: true });
		await writeFile(out, serializeStudy(merged.study));
	} catch (error) {
		return usageError('merge', io, `cannot write ${JSON.stringify(out)}: ${readFailure(error)}`);
	}
	const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
	await io.out(`merged ${count} into ${out}: ${describeStatuses(merged.study.trials)}\n`);
	let missing: number[] = [];
	try {
		missing = missingTrialIndices(merged.study);
	} catch {
		// A study the sampler cannot plan was still merged; there is just no list of what is missing.
	}
	if (missing.length > 0) {
		io.err(`merge: no file holds planned trial${missing.length === 1 ? '' : 's'} ${listIndices(missing)}\n`);
	}
	return 0;
}
