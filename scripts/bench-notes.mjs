// `npm run bench:notes`: rewrites the hand-written part of docs/BENCHMARKS.md (bench/NOTES.md, which
// reads the numbers) and leaves everything `npm run bench` measured untouched: the header with date,
// command, machine and load, and every table. Why: scripts/bench.mjs reads NOTES.md when it finishes,
// so notes that quote a full run's figures can only be written after that run; rerunning the hour-long
// run to change a sentence would also change the figures the sentence quotes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The document with its notes replaced. The measured header ends at the first blank line after the
 * `- Load average` line (scripts/bench.mjs writes the machine lines as one list); the tables start at
 * the first `## bench/` heading. Throws when either landmark is missing, rather than guess.
 * @param {string} doc the current docs/BENCHMARKS.md
 * @param {string} notes the current bench/NOTES.md
 * @returns {string}
 */
export function replaceNotes(doc, notes) {
	const lines = doc.split('\n');
	const load = lines.findIndex((l) => l.startsWith('- Load average'));
	if (load < 0) throw new Error('docs/BENCHMARKS.md has no "- Load average" line: run `npm run bench` first');
	const headerEnd = lines.findIndex((l, i) => i > load && l.trim() === '');
	const tables = lines.findIndex((l) => l.startsWith('## bench/'));
	if (headerEnd < 0 || tables < 0 || tables < headerEnd) {
		throw new Error(
			'docs/BENCHMARKS.md has no "## bench/" table after its header: run `npm run bench` first'
		);
	}
	return [...lines.slice(0, headerEnd + 1), ...notes.trimEnd().split('\n'), '', ...lines.slice(tables)].join(
		'\n'
	);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const root = new URL('..', import.meta.url).pathname;
	const docPath = join(root, 'docs', 'BENCHMARKS.md');
	const doc = readFileSync(docPath, 'utf8');
	writeFileSync(docPath, replaceNotes(doc, readFileSync(join(root, 'bench', 'NOTES.md'), 'utf8')));
	console.log(
		'rewrote the notes of docs/BENCHMARKS.md from bench/NOTES.md; its measured parts are unchanged'
	);
}
