import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import { latestCheckpoint, pruneToBest, saveCheckpoint, trimMetricsAfter } from './checkpoints';
import { openLabDb, type TrialRecord } from './schema';
import { appendMetrics, putTrial, readMetrics } from './trials';

let counter = 0;
const freshDb = () => openLabDb(`checkpoints-${++counter}`);

const trial: TrialRecord = {
	id: 't',
	createdAt: 0,
	updatedAt: 0,
	config: DEFAULT_TRIAL_CONFIG,
	status: 'running',
	lastStep: 0,
	summary: null,
	checkpointPolicy: { every: 10, keepBest: 1, objective: { metric: 'valLoss', goal: 'minimize' } }
};

function checkpoint(step: number, valLoss: number): TrialCheckpoint {
	return {
		step,
		paramNames: ['w'],
		params: [new Float32Array([step, step + 1])],
		optimizer: { step, slots: {} },
		averagers: [],
		batchOrder: { epochSeedState: 1, epoch: 0, position: step },
		initialLoss: 2.3,
		evalRow: { step, valLoss, valAccuracy: 0.5 }
	};
}

describe('checkpoint storage', () => {
	it('keeps the latest and the best by the objective, dropping the rest in the same transaction', async () => {
		const db = await freshDb();
		await putTrial(db, trial);
		await saveCheckpoint(db, 't', checkpoint(10, 1.0), 8);
		await saveCheckpoint(db, 't', checkpoint(20, 0.6), 8);
		await saveCheckpoint(db, 't', checkpoint(30, 0.8), 8);
		const after = await saveCheckpoint(db, 't', checkpoint(40, 0.9), 8);
		expect(after.checkpoints?.map((c) => [c.step, c.value])).toEqual([
			[20, 0.6],
			[40, 0.9]
		]);
		expect((await db.getAllKeys('checkpoints')).map((k) => k[1])).toEqual([20, 40]);
		expect((await latestCheckpoint(db, after))?.step).toBe(40);
		const pruned = await pruneToBest(db, after);
		expect(pruned.checkpoints?.map((c) => c.step)).toEqual([20]);
		expect((await db.getAllKeys('checkpoints')).map((k) => k[1])).toEqual([20]);
		db.close();
	});

	it('a failed save changes nothing: the earlier checkpoints and the trial record stay as they were', async () => {
		const db = await freshDb();
		await putTrial(db, trial);
		await saveCheckpoint(db, 't', checkpoint(10, 1.0), 8);
		// A value IndexedDB cannot store aborts the transaction, as a full disk would.
		const broken = { ...checkpoint(20, 0.5), params: [() => 0] } as unknown as TrialCheckpoint;
		await expect(saveCheckpoint(db, 't', broken, 8)).rejects.toThrow();
		expect((await db.getAllKeys('checkpoints')).map((k) => k[1])).toEqual([10]);
		expect((await db.get('trials', 't'))?.checkpoints?.map((c) => c.step)).toEqual([10]);
		db.close();
	});

	it('trims metrics to a checkpoint: train rows before it, evaluations up to it', async () => {
		const db = await freshDb();
		await putTrial(db, trial);
		const rows = (steps: number[]) => ({
			step: steps,
			loss: steps.map((s) => s),
			lr: steps.map(() => 0.1),
			gradNorm: steps.map(() => 1),
			clipped: steps.map(() => 0)
		});
		await appendMetrics(
			db,
			't',
			0,
			{ train: rows([0, 1, 2, 3, 4]), evals: [{ step: 0, valLoss: 2, valAccuracy: 0 }] },
			5
		);
		await appendMetrics(
			db,
			't',
			1,
			{ train: rows([5, 6, 7]), evals: [{ step: 5, valLoss: 1, valAccuracy: 0 }] },
			8
		);
		await appendMetrics(
			db,
			't',
			2,
			{ train: rows([8, 9]), evals: [{ step: 10, valLoss: 1, valAccuracy: 0 }] },
			10
		);
		// Chunk 1 keeps only its step-5 evaluation, so new chunks continue at 2.
		expect(await trimMetricsAfter(db, 't', 5)).toBe(2);
		const kept = await readMetrics(db, 't');
		expect(kept.train.step).toEqual([0, 1, 2, 3, 4]);
		expect(kept.evals.map((e) => e.step)).toEqual([0, 5]);
		db.close();
	});
});
