import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import { DB_VERSION, openLabDb, type TrialRecord } from './schema';
import {
	appendMetrics,
	closeRun,
	deleteTrial,
	listTrials,
	markInterruptedTrials,
	putTrial,
	readMetrics
} from './trials';

let dbCounter = 0;
const freshDb = () => openLabDb(`test-${++dbCounter}`);

function trial(id: string, createdAt: number): TrialRecord {
	return {
		id,
		createdAt,
		updatedAt: createdAt,
		config: DEFAULT_TRIAL_CONFIG,
		status: 'running',
		lastStep: 0,
		summary: null
	};
}

const rows = (steps: number[]) => ({
	step: steps,
	loss: steps.map((s) => 2 - s / 100),
	lr: steps.map(() => 0.01),
	gradNorm: steps.map(() => 1),
	clipped: steps.map(() => 0)
});

describe('trial storage', () => {
	it('creates every store from an empty database', async () => {
		const db = await freshDb();
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual([
			'checkpoints',
			'dataset-files',
			'datasets',
			'metrics',
			'project',
			'studies',
			'trials'
		]);
		db.close();
	});

	it('appends metric chunks in order and keeps the summary up to date', async () => {
		const db = await freshDb();
		await putTrial(db, trial('a', 1));
		await appendMetrics(
			db,
			'a',
			0,
			{ train: rows([0, 1]), evals: [{ step: 0, valLoss: 2.3, valAccuracy: 0.1 }] },
			2
		);
		const updated = await appendMetrics(
			db,
			'a',
			1,
			{ train: rows([2, 3]), evals: [{ step: 4, valLoss: 1.5, valAccuracy: 0.6 }] },
			4
		);
		expect(updated.lastStep).toBe(4);
		expect(updated.summary).toMatchObject({ bestValLoss: 1.5, bestValLossStep: 4, finalValAccuracy: 0.6 });
		const metrics = await readMetrics(db, 'a');
		expect(metrics.train.step).toEqual([0, 1, 2, 3]);
		expect(metrics.evals.map((e) => e.step)).toEqual([0, 4]);
		db.close();
	});

	it('lists newest first, deletes a trial with its metrics, and leaves other trials alone', async () => {
		const db = await freshDb();
		await putTrial(db, trial('old', 1));
		await putTrial(db, trial('new', 2));
		await appendMetrics(db, 'old', 0, { train: rows([0]), evals: [] }, 1);
		await appendMetrics(db, 'new', 0, { train: rows([0]), evals: [] }, 1);
		expect((await listTrials(db)).map((t) => t.id)).toEqual(['new', 'old']);
		await deleteTrial(db, 'old');
		expect((await listTrials(db)).map((t) => t.id)).toEqual(['new']);
		expect((await readMetrics(db, 'old')).train.step).toEqual([]);
		expect((await readMetrics(db, 'new')).train.step).toEqual([0]);
		db.close();
	});

	it('marks trials a closed tab left running as cancelled, keeping their metrics', async () => {
		const db = await freshDb();
		await putTrial(db, { ...trial('orphan', 1), lastStep: 40 });
		await putTrial(db, trial('live', 2));
		await appendMetrics(db, 'orphan', 0, { train: rows([0]), evals: [] }, 40);
		expect(await markInterruptedTrials(db, (id) => id === 'live')).toBe(1);
		const [live, orphan] = await listTrials(db);
		expect(live!.status).toBe('running');
		expect(orphan!.status).toBe('cancelled');
		expect(orphan!.reason).toMatch(/step 40/);
		expect((await readMetrics(db, 'orphan')).train.step).toEqual([0]);
		db.close();
	});

	it('puts an interrupted study trial back in the queue, keeping its metrics for the resume', async () => {
		const db = await freshDb();
		await putTrial(db, { ...trial('study-trial', 1), studyId: 's1', index: 0, lastStep: 30 });
		await appendMetrics(db, 'study-trial', 0, { train: rows([0]), evals: [] }, 30);
		expect(await markInterruptedTrials(db, () => false)).toBe(1);
		const [requeued] = await listTrials(db);
		expect(requeued).toMatchObject({ status: 'queued', lastStep: 30 });
		expect(requeued!.reason).toMatch(/step 30.*resumes from its latest checkpoint/);
		expect((await readMetrics(db, 'study-trial')).train.step).toEqual([0]);
		db.close();
	});

	it('ends the open run of an interrupted trial at its last stored progress', async () => {
		const db = await freshDb();
		const runs = [
			{ slot: 0, startedAt: 100, endedAt: 200 },
			{ slot: 2, startedAt: 300 }
		];
		await putTrial(db, { ...trial('cut', 1), studyId: 's1', index: 0, updatedAt: 450, runs });
		await markInterruptedTrials(db, () => false);
		const [cut] = await listTrials(db);
		expect(cut!.runs).toEqual([
			{ slot: 0, startedAt: 100, endedAt: 200 },
			{ slot: 2, startedAt: 300, endedAt: 450 }
		]);
		db.close();
	});

	it('closes only an open last run, never before it started', () => {
		expect(closeRun([{ slot: 1, startedAt: 10 }], 25)).toEqual([{ slot: 1, startedAt: 10, endedAt: 25 }]);
		// A clock that stepped back: the run ends when it started, not before.
		expect(closeRun([{ slot: 1, startedAt: 10 }], 5)).toEqual([{ slot: 1, startedAt: 10, endedAt: 10 }]);
		const closed = [{ slot: 0, startedAt: 1, endedAt: 2 }];
		expect(closeRun(closed, 9)).toBe(closed);
		expect(closeRun(undefined, 9)).toBeUndefined();
		expect(closeRun([], 9)).toEqual([]);
	});

	it('refuses metrics for an unknown trial and writes nothing', async () => {
		const db = await freshDb();
		await expect(appendMetrics(db, 'ghost', 0, { train: rows([0]), evals: [] }, 1)).rejects.toThrow(/ghost/);
		expect(await db.count('metrics')).toBe(0);
		db.close();
	});

	it('a database of the current version opens again without running upgrades', async () => {
		const name = `test-${++dbCounter}`;
		(await openLabDb(name)).close();
		const raw = await openDB(name);
		expect(raw.version).toBe(DB_VERSION);
		raw.close();
	});
});
