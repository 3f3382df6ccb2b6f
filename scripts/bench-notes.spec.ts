import { describe, expect, it } from 'vitest';
import { replaceNotes } from './bench-notes.mjs';

const doc = [
	'# Benchmarks',
	'',
	'Written by `npm run bench`.',
	'',
	'- Date: 2026-12-05',
	'- Load average (1/5/15 min) at start 1 / 1 / 1, at end 2 / 2 / 2',
	'',
	'## Old notes',
	'',
	'- old figure 3.91×',
	'',
	'## bench/peer.bench.ts (Node)',
	'',
	'| benchmark | median |',
	'| a | 1 |',
	''
].join('\n');

describe('replaceNotes', () => {
	it('swaps only the notes between the measured header and the first table', () => {
		const out = replaceNotes(doc, '## New notes\n\n- new figure 4.02×\n');
		expect(out).toBe(
			[
				'# Benchmarks',
				'',
				'Written by `npm run bench`.',
				'',
				'- Date: 2026-12-05',
				'- Load average (1/5/15 min) at start 1 / 1 / 1, at end 2 / 2 / 2',
				'',
				'## New notes',
				'',
				'- new figure 4.02×',
				'',
				'## bench/peer.bench.ts (Node)',
				'',
				'| benchmark | median |',
				'| a | 1 |',
				''
			].join('\n')
		);
	});

	it('refuses a document without the measured header or tables', () => {
		expect(() => replaceNotes('# Benchmarks\n\nno header\n', 'x')).toThrow(/Load average/);
		expect(() => replaceNotes('- Load average 1\n\nnotes only\n', 'x')).toThrow(/## bench\//);
	});
});
