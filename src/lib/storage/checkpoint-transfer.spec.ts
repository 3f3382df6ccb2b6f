import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { sha256Hex } from '$lib/util/sha256';
import {
	base64ToFloats,
	bestTrialCheckpoints,
	floatsToBase64,
	importCheckpoints,
	parseCheckpointsFile,
	serializeCheckpoints
} from './checkpoint-transfer';
import { saveCheckpoint } from './checkpoints';
import {
	CHECKPOINTS_SCHEMA_PATH,
	checkpointsJsonSchemaText,
	checkpointsSchemaProblems
} from './checkpoints-json-schema';
import { readFileSync } from 'node:fs';
import { openLabDb, type LabDb } from './schema';
import { createStudy, getStudy, listStudyTrials, putStudy } from './studies';
import { importStudyFile, studyRows } from './study-transfer';
import { exportedText, sharedStudy, snapshot } from '../testing/study-transfer-fixtures';
import { appendMetrics, putTrial } from './trials';

let counter = 0;
const freshDb = () => openLabDb(`checkpoint-transfer-${++counter}`);

function checkpoint(step: number, valLoss: number, seed: number): TrialCheckpoint {
	const fill = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => seed + k + i / 8);
	return {
		step,
		paramNames: ['dense/kernel', 'dense/bias'],
		params: [fill(6, 0), fill(2, 1)],
		// Trial 2 ran a schedule-free optimizer: slots z and v, and Σγ² (a float64 with no short decimal).
		optimizer:
			seed === 2
				? {
						step,
						slots: { z: [fill(6, 2), fill(2, 3)], v: [fill(6, 4), fill(2, 5)] },
						rateSquaredSum: step / 3
					}
				: { step, slots: { m: [fill(6, 2), fill(2, 3)], v: [fill(6, 4), fill(2, 5)] } },
		averagers: [{ kind: 'ema', state: { updates: step, average: [fill(6, 6), fill(2, 7)] } }],
		batchOrder: { epochSeedState: 123 + seed, epoch: 1, position: 4 },
		initialLoss: 2.3,
		evalRow: { step, valLoss, valAccuracy: 0.5 }
	};
}

/** A study that ran here: three trials, each with two checkpoints; trial 1 is best, then 2, then 0. */
async function ranStudy(db: LabDb) {
	const rows = studyRows({ ...sharedStudy(), trials: [] }, { imported: false });
	await createStudy(db, rows.study, rows.trials);
	const finals = [0.9, 0.3, 0.6];
	for (const [k, trial] of rows.trials.entries()) {
		await appendMetrics(
			db,
			trial.id,
			0,
			{
				train: { step: [0], loss: [2], lr: [0.01], gradNorm: [1], clipped: [0] },
				evals: [
					{ step: 10, valLoss: finals[k]! + 0.1, valAccuracy: 0.4 },
					{ step: 20, valLoss: finals[k]!, valAccuracy: 0.5 }
				]
			},
			20
		);
		await saveCheckpoint(db, trial.id, checkpoint(10, finals[k]! + 0.1, k), 100);
		await saveCheckpoint(db, trial.id, checkpoint(20, finals[k]!, k), 100);
		const stored = (await listStudyTrials(db, rows.study.id))[k]!;
		await putTrial(db, { ...stored, status: 'completed' });
	}
	await putStudy(db, { ...rows.study, status: 'finished' });
	return rows.study;
}

/** The two files a person shares: the study with results, and the best `count` trials' checkpoints. */
async function exportBoth(db: LabDb, studyId: string, count: number) {
	const studyText = await exportedText(db, studyId);
	const study = (await getStudy(db, studyId))!;
	const checkpointsText = serializeCheckpoints({
		studyHash: await sha256Hex(studyText),
		studyName: study.definition.name,
		checkpoints: await bestTrialCheckpoints(db, study, count)
	});
	return { studyText, checkpointsText };
}

describe('float32 arrays as base64', () => {
	it('writes little-endian float32 bytes (reference from Python struct.pack("<3f", 1, -2, 0.5))', () => {
		expect(floatsToBase64(Float32Array.from([1, -2, 0.5]))).toBe('AACAPwAAAMAAAAA/');
		expect(base64ToFloats('AACAPwAAAMAAAAA/')).toEqual(Float32Array.from([1, -2, 0.5]));
	});

	it('says what is wrong with text that is not whole float32 values in base64', () => {
		expect(base64ToFloats('AACAPw==')).toEqual(Float32Array.from([1]));
		expect(base64ToFloats('AACA')).toBe('holds 3 bytes, not a whole number of float32 values');
		expect(base64ToFloats('<img onerror=x>')).toMatch(/^expected base64 text/);
	});
});

describe('sharing checkpoints', () => {
	it('exports the best checkpoint of the best k trials, in rank order', async () => {
		const db = await freshDb();
		const study = await ranStudy(db);
		const entries = await bestTrialCheckpoints(db, study, 2);
		expect(entries.map((e) => [e.index, e.state.step, e.state.evalRow.valLoss])).toEqual([
			[1, 20, 0.3],
			[2, 20, 0.6]
		]);
	});

	it('never ships a diverged trial as one of the best, however good its checkpoint', async () => {
		const db = await freshDb();
		const study = await ranStudy(db);
		// Trial 1 (the best, 0.3) diverged after its best checkpoint.
		const trials = await listStudyTrials(db, study.id);
		await putTrial(db, { ...trials[1]!, status: 'infeasible', reason: 'diverged at step 25' });
		const entries = await bestTrialCheckpoints(db, study, 2);
		expect(entries.map((e) => [e.index, e.state.evalRow.valLoss])).toEqual([
			[2, 0.6],
			[0, 0.9]
		]);
	});

	it('values a trainLoss checkpoint from the trial’s rows when the file predates the trainLoss column', async () => {
		const source = await freshDb();
		const ran = await ranStudy(source);
		const record = (await getStudy(source, ran.id))!;
		await putStudy(source, {
			...record,
			definition: { ...record.definition, objective: { metric: 'trainLoss', goal: 'minimize' } }
		});
		// Training rows of steps 10 and 11 come before the evaluation at 20: its trainLoss is (0.5 + 0.7) / 2.
		for (const trial of await listStudyTrials(source, ran.id)) {
			await appendMetrics(
				source,
				trial.id,
				1,
				{
					train: { step: [10, 11], loss: [0.5, 0.7], lr: [0.01, 0.01], gradNorm: [1, 1], clipped: [0, 0] },
					evals: []
				},
				20
			);
		}
		const { studyText, checkpointsText } = await exportBoth(source, ran.id, 1);
		expect(checkpointsText).not.toContain('trainLoss');
		const target = await freshDb();
		const imported = await importStudyFile(target, studyText);
		if (!imported.ok) throw new Error(imported.errors.join('; '));
		expect(await importCheckpoints(target, checkpointsText)).toMatchObject({ ok: true, trials: 1 });
		const trials = await listStudyTrials(target, imported.study.id);
		expect(trials[1]!.checkpoints?.map((c) => [c.step, c.value])).toEqual([[20, expect.closeTo(0.6, 12)]]);
	});

	it('imports them onto the imported study, bit for bit, once however often it is imported', async () => {
		const source = await freshDb();
		const ran = await ranStudy(source);
		const { studyText, checkpointsText } = await exportBoth(source, ran.id, 2);
		const target = await freshDb();
		const imported = await importStudyFile(target, studyText);
		expect(imported.ok).toBe(true);
		if (!imported.ok) return;
		const first = await importCheckpoints(target, checkpointsText);
		expect(first).toMatchObject({ ok: true, trials: 2 });
		const afterFirst = await snapshot(target);
		expect(afterFirst.checkpoints).toHaveLength(2);
		expect(await importCheckpoints(target, checkpointsText)).toMatchObject({ ok: true, trials: 2 });
		expect((await snapshot(target)).checkpoints).toHaveLength(2);
		const trials = await listStudyTrials(target, imported.study.id);
		expect(trials[1]!.checkpoints).toEqual([{ step: 20, value: 0.3, bytes: 4 * 8 * 4 }]);
		expect(trials[0]!.checkpoints ?? []).toEqual([]);
		const stored = await target.get('checkpoints', [trials[1]!.id, 20]);
		expect(stored!.state).toEqual(checkpoint(20, 0.3, 1));
		// The schedule-free trial's Σγ² comes back as the same float64.
		const scheduleFree = await target.get('checkpoints', [trials[2]!.id, 20]);
		expect(scheduleFree!.state).toEqual(checkpoint(20, 0.6, 2));
		expect(scheduleFree!.state.optimizer.rateSquaredSum).toBe(20 / 3);
	});

	it('refuses checkpoints whose study is not here, and broken files, writing nothing', async () => {
		const source = await freshDb();
		const ran = await ranStudy(source);
		const { studyText, checkpointsText } = await exportBoth(source, ran.id, 1);
		const target = await freshDb();
		const empty = await snapshot(target);
		const orphan = await importCheckpoints(target, checkpointsText);
		expect(orphan.ok).toBe(false);
		if (!orphan.ok) expect(orphan.errors[0]).toMatch(/^\$\.study\.sha256: no study in this browser/);
		expect(await snapshot(target)).toEqual(empty);

		await importStudyFile(target, studyText);
		const before = await snapshot(target);
		const file = JSON.parse(checkpointsText) as {
			version: number;
			checkpoints: { params: string[]; optimizer: { slots: { m: string[] } }; index: number }[];
		};
		const broken = structuredClone(file);
		broken.checkpoints[0]!.optimizer.slots.m[1] = floatsToBase64(new Float32Array(3));
		const wrongSize = await importCheckpoints(target, JSON.stringify(broken));
		expect(wrongSize).toEqual({
			ok: false,
			errors: ['$.checkpoints[0].optimizer.slots.m[1]: holds 3 values; parameter 1 has 2']
		});
		const noTrial = structuredClone(file);
		noTrial.checkpoints[0]!.index = 7;
		expect(await importCheckpoints(target, JSON.stringify(noTrial))).toEqual({
			ok: false,
			errors: ['$.checkpoints[0].index: the study has no trial 7']
		});
		const newer = { ...file, version: 2 };
		const refused = await importCheckpoints(target, JSON.stringify(newer));
		expect(refused.ok === false && refused.errors[0]).toMatch(/^\$\.version: this file comes from a newer/);
		expect(parseCheckpointsFile(checkpointsText.slice(0, 200)).ok).toBe(false);
		expect(await snapshot(target)).toEqual(before);
	});

	it('names the path of every problem in a malformed file, with the valid keys', () => {
		const text = serializeCheckpoints({
			studyHash: 'ab'.repeat(32),
			studyName: 'Width study',
			checkpoints: [{ index: 0, state: checkpoint(10, 0.5, 1) }]
		});
		expect(parseCheckpointsFile(text).ok).toBe(true);
		const file = JSON.parse(text) as {
			study: Record<string, unknown>;
			checkpoints: Record<string, unknown>[];
		};
		file.study.sha256 = 'AB';
		const entry = file.checkpoints[0]!;
		entry.Step = entry.step;
		delete entry.step;
		entry.batchOrder = [];
		(entry.evalRow as Record<string, unknown>).valLoss = 'low';
		expect(parseCheckpointsFile(JSON.stringify(file))).toEqual({
			ok: false,
			errors: [
				'$.study.sha256: expected 64 lowercase hexadecimal digits',
				'$.checkpoints[0].Step: unknown key (did you mean step?); valid keys are index, step, paramNames, params, optimizer, ' +
					'averagers, batchOrder, initialLoss, evalRow',
				'$.checkpoints[0].step: required',
				'$.checkpoints[0].batchOrder: expected an object, got an array',
				'$.checkpoints[0].evalRow.valLoss: expected a number or null, got "low"'
			]
		});
	});
});

describe(CHECKPOINTS_SCHEMA_PATH, () => {
	it('is what npm run schema writes from the checkpoints schema (run it after changing the schema)', async () => {
		const published = readFileSync(new URL(`../../../${CHECKPOINTS_SCHEMA_PATH}`, import.meta.url), 'utf8');
		expect(published).toBe(await checkpointsJsonSchemaText());
	});

	it('accepts a real export and names what a broken file breaks (ajv, a standard validator)', async () => {
		const db = await freshDb();
		const ran = await ranStudy(db);
		const { checkpointsText } = await exportBoth(db, ran.id, 2);
		const file = JSON.parse(checkpointsText) as { checkpoints: Record<string, unknown>[]; extra?: number };
		expect(file.checkpoints).toHaveLength(2);
		expect(checkpointsSchemaProblems(file)).toEqual([]);
		file.extra = 1;
		file.checkpoints[1]!.step = -3;
		delete file.checkpoints[0]!.params;
		expect(checkpointsSchemaProblems(file).sort()).toEqual([
			'$.checkpoints[0].params: required',
			'$.checkpoints[1].step: minimum',
			'$.extra: additionalProperties'
		]);
	});
});
