import 'fake-indexeddb/auto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openLabDb } from '$lib/storage/schema';
import { exportedText, sharedStudy } from '$lib/testing/study-transfer-fixtures';
import { importStudyFile } from '$lib/storage/study-transfer';
import { DEFAULT_STUDY_WORKLOADS, defaultStudyFor } from './default-studies';
import { PRESETS, adamByTrialBudget } from './presets';
import { serializeStudy } from './study-file';
import { STUDY_SCHEMA_PATH, schemaProblems, studyJsonSchemaText } from './study-json-schema';

const root = new URL('../../../', import.meta.url);
const published = readFileSync(new URL(STUDY_SCHEMA_PATH, root), 'utf8');

function filesIn(folder: string): { name: string; text: string }[] {
	const url = new URL(folder, root);
	return readdirSync(url)
		.filter((name) => name.endsWith('.study.json'))
		.map((name) => ({ name, text: readFileSync(new URL(name, `${url.href}/`), 'utf8') }));
}

describe(STUDY_SCHEMA_PATH, () => {
	it('is what npm run schema writes from the study schema (run it after changing the schema)', async () => {
		expect(published).toBe(await studyJsonSchemaText());
	});

	it('accepts every bundled study, preset, default study and test fixture', () => {
		const files = [...filesIn('static/studies'), ...filesIn('tests/fixtures')];
		expect(files.length).toBeGreaterThanOrEqual(11);
		for (const { name, text } of files) expect(schemaProblems(JSON.parse(text)), name).toEqual([]);
		for (const preset of PRESETS) {
			expect(schemaProblems(JSON.parse(serializeStudy(preset.build()))), preset.id).toEqual([]);
		}
		expect(schemaProblems(JSON.parse(serializeStudy(adamByTrialBudget(150))))).toEqual([]);
		for (const workload of DEFAULT_STUDY_WORKLOADS) {
			const file = JSON.parse(serializeStudy(defaultStudyFor(workload)));
			expect(schemaProblems(file), `${workload.dataset}/${workload.model}`).toEqual([]);
		}
	});

	it('accepts a study exported from the database with results and the tuning log', async () => {
		const db = await openLabDb('json-schema-export');
		const imported = await importStudyFile(db, serializeStudy(sharedStudy()));
		expect(imported.ok).toBe(true);
		if (!imported.ok) return;
		const file = JSON.parse(await exportedText(db, imported.study.id)) as { trials: unknown[] };
		expect(file.trials).toHaveLength(3);
		expect(schemaProblems(file)).toEqual([]);
	});
});
