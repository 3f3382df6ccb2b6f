// Every objective end to end, from the loop to the database: a scripted trainer logs a small metric
// series, the loop's checkpoints are saved as the trial client saves them, and the checkpoints kept,
// the trial table's best value and step, the exported `best` and the best-step report's step must all
// be the ones computed by hand from that series.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { encodeText } from '$lib/datasets/text-data';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { Objective } from '$lib/study/study';
import type { Engine, Trainer } from '$lib/training/engine';
import { checkpointBytes } from '$lib/training/checkpoint-data';
import { runTrialLoop } from '$lib/training/trial-loop';
import { toRow } from '$lib/analysis/trial-table';
import { inputsFromRecords } from '$lib/analysis/best-step';
import { saveCheckpoint } from './checkpoints';
import { openLabDb, type TrialRecord } from './schema';
import { appendMetrics, putTrial, readMetrics } from './trials';
import { bestByObjective } from './study-transfer';

const data = encodeText('abcdefgh'.repeat(200), 'test');
const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'moby-dick',
	model: 'transformer',
	contextLength: 8,
	batchSize: 4,
	maxTrainSteps: 50,
	evalEvery: 10,
	learningRate: 0.1
};

/**
 * Training loss of each step, by interval of 10 steps (the evaluation that follows in brackets):
 * [10] all 2.0 → mean 2.0; [20] 1.0 but 3.0 at step 19 → 1.2; [30] 1.5 but 0.1 at step 29 → 1.36;
 * [40] all 1.1 → 1.1; [50] all 1.3 → 1.3. The mean ranks 40, 20, 50, 30, 10; the last (or lowest)
 * single batch would rank 30 first.
 */
function trainLossAt(step: number): number {
	if (step === 19) return 3;
	if (step === 29) return 0.1;
	return [2, 1, 1.5, 1.1, 1.3][Math.floor(step / 10)]!;
}
/** Validation accuracy at the evaluations 0, 10, …, 50. */
const ACCURACY = [0.1, 0.75, 0.6, 0.9, 0.7, 0.5];

function scriptedEngine(): Pick<Engine, 'createTrainer'> {
	let queued: number[] = [];
	let evaluations = 0;
	const trainer: Trainer = {
		trainCount: 100,
		step: (step) => void queued.push(step),
		async readback() {
			const rows = queued.map((s) => ({ loss: trainLossAt(s), gradNorm: 1, clipped: 0 }));
			queued = [];
			return rows;
		},
		async evaluate() {
			const accuracy = ACCURACY[evaluations++]!;
			return { loss: 2 - accuracy, accuracy, averages: [] };
		},
		async save() {
			return {
				paramNames: ['w'],
				params: [new Float32Array([1, 2])],
				optimizer: { step: 0, slots: {} },
				averagers: []
			};
		},
		dispose: () => undefined
	};
	return { createTrainer: () => trainer };
}

let counter = 0;

/** Trains the scripted trial with `objective`, storing metrics and checkpoints as the trial client does. */
async function trainAndStore(objective: Objective, keepBest: number) {
	const db = await openLabDb(`checkpoint-objective-${++counter}`);
	const trial: TrialRecord = {
		id: 't',
		createdAt: 0,
		updatedAt: 0,
		config,
		status: 'running',
		lastStep: 0,
		summary: null,
		index: 0,
		studyId: 's',
		checkpointPolicy: { every: 10, keepBest, objective }
	};
	await putTrial(db, trial);
	let seq = 0;
	let writes: Promise<unknown> = Promise.resolve();
	await runTrialLoop(
		scriptedEngine(),
		config,
		data,
		{
			onMetrics: (batch, progress) => {
				const chunk = seq++;
				writes = writes.then(() => appendMetrics(db, 't', chunk, batch, progress.step));
			},
			shouldStop: () => false,
			onCheckpoint: (checkpoint) => {
				writes = writes.then(() => saveCheckpoint(db, 't', checkpoint, checkpointBytes(checkpoint)));
			}
		},
		{ every: 10 }
	);
	await writes;
	const stored = { ...(await db.get('trials', 't'))!, status: 'completed' as const };
	const metrics = await readMetrics(db, 't');
	const checkpointKeys = (await db.getAllKeys('checkpoints')).map((k) => k[1]);
	db.close();
	return { stored, metrics, checkpointKeys };
}

describe('every objective keeps its true N best checkpoints and agrees everywhere', () => {
	it('trainLoss: ranked by the mean training loss since the previous evaluation', async () => {
		const { stored, metrics, checkpointKeys } = await trainAndStore(
			{ metric: 'trainLoss', goal: 'minimize' },
			2
		);
		// Best two by hand: 40 (1.1) and 20 (1.2); 50 is the latest and is always kept.
		expect(stored.checkpoints?.map((c) => c.step)).toEqual([20, 40, 50]);
		expect(checkpointKeys).toEqual([20, 40, 50]);
		expect(stored.checkpoints?.map((c) => c.value)).toEqual([
			expect.closeTo(1.2, 12),
			expect.closeTo(1.1, 12),
			expect.closeTo(1.3, 12)
		]);
		const row = toRow(stored, 'trainLoss');
		expect(row.best).toBeCloseTo(1.1, 12);
		expect(row.bestStep).toBe(40);
		expect(row.bestCheckpointStep).toBe(40);
		expect(bestByObjective(metrics, { metric: 'trainLoss', goal: 'minimize' })).toEqual({
			step: 40,
			value: expect.closeTo(1.1, 12)
		});
		expect(inputsFromRecords([stored], 'trainLoss')[0]!.bestStep).toBe(40);
	});

	it('valAccuracy: maximised, the best two by hand are 30 (0.9) and 10 (0.75)', async () => {
		const { stored, metrics, checkpointKeys } = await trainAndStore(
			{ metric: 'valAccuracy', goal: 'maximize' },
			2
		);
		expect(stored.checkpoints?.map((c) => [c.step, c.value])).toEqual([
			[10, 0.75],
			[30, 0.9],
			[50, 0.5]
		]);
		expect(checkpointKeys).toEqual([10, 30, 50]);
		expect(toRow(stored, 'valAccuracy')).toMatchObject({ best: 0.9, bestStep: 30, bestCheckpointStep: 30 });
		expect(bestByObjective(metrics, { metric: 'valAccuracy', goal: 'maximize' })).toEqual({
			step: 30,
			value: 0.9
		});
		expect(inputsFromRecords([stored], 'valAccuracy')[0]!.bestStep).toBe(30);
	});

	it('valLoss: minimised (2 − accuracy here), the best three by hand are 30, 10 and 40', async () => {
		const { stored } = await trainAndStore({ metric: 'valLoss', goal: 'minimize' }, 3);
		// valLoss at 10…50: 1.25, 1.4, 1.1, 1.3, 1.5.
		expect(stored.checkpoints?.map((c) => c.step)).toEqual([10, 30, 40, 50]);
		expect(toRow(stored, 'valLoss')).toMatchObject({ best: expect.closeTo(1.1, 12), bestStep: 30 });
		expect(inputsFromRecords([stored], 'valLoss')[0]!.bestStep).toBe(30);
	});
});
