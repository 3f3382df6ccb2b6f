import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStudyFile } from '$lib/study/study-file';
import type { Study } from '$lib/study/study';
import { openLabDb } from './schema';
import { createStudy, deleteStudy, listStudies, listStudyTrials, resetTrial } from './studies';
import { bestByObjective, studyRows, toStudyWithResults } from './study-transfer';
import { appendMetrics, readMetrics } from './trials';

let counter = 0;
const freshDb = () => openLabDb(`studies-${++counter}`);

function defaultStudy(): Study {
	const parsed = parseStudyFile(readFileSync('static/studies/default-digits.study.json', 'utf8'));
	if (!parsed.ok) throw new Error('default study invalid');
	return parsed.study;
}

const rows = (steps: number[], loss: number[]) => ({
	step: steps,
	loss,
	lr: steps.map(() => 0.01),
	gradNorm: steps.map(() => 1),
	clipped: steps.map(() => 0)
});

describe('bestByObjective', () => {
	const metrics = {
		train: rows([0, 1, 2], [2, 0.5, 0.7]),
		evals: [
			{ step: 0, valLoss: 2.3, valAccuracy: 0.1 },
			{ step: 10, valLoss: 0.9, valAccuracy: 0.7 },
			{ step: 20, valLoss: Number.NaN, valAccuracy: 0.8 }
		]
	};
	it('picks the best step for each objective, skipping non-finite values', () => {
		expect(bestByObjective(metrics, { metric: 'valLoss', goal: 'minimize' })).toEqual({
			step: 10,
			value: 0.9
		});
		expect(bestByObjective(metrics, { metric: 'valAccuracy', goal: 'maximize' })).toEqual({
			step: 20,
			value: 0.8
		});
		expect(bestByObjective(metrics, { metric: 'trainLoss', goal: 'minimize' })).toEqual({
			step: 1,
			value: 0.5
		});
	});
});

describe('study storage', () => {
	it('creates a study with every planned trial queued, in index order', async () => {
		const db = await freshDb();
		const { study, trials } = studyRows(defaultStudy(), { imported: false });
		await createStudy(db, study, trials);
		const stored = await listStudyTrials(db, study.id);
		expect(stored.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(stored.every((t) => t.status === 'queued')).toBe(true);
		// The default study balances its scientific hiddenWidth: two trials per value.
		const widths = stored.map((t) => t.params!.hiddenWidth).sort();
		expect(widths).toEqual([128, 128, 32, 32, 64, 64]);
		expect((await listStudies(db))[0]!.status).toBe('draft');
		db.close();
	});

	it('exports results and imports them back as the same table and curves', async () => {
		const db = await freshDb();
		const definition = defaultStudy();
		const { study, trials } = studyRows(definition, { imported: false });
		await createStudy(db, study, trials);
		const first = trials[0]!;
		await db.put('trials', { ...first, status: 'running' });
		await appendMetrics(
			db,
			first.id,
			0,
			{ train: rows([0, 1], [2, 1]), evals: [{ step: 2, valLoss: 1.2, valAccuracy: 0.6 }] },
			2
		);
		await db.put('trials', { ...(await db.get('trials', first.id))!, status: 'completed' });
		const withResults = toStudyWithResults(
			study,
			await Promise.all(
				(await listStudyTrials(db, study.id)).map(async (trial) => ({
					trial,
					metrics: await readMetrics(db, trial.id)
				}))
			)
		);
		expect(withResults.trials[0]).toMatchObject({
			index: 0,
			status: 'completed',
			best: { step: 2, value: 1.2 }
		});

		const imported = studyRows(withResults, { imported: true });
		await createStudy(db, imported.study, imported.trials, imported.chunks);
		const back = await listStudyTrials(db, imported.study.id);
		expect(back.map((t) => [t.index, t.status, t.params])).toEqual(
			withResults.trials.map((t) => [t.index, t.status, t.params])
		);
		expect((await readMetrics(db, back[0]!.id)).train.loss).toEqual([2, 1]);
		expect(back[0]!.summary?.bestValLoss).toBe(1.2);
		expect(imported.study.imported).toBe(true);
		db.close();
	});

	it('resets a trial for a retry and deletes a study with everything in it', async () => {
		const db = await freshDb();
		const { study, trials } = studyRows(defaultStudy(), { imported: false });
		await createStudy(db, study, trials);
		await db.put('trials', { ...trials[1]!, status: 'failed', reason: 'boom', lastStep: 3 });
		await appendMetrics(db, trials[1]!.id, 0, { train: rows([0], [2]), evals: [] }, 1);
		const reset = await resetTrial(db, trials[1]!.id);
		expect(reset).toMatchObject({ status: 'queued', lastStep: 0 });
		expect(reset.reason).toBeUndefined();
		expect((await readMetrics(db, trials[1]!.id)).train.step).toEqual([]);
		await deleteStudy(db, study.id);
		expect(await listStudies(db)).toEqual([]);
		expect(await db.count('trials')).toBe(0);
		db.close();
	});

	it('writes nothing when one trial of a new study cannot be added', async () => {
		const db = await freshDb();
		const { study, trials } = studyRows(defaultStudy(), { imported: false });
		const clash = [...trials, { ...trials[0]! }]; // a duplicate key aborts the transaction
		await expect(createStudy(db, study, clash)).rejects.toThrow();
		expect(await db.count('studies')).toBe(0);
		expect(await db.count('trials')).toBe(0);
		db.close();
	});
});
