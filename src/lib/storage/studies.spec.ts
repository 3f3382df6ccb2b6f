import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStudyFile } from '$lib/study/study-file';
import type { Study } from '$lib/study/study';
import { openLabDb } from './schema';
import { createStudy, deleteStudy, listStudies, listStudyTrials, requeueTrial, resetTrial } from './studies';
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
		// trainLoss: the mean training loss since the previous evaluation. Steps 0–2 come before the
		// evaluation at 10: (2 + 0.5 + 0.7) / 3; the evaluations at 0 and 20 have no rows before them.
		expect(bestByObjective(metrics, { metric: 'trainLoss', goal: 'minimize' })).toEqual({
			step: 10,
			value: expect.closeTo(3.2 / 3, 12)
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

	it('retries a failed trial from its latest checkpoint, keeping the rows before it and the checkpoints', async () => {
		const db = await freshDb();
		const { study, trials } = studyRows(defaultStudy(), { imported: false });
		await createStudy(db, study, trials);
		const id = trials[2]!.id;
		const steps = Array.from({ length: 27 }, (_, i) => i);
		await appendMetrics(
			db,
			id,
			0,
			{
				train: rows(
					steps,
					steps.map((s) => 2 - s / 100)
				),
				evals: [0, 10, 20].map((step) => ({ step, valLoss: 2 - step / 50, valAccuracy: 0.5 }))
			},
			27
		);
		const metas = [10, 20].map((step) => ({ step, value: 2 - step / 50, bytes: 8 }));
		for (const step of [10, 20]) {
			await db.put('checkpoints', { trialId: id, step, createdAt: 0, state: { step } as never });
		}
		const failed = {
			...(await db.get('trials', id))!,
			status: 'failed' as const,
			reason: 'the trial worker crashed'
		};
		await db.put('trials', { ...failed, checkpoints: metas });
		const requeued = await requeueTrial(db, id);
		expect(requeued).toMatchObject({ status: 'queued', lastStep: 20, checkpoints: metas });
		expect(requeued.reason).toBe(
			'retried after: the trial worker crashed; it resumes from its checkpoint at step 20'
		);
		// Training rows of steps 0–19 and the evaluations up to 20 stay; the resumed run logs the rest.
		const kept = await readMetrics(db, id);
		expect(kept.train.step).toEqual(steps.slice(0, 20));
		expect(kept.evals.map((e) => e.step)).toEqual([0, 10, 20]);
		expect((await db.getAllKeys('checkpoints')).map((k) => k[1])).toEqual([10, 20]);
		expect(requeued.summary).toMatchObject({ bestValLoss: expect.closeTo(1.6, 12), bestValLossStep: 20 });
		// Only a failed or cancelled trial can be retried.
		await expect(requeueTrial(db, id)).rejects.toThrow(
			'is queued: only a failed or cancelled trial can be retried'
		);
		// Without a checkpoint there is nothing to resume from: it starts over.
		const other = trials[3]!.id;
		await db.put('trials', { ...(await db.get('trials', other))!, status: 'cancelled', lastStep: 5 });
		await appendMetrics(db, other, 0, { train: rows([0, 1], [2, 2]), evals: [] }, 2);
		expect(await requeueTrial(db, other)).toMatchObject({ status: 'queued', lastStep: 0, checkpoints: [] });
		expect((await readMetrics(db, other)).train.step).toEqual([]);
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
