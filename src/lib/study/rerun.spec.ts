import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets';
import { rerunDefinition } from './rerun';
import { MAX_NAME_CHARS } from './study-schema';

const source = {
	...PRESETS.find((p) => p.id === 'optimizer-comparison')!.build(),
	name: 'Optimizers, round 1',
	notes: 'Adam wins below 1e-3; momentum diverged twice.'
};

describe('rerunDefinition', () => {
	it('keeps the design, names the clone a re-run and leaves the notes behind', () => {
		const clone = rerunDefinition(source);
		expect(clone.name).toBe('Optimizers, round 1 (re-run)');
		expect('notes' in clone).toBe(false);
		expect(clone.params).toEqual(source.params);
		expect(clone.search).toEqual(source.search);
		expect(clone.objective).toEqual(source.objective);
		expect(clone.fixed).toEqual(source.fixed);
		expect(clone.goal).toBe(source.goal);
	});

	it('copies the notes only when asked to', () => {
		expect(rerunDefinition(source, { copyNotes: true }).notes).toBe(
			'Adam wins below 1e-3; momentum diverged twice.'
		);
		expect('notes' in rerunDefinition(source, { copyNotes: false })).toBe(false);
		const { notes: _notes, ...noNotes } = source;
		expect('notes' in rerunDefinition(noNotes, { copyNotes: true })).toBe(false);
	});

	it('never carries the source conclusion, and keeps the name within the limit', () => {
		const concluded = { ...source, conclusion: 'Adopt Adam.', changedBaseline: true };
		const clone = rerunDefinition(concluded, { copyNotes: true });
		expect('conclusion' in clone).toBe(false);
		expect('changedBaseline' in clone).toBe(false);
		const long = rerunDefinition({ ...source, name: 'x'.repeat(MAX_NAME_CHARS) });
		expect(long.name).toBe('x'.repeat(MAX_NAME_CHARS));
	});
});
