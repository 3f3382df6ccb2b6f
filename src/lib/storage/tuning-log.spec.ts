import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getBaseline, setBaseline } from '$lib/storage/project';
import { openLabDb, type StudyRecord, type TrialRecord } from '$lib/storage/schema';
import { createStudy } from '$lib/storage/studies';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import { baselineFromTrial } from '$lib/analysis/tuning-log';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { toStudyWithResults } from './study-transfer';
import { saveConclusion, saveScalingLaw, saveTrialNotes } from './tuning-log';

let dbCounter = 0;

const study: StudyRecord = {
	id: 's',
	createdAt: 1,
	updatedAt: 1,
	status: 'finished',
	imported: false,
	runKey: 'run-key',
	definition: {
		name: 'lr study',
		goal: 'find the learning rate',
		workload: { dataset: 'digits', model: 'mlp' },
		budget: { maxTrainSteps: 10, evalEvery: 5, checkpointEvery: 5, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: {},
		search: { algorithm: 'quasi-random', trials: 1, seed: 1 },
		params: [],
		trials: []
	}
};
const trial: TrialRecord = {
	id: 's-t0',
	studyId: 's',
	index: 3,
	createdAt: 1,
	updatedAt: 1,
	config: { ...DEFAULT_TRIAL_CONFIG, learningRate: 0.02 },
	status: 'completed',
	lastStep: 10,
	summary: null
};

async function seeded() {
	const db = await openLabDb(`actions-test-${++dbCounter}`);
	await createStudy(db, study, [trial]);
	return db;
}

describe('tuning log actions', () => {
	it('sets the baseline from a trial: its fixable keys, workload and origin', async () => {
		const db = await seeded();
		const record = await setBaseline(db, baselineFromTrial(study, trial, 42));
		expect(record).toMatchObject({
			workload: { dataset: DEFAULT_TRIAL_CONFIG.dataset, model: DEFAULT_TRIAL_CONFIG.model },
			fromStudyId: 's',
			fromTrialIndex: 3,
			setAt: 42,
			history: []
		});
		expect(record.config.learningRate).toBe(0.02);
		expect(record.config).not.toHaveProperty('maxTrainSteps');
		expect(await getBaseline(db)).toEqual(record);
		db.close();
	});

	it('saves a conclusion without touching the rest of the study', async () => {
		const db = await seeded();
		const saved = await saveConclusion(db, 's', 'lr 0.02 wins', true, 7);
		expect(saved).toMatchObject({ conclusion: 'lr 0.02 wins', changedBaseline: true, concludedAt: 7 });
		expect(await db.get('studies', 's')).toEqual({ ...study, ...saved });
		expect((await db.get('studies', 's'))?.runKey).toBe('run-key');
		await expect(saveConclusion(db, 'nope', '', false)).rejects.toThrow('not in the database');
		db.close();
	});

	it('saves a trial note on the stored record', async () => {
		const db = await seeded();
		const updated = await saveTrialNotes(db, 's-t0', 'diverged early?');
		expect(updated.notes).toBe('diverged early?');
		expect(await db.get('trials', 's-t0')).toEqual({ ...trial, notes: 'diverged early?' });
		db.close();
	});
});

describe('saveScalingLaw', () => {
	const point = { N: 310, D: 1600, loss: 1.5, trial: 0, fromStep: 20 };
	const interval = (v: number): [number, number] => [v * 0.9, v * 1.1];
	const fit = {
		E: 0.5,
		A: 20,
		alpha: 0.4,
		B: 60,
		beta: 0.35,
		intervals: {
			E: interval(0.5),
			A: interval(20),
			alpha: interval(0.4),
			B: interval(60),
			beta: interval(0.35)
		},
		bootstrap: 200,
		seed: 0,
		objective: 1e-4
	};

	it('stores the points and fit in the scalingLaw section, where the export carries them', async () => {
		const db = await openLabDb(`actions-test-${++dbCounter}`);
		const scaling: StudyRecord = {
			...study,
			id: 'sl',
			definition: {
				...study.definition,
				search: { algorithm: 'grid', trials: 2, seed: 1 },
				params: [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [4, 16] }],
				scalingLaw: { size: 'hiddenWidth' }
			}
		};
		await createStudy(db, scaling, []);
		const updated = await saveScalingLaw(db, 'sl', { points: [point], fit });
		expect(updated.definition.scalingLaw).toEqual({ size: 'hiddenWidth', points: [point], fit });
		expect(updated.runKey).toBe('run-key');
		const file = serializeStudy(toStudyWithResults(updated, []));
		const parsed = parseStudyFile(file);
		expect(parsed.ok ? parsed.study.scalingLaw : parsed.errors).toEqual({
			size: 'hiddenWidth',
			points: [point],
			fit
		});
		await expect(saveScalingLaw(db, 's-none', { points: [point], fit })).rejects.toThrow(
			/not in the database/
		);
	});

	it('refuses a study that is not a scaling-law study', async () => {
		const db = await seeded();
		await expect(saveScalingLaw(db, 's', { points: [point], fit })).rejects.toThrow(
			/not a scaling-law study/
		);
	});
});
