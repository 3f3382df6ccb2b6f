import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseStudyFile, serializeStudy } from '$lib/study/study-file';
import { sha256Hex } from '$lib/util/sha256';
import { openLabDb } from './schema';
import { exportedText, sharedStudy, snapshot } from '../testing/study-transfer-fixtures';
import { createStudy, getStudy, listStudies, listStudyTrials, putStudy } from './studies';
import { importStudyFile, studyRows, toFileTrial } from './study-transfer';
import { MAX_STUDY_FILE_BYTES, studyFileSizeProblem } from '$lib/study/file-limits';

let counter = 0;
const freshDb = () => openLabDb(`transfer-${++counter}`);

describe('the study file carries the tuning log', () => {
	it('writes notes, throughput, conclusion and changedBaseline under their documented keys', () => {
		const file = JSON.parse(serializeStudy(sharedStudy())) as Record<string, unknown> & {
			trials: Record<string, unknown>[];
		};
		expect(file.conclusion).toBe('Width 128 wins at every learning rate.');
		expect(file.changedBaseline).toBe(true);
		expect(file.trials[0]!.notes).toBe('Trial 0 looks noisy.');
		expect(file.trials[1]!.throughput).toEqual({
			stepsPerSecond: 41.5,
			measuredSteps: 60,
			warmupSteps: 20,
			includesEvaluation: false
		});
		expect(file.trials[2]!).not.toHaveProperty('notes');
	});

	it('round-trips them through the database: import, then export gives the same file', async () => {
		const db = await freshDb();
		const text = serializeStudy(sharedStudy());
		const result = await importStudyFile(db, text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const record = (await getStudy(db, result.study.id))!;
		// The conclusion lives on the record (where the tuning log reads it), not in the definition.
		expect(record.conclusion).toBe('Width 128 wins at every learning rate.');
		expect(record.changedBaseline).toBe(true);
		expect(record.definition).not.toHaveProperty('conclusion');
		const trials = await listStudyTrials(db, result.study.id);
		expect(trials[0]!.notes).toBe('Trial 0 looks noisy.');
		expect(trials[1]!.throughput?.stepsPerSecond).toBe(41.5);
		expect(await exportedText(db, result.study.id)).toBe(text);
	});

	it('refuses wrong types of the new keys, naming each path', () => {
		const file = JSON.parse(serializeStudy(sharedStudy())) as Record<string, unknown> & {
			trials: Record<string, unknown>[];
		};
		file.changedBaseline = 'yes';
		file.conclusion = 7;
		file.trials[0]!.notes = ['a'];
		file.trials[1]!.throughput = {
			stepsPerSecond: -1,
			measuredSteps: 1.5,
			warmupSteps: 0,
			includesEvaluation: 'no',
			extra: 1
		};
		const result = parseStudyFile(JSON.stringify(file));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		const paths = result.errors.map((e) => e.path);
		expect(paths).toEqual(
			expect.arrayContaining([
				'$.changedBaseline',
				'$.conclusion',
				'$.trials[0].notes',
				'$.trials[1].throughput.stepsPerSecond',
				'$.trials[1].throughput.measuredSteps',
				'$.trials[1].throughput.includesEvaluation',
				'$.trials[1].throughput.extra'
			])
		);
	});
});

describe('the study file carries the batch a trial trained in', () => {
	it('writes it under batch, reads it back into the record and exports the same file', async () => {
		const study = sharedStudy();
		study.trials[0] = { ...study.trials[0]!, batch: 'batch-a' };
		study.trials[1] = { ...study.trials[1]!, batch: 'batch-a' };
		const text = serializeStudy(study);
		const file = JSON.parse(text) as { trials: Record<string, unknown>[] };
		expect(file.trials.map((t) => t.batch)).toEqual(['batch-a', 'batch-a', undefined]);
		const db = await freshDb();
		const result = await importStudyFile(db, text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const trials = await listStudyTrials(db, result.study.id);
		expect(trials.map((t) => t.batchId)).toEqual(['batch-a', 'batch-a', undefined]);
		expect(await exportedText(db, result.study.id)).toBe(text);
	});
});

describe('the study file carries a trial checkpoint average', () => {
	/** The shared study with trial 2's average of steps 20 and 40 (its loss not finite). */
	const withAverage = () => {
		const study = sharedStudy();
		study.trials[2] = {
			...study.trials[2]!,
			checkpointAverage: { steps: [20, 40], valLoss: Number.NaN, valAccuracy: 0.8125 }
		};
		return study;
	};

	it('writes it under checkpointAverage (a non-finite loss as null) and reads it back into the database', async () => {
		const text = serializeStudy(withAverage());
		const file = JSON.parse(text) as { trials: Record<string, unknown>[] };
		expect(file.trials[2]!.checkpointAverage).toEqual({
			steps: [20, 40],
			valLoss: null,
			valAccuracy: 0.8125
		});
		expect(file.trials[1]!).not.toHaveProperty('checkpointAverage');
		const db = await freshDb();
		const result = await importStudyFile(db, text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const trials = await listStudyTrials(db, result.study.id);
		expect(trials[2]!.checkpointAverage).toEqual({
			steps: [20, 40],
			valLoss: Number.NaN,
			valAccuracy: 0.8125
		});
		expect(await exportedText(db, result.study.id)).toBe(text);
	});

	it('refuses an average of no steps or of misspelt keys, naming each path', () => {
		const file = JSON.parse(serializeStudy(withAverage())) as { trials: Record<string, unknown>[] };
		file.trials[2]!.checkpointAverage = { steps: [], valLoss: 1, valAcc: 0.5 };
		const result = parseStudyFile(JSON.stringify(file));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors.map((e) => e.path)).toEqual(
			expect.arrayContaining([
				'$.trials[2].checkpointAverage.steps',
				'$.trials[2].checkpointAverage.valAccuracy',
				'$.trials[2].checkpointAverage.valAcc'
			])
		);
	});
});

describe('importStudyFile', () => {
	it('keeps one copy of a study imported twice', async () => {
		const db = await freshDb();
		const text = serializeStudy(sharedStudy());
		const first = await importStudyFile(db, text);
		// Re-indented by hand: the same study, so the same copy.
		const second = await importStudyFile(db, JSON.stringify(JSON.parse(text)));
		expect(first.ok && second.ok).toBe(true);
		if (!first.ok || !second.ok) return;
		expect(second.existed).toBe(true);
		expect(second.study.id).toBe(first.study.id);
		expect(await listStudies(db)).toHaveLength(1);
		expect(first.study.imported).toBe(true);
		expect(first.study.sourceHash).toBe(await sha256Hex(text));
	});

	it('reuses a design-only import until it has started, then makes a new copy', async () => {
		const db = await freshDb();
		const design = serializeStudy({ ...sharedStudy(), trials: [] });
		const first = await importStudyFile(db, design);
		const again = await importStudyFile(db, design);
		expect(first.ok && again.ok && again.existed && again.study.id === first.study.id).toBe(true);
		if (!first.ok) return;
		expect(first.study.imported).toBe(false);
		await putStudy(db, { ...first.study, status: 'running' });
		const third = await importStudyFile(db, design);
		expect(third.ok && !third.existed).toBe(true);
		expect(await listStudies(db)).toHaveLength(2);
	});

	it('refuses a file over the size limit before reading it, and writes nothing', async () => {
		expect(MAX_STUDY_FILE_BYTES).toBe(64 * 2 ** 20);
		expect(studyFileSizeProblem(64 * 2 ** 20)).toBeUndefined();
		expect(studyFileSizeProblem(100 * 2 ** 20)).toMatch(/^\$: the file is 100 MiB, over the 64 MiB limit/);
		const db = await freshDb();
		const before = await snapshot(db);
		// 65 MiB of junk: refused by its length alone (parsing it would say "invalid JSON" much later).
		const result = await importStudyFile(db, '{'.repeat(MAX_STUDY_FILE_BYTES + 1));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors[0]).toMatch(/over the 64 MiB limit/);
		expect(await snapshot(db)).toEqual(before);
	});

	it('leaves every store unchanged when the file is refused', async () => {
		const db = await freshDb();
		await importStudyFile(db, serializeStudy(sharedStudy()));
		const before = await snapshot(db);
		expect(before.studies).toHaveLength(1);
		const bad = JSON.parse(serializeStudy(sharedStudy())) as { trials: { status: string }[]; name: string };
		bad.name = 'Another';
		bad.trials[2]!.status = 'exploded';
		const result = await importStudyFile(db, JSON.stringify(bad));
		expect(result).toEqual({
			ok: false,
			errors: [
				'$.trials[2].status: expected one of queued, running, completed, infeasible, failed, cancelled, stopped, got "exploded"'
			]
		});
		expect(await snapshot(db)).toEqual(before);
	});

	it('writes a study, its trials and metrics in one transaction: a failing write leaves nothing', async () => {
		const db = await freshDb();
		const rows = studyRows(sharedStudy(), { imported: true });
		const before = await snapshot(db);
		// The last trial reuses the first one's id: its add fails after the study and two trials went in.
		const clash = [...rows.trials, { ...rows.trials[0]! }];
		await expect(createStudy(db, rows.study, clash, rows.chunks)).rejects.toThrow();
		expect(await snapshot(db)).toEqual(before);
	});
});

describe('the study file records the WebGPU adapter a trial trained on', () => {
	const metrics = { train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] }, evals: [] };
	const objective = { metric: 'valLoss', goal: 'minimize' } as const;
	const trialOn = (backend: 'webgpu' | 'wasm') => {
		const { config } = sharedStudy().trials[0]!;
		return {
			id: 't',
			createdAt: 0,
			updatedAt: 0,
			config,
			status: 'completed' as const,
			lastStep: 20,
			summary: null,
			index: 0,
			backend: {
				requested: backend,
				backend,
				engine: 'tfjs' as const,
				attempts: [],
				adapter: {
					vendor: 'google',
					architecture: 'swiftshader',
					device: '',
					description: '',
					isFallback: true
				}
			}
		};
	};

	it('writes it under adapter (its names, and whether it is a software fallback) for a trial on webgpu', () => {
		expect(toFileTrial(trialOn('webgpu'), metrics, objective).adapter).toEqual({
			name: 'google swiftshader',
			fallback: true
		});
	});

	it('leaves it out for a trial that did not train on webgpu', () => {
		expect(toFileTrial(trialOn('wasm'), metrics, objective)).not.toHaveProperty('adapter');
	});

	it('reads it back into the database and writes the same file again', async () => {
		const study = sharedStudy();
		study.trials[0] = {
			...study.trials[0]!,
			backend: 'webgpu',
			engine: 'tfjs',
			adapter: { name: 'nvidia hopper NVIDIA H100 80GB HBM3', fallback: false }
		};
		const text = serializeStudy(study);
		const db = await freshDb();
		const result = await importStudyFile(db, text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const trials = await listStudyTrials(db, result.study.id);
		expect(trials[0]!.backend?.adapter?.isFallback).toBe(false);
		expect(await exportedText(db, result.study.id)).toBe(text);
	});

	it('refuses an adapter without its fallback flag, naming the path', () => {
		const file = JSON.parse(serializeStudy(sharedStudy())) as { trials: Record<string, unknown>[] };
		file.trials[0]!.adapter = { name: 'google swiftshader' };
		const result = parseStudyFile(JSON.stringify(file));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors.map((e) => e.path)).toContain('$.trials[0].adapter.fallback');
	});
});
