import 'fake-indexeddb/auto';
import { openDB, type IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openLabDb } from './schema';
import { listTrials, readMetrics } from './trials';
import { getUserDataset, listUserDatasets } from './user-datasets';
import { getBaseline } from './project';

const ALL_STORES = ['checkpoints', 'dataset-files', 'datasets', 'metrics', 'project', 'studies', 'trials'];

/**
 * The stores and indexes exactly as version `version` of the lab created them, each version adding to
 * the one before: v1 trials (by-created) and metrics; v2 trials by-study and studies; v3 trials by-parent
 * and checkpoints; v4 datasets and dataset-files; v5 project.
 */
function createStoresOf(db: IDBPDatabase, version: number): void {
	const trials = db.createObjectStore('trials', { keyPath: 'id' });
	trials.createIndex('by-created', 'createdAt');
	db.createObjectStore('metrics', { keyPath: ['trialId', 'seq'] });
	if (version < 2) return;
	trials.createIndex('by-study', 'studyId');
	db.createObjectStore('studies', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
	if (version < 3) return;
	trials.createIndex('by-parent', 'branch.parentId');
	db.createObjectStore('checkpoints', { keyPath: ['trialId', 'step'] });
	if (version < 4) return;
	db.createObjectStore('datasets', { keyPath: 'id' });
	db.createObjectStore('dataset-files', { keyPath: 'id' });
	if (version < 5) return;
	db.createObjectStore('project', { keyPath: 'id' });
}

describe('schema upgrades', () => {
	it('upgrades a version-1 database, keeping its trials and metrics', async () => {
		const name = 'upgrade-from-v1';
		// A database exactly as version 1 of the lab created it, with one finished trial.
		const v1 = await openDB(name, 1, { upgrade: (db) => createStoresOf(db, 1) });
		await v1.put('trials', {
			id: 'old-trial',
			createdAt: 5,
			updatedAt: 6,
			config: { dataset: 'digits', model: 'mlp', maxTrainSteps: 2 },
			status: 'completed',
			lastStep: 2,
			summary: null
		});
		await v1.put('metrics', {
			trialId: 'old-trial',
			seq: 0,
			train: { step: [0, 1], loss: [2, 1], lr: [0.1, 0.1], gradNorm: [1, 1], clipped: [0, 0] },
			evals: [{ step: 2, valLoss: 1.5, valAccuracy: 0.5 }]
		});
		v1.close();

		const db = await openLabDb(name);
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		const [trial] = await listTrials(db);
		expect(trial).toMatchObject({ id: 'old-trial', status: 'completed', lastStep: 2 });
		expect((await readMetrics(db, 'old-trial')).train.loss).toEqual([2, 1]);
		// The new index works and does not list the old single trial under any study.
		expect(await db.getAllFromIndex('trials', 'by-study', 'any-study')).toEqual([]);
		db.close();
	});
});

describe('schema upgrade to version 3', () => {
	it('adds the checkpoints store to a version-2 database and keeps its studies and trials', async () => {
		const name = 'upgrade-from-v2';
		const v2 = await openDB(name, 2, { upgrade: (db) => createStoresOf(db, 2) });
		await v2.put('studies', {
			id: 's',
			createdAt: 1,
			updatedAt: 1,
			status: 'paused',
			imported: false,
			definition: {}
		});
		await v2.put('trials', {
			id: 's-t0',
			studyId: 's',
			index: 0,
			createdAt: 1,
			updatedAt: 1,
			config: {},
			status: 'queued',
			lastStep: 0,
			summary: null
		});
		v2.close();

		const db = await openLabDb(name);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		expect((await db.get('studies', 's'))?.status).toBe('paused');
		expect((await db.getAllFromIndex('trials', 'by-study', 's')).map((t) => t.id)).toEqual(['s-t0']);
		expect(await db.count('checkpoints')).toBe(0);
		db.close();
	});
});

describe('schema upgrade to version 4', () => {
	it('adds the dataset stores to a version-3 database and keeps its studies, trials and checkpoints', async () => {
		const name = 'upgrade-from-v3';
		// A database exactly as version 3 of the lab created it.
		const v3 = await openDB(name, 3, { upgrade: (db) => createStoresOf(db, 3) });
		await v3.put('studies', {
			id: 's',
			createdAt: 1,
			updatedAt: 1,
			status: 'finished',
			imported: false,
			definition: { workload: { dataset: 'iris', model: 'mlp' } }
		});
		await v3.put('trials', {
			id: 's-t0',
			studyId: 's',
			index: 0,
			createdAt: 1,
			updatedAt: 2,
			config: {},
			status: 'completed',
			lastStep: 10,
			summary: null,
			checkpoints: [{ step: 10 }]
		});
		await v3.put('checkpoints', { trialId: 's-t0', step: 10, createdAt: 2, state: { step: 10 } });
		v3.close();

		const db = await openLabDb(name);
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		expect((await db.get('studies', 's'))?.status).toBe('finished');
		expect((await db.getAllFromIndex('trials', 'by-study', 's')).map((t) => t.lastStep)).toEqual([10]);
		expect(await db.get('checkpoints', ['s-t0', 10])).toMatchObject({ trialId: 's-t0', step: 10 });
		expect(await listUserDatasets(db)).toEqual([]);
		expect(await getUserDataset(db, `csv:${'0'.repeat(64)}`)).toBeUndefined();
		db.close();
	});
});

describe('schema upgrade to version 5', () => {
	it('adds the project store to a version-4 database and keeps its studies, trials and datasets', async () => {
		const name = 'upgrade-from-v4';
		// A database exactly as version 4 of the lab created it.
		const v4 = await openDB(name, 4, { upgrade: (db) => createStoresOf(db, 4) });
		await v4.put('studies', {
			id: 's',
			createdAt: 1,
			updatedAt: 1,
			status: 'finished',
			imported: false,
			definition: { name: 'old', notes: 'kept' }
		});
		await v4.put('trials', {
			id: 's-t0',
			studyId: 's',
			index: 0,
			createdAt: 1,
			updatedAt: 2,
			config: {},
			status: 'completed',
			lastStep: 10,
			summary: null
		});
		await v4.put('datasets', { id: 'csv:abc', name: 'mine.csv' });
		v4.close();

		const db = await openLabDb(name);
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		const study = await db.get('studies', 's');
		expect(study?.definition.notes).toBe('kept');
		// Conclusions are optional fields: old studies simply have none.
		expect(study?.conclusion).toBeUndefined();
		expect((await db.getAllFromIndex('trials', 'by-study', 's')).map((t) => t.lastStep)).toEqual([10]);
		expect(await db.get('datasets', 'csv:abc')).toMatchObject({ name: 'mine.csv' });
		expect(await getBaseline(db)).toBeUndefined();
		db.close();
	});
});

describe('schema upgrade to version 6', () => {
	it('gives every trial of a version-5 database an empty run list, keeping every record, and stores new runs', async () => {
		const name = 'upgrade-from-v5';
		// A database exactly as version 5 of the lab created it, with a study, its trials and metrics.
		const v5 = await openDB(name, 5, { upgrade: (db) => createStoresOf(db, 5) });
		await v5.put('studies', {
			id: 's',
			createdAt: 1,
			updatedAt: 1,
			status: 'finished',
			imported: false,
			definition: { name: 'old' }
		});
		const old = Array.from({ length: 3 }, (_, k) => ({
			id: `s-t${k}`,
			studyId: 's',
			index: k,
			createdAt: 1,
			updatedAt: 2 + k,
			config: { seed: k },
			status: k === 2 ? 'infeasible' : 'completed',
			lastStep: 10 * (k + 1),
			summary: null,
			notes: `note ${k}`,
			checkpoints: [{ step: 10 }]
		}));
		for (const trial of old) await v5.put('trials', trial);
		await v5.put('trials', {
			id: 'single',
			createdAt: 7,
			updatedAt: 8,
			config: {},
			status: 'completed',
			lastStep: 5,
			summary: null
		});
		await v5.put('metrics', {
			trialId: 's-t0',
			seq: 0,
			train: { step: [0], loss: [2], lr: [0.1], gradNorm: [1], clipped: [0] },
			evals: []
		});
		await v5.put('checkpoints', { trialId: 's-t0', step: 10, createdAt: 2, state: { step: 10 } });
		await v5.put('project', { id: 'baseline', history: [] });
		v5.close();

		const db = await openLabDb(name);
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		// Every record is kept whole; each trial gains only an empty run list (nothing recorded when it ran).
		const upgraded = await db.getAllFromIndex('trials', 'by-study', 's');
		expect(upgraded).toEqual(old.map((trial) => ({ ...trial, runs: [] })));
		expect(await db.get('trials', 'single')).toEqual({
			id: 'single',
			createdAt: 7,
			updatedAt: 8,
			config: {},
			status: 'completed',
			lastStep: 5,
			summary: null,
			runs: []
		});
		expect((await readMetrics(db, 's-t0')).train.loss).toEqual([2]);
		expect(await db.get('checkpoints', ['s-t0', 10])).toMatchObject({ step: 10 });
		expect(await db.get('studies', 's')).toMatchObject({ definition: { name: 'old' } });
		expect(await getBaseline(db)).toMatchObject({ id: 'baseline' });

		// The new field: a trial that ran twice (paused and resumed on another slot) keeps both runs.
		const runs = [
			{ slot: 1, startedAt: 1_000, endedAt: 4_000 },
			{ slot: 0, startedAt: 9_000, endedAt: 12_500 }
		];
		await db.put('trials', { ...upgraded[0]!, runs });
		expect((await db.get('trials', 's-t0'))?.runs).toEqual(runs);
		db.close();

		// Opening again runs no upgrade step and leaves the runs as they are.
		const again = await openLabDb(name);
		expect((await again.get('trials', 's-t0'))?.runs).toEqual(runs);
		expect((await again.get('trials', 's-t1'))?.runs).toEqual([]);
		again.close();
	});
});
