// Import fuzz test: a few hundred hostile or broken variants of a valid exported study. Each import
// must either be refused with messages that name a JSON path and leave every store exactly as it was,
// or (when the mutation left a valid study) store exactly the study the file describes.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { HOSTILE_MARKUP, MUTATION_KINDS, mutateStudyText, type MutationKind } from '$lib/testing/study-fuzz';
import { openLabDb } from './schema';
import { deleteStudy, getStudy } from './studies';
import { importStudyFile } from './study-transfer';
import { asStored, exportedText, sharedStudy, snapshot } from '../testing/study-transfer-fixtures';
import { MAX_STUDY_FILE_BYTES, studyFileSizeProblem } from '$lib/study/file-limits';

const MUTATIONS = 360;
const SEED = 20261122;

describe('importing mutated study files', () => {
	it(`refuses broken files cleanly and imports valid ones correctly (${MUTATIONS} mutations)`, async () => {
		const db = await openLabDb('fuzz');
		// The database already holds one imported study, so "nothing written" is checked against real rows.
		const valid = serializeStudy(sharedStudy());
		const seeded = await importStudyFile(db, serializeStudy({ ...sharedStudy(), name: 'Already here' }));
		expect(seeded.ok).toBe(true);
		const before = await snapshot(db);
		const outcomes: Record<MutationKind, { refused: number; imported: number }> = Object.fromEntries(
			MUTATION_KINDS.map((k) => [k, { refused: 0, imported: 0 }])
		) as Record<MutationKind, { refused: number; imported: number }>;

		for (let i = 0; i < MUTATIONS; i++) {
			const mutation = mutateStudyText(valid, SEED, i);
			const label = `mutation ${i} (${mutation.kind}: ${mutation.detail.slice(0, 80)})`;
			const result = await importStudyFile(db, mutation.text);
			if (!result.ok) {
				outcomes[mutation.kind].refused += 1;
				expect(result.errors.length, label).toBeGreaterThan(0);
				for (const error of result.errors) {
					// Each message starts with the JSON path it concerns, then says what is wrong. A key that is
					// not a plain name is written quoted in brackets (["weightDec y"]), spaces and all.
					expect(error, label).toMatch(/^\$(?:[^:\s"]|"[^"]*")*: \S/);
					// Messages quote at most a short piece of the file, never a whole huge value.
					expect(error.length, label).toBeLessThan(1200);
				}
				expect(await snapshot(db), label).toEqual(before);
				continue;
			}
			outcomes[mutation.kind].imported += 1;
			// A mutation that left the file valid must import as exactly what the file says.
			const parsed = parseStudyFile(mutation.text);
			expect(parsed.ok, label).toBe(true);
			if (!parsed.ok) continue;
			const stored = await getStudy(db, result.study.id);
			expect(stored, label).toBeDefined();
			expect(stored!.definition.name, label).toBe(parsed.study.name);
			if (parsed.study.trials.length > 0) {
				const exported = parseStudyFile(await exportedText(db, result.study.id));
				expect(exported.ok, label).toBe(true);
				if (exported.ok) expect(asStored(exported.study), label).toEqual(asStored(parsed.study));
			}
			if (!result.existed) await deleteStudy(db, result.study.id);
			expect(await snapshot(db), label).toEqual(before);
		}

		// Mutations that can never leave a valid study were all refused.
		for (const kind of ['truncate', 'version-bump', 'duplicate-key', 'junk', 'deep-nesting'] as const) {
			expect(outcomes[kind].imported, kind).toBe(0);
		}
		// Markup in names and notes is valid text: it is imported as is (the page shows it as text).
		expect(outcomes['html-in-text'].imported).toBeGreaterThan(0);
		expect(outcomes['swap-type'].refused).toBeGreaterThan(0);
		db.close();
	});

	it('stores markup in names and notes as the literal text', async () => {
		const db = await openLabDb('fuzz-markup');
		const study = { ...sharedStudy(), name: HOSTILE_MARKUP[0]!, notes: HOSTILE_MARKUP[1]! };
		const result = await importStudyFile(db, serializeStudy(study));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const stored = (await getStudy(db, result.study.id))!;
		expect(stored.definition.name).toBe('<script>window.__pwned = 1</script>');
		expect(stored.definition.notes).toBe('<img src=x onerror="window.__pwned = 1">');
		db.close();
	});

	it('refuses 100 MB of junk by its size alone', () => {
		// The size check runs on a byte count (a File's size, a response's length) before any text is read.
		const bytes = 100 * 1000 * 1000;
		expect(bytes).toBeGreaterThan(MAX_STUDY_FILE_BYTES);
		expect(studyFileSizeProblem(bytes)).toBe(
			'$: the file is 95 MiB, over the 64 MiB limit for study files (larger files would need too much ' +
				"of the tab's memory to parse); nothing was read"
		);
	});
});
