// The engine-neutral loop against a recording Trainer: what it asks of any engine, in what order. The
// loop on a real engine (tfjs) is tested in tfjs/trial-loop*.spec.ts.
import { describe, expect, it } from 'vitest';
import { encodeText } from '$lib/datasets/text-data';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import type { EvalRow } from '$lib/study/metrics';
import type { TrialCheckpoint } from './checkpoint-data';
import type { Engine, StepScalars, Trainer, TrainerState } from './engine';
import { READBACK_EVERY, runTrialLoop } from './trial-loop';

const data = encodeText('abcdefgh'.repeat(200), 'test');
const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'moby-dick',
	model: 'transformer',
	contextLength: 8,
	batchSize: 4,
	maxTrainSteps: 45,
	evalEvery: 30,
	learningRate: 0.1
};

/** Records every call; each step's loss is 2 − step/100, evaluations score 1.5. */
function recorder(options: { readbackShortBy?: number } = {}) {
	const calls: string[] = [];
	let queued: number[] = [];
	const state: TrainerState = {
		paramNames: ['w'],
		params: [new Float32Array([1, 2])],
		optimizer: { step: 0, slots: {} },
		averagers: []
	};
	const trainer: Trainer = {
		trainCount: 100,
		step(step, learningRate, indices) {
			expect(indices).toHaveLength(config.batchSize);
			expect(learningRate).toBe(config.learningRate);
			queued.push(step);
		},
		async readback(): Promise<StepScalars[]> {
			calls.push(`readback ${queued.length}`);
			const rows = queued.map((step) => ({ loss: 2 - step / 100, gradNorm: 1, clipped: 0 }));
			queued = [];
			return rows.slice(options.readbackShortBy ?? 0);
		},
		async evaluate(batchSize) {
			calls.push(`evaluate ${batchSize}`);
			return { loss: 1.5, accuracy: 0.5, averages: [{ kind: 'ema', loss: 1.25, accuracy: 0.75 }] };
		},
		async save() {
			calls.push('save');
			return state;
		},
		dispose() {
			calls.push('dispose');
		}
	};
	const engine: Pick<Engine, 'createTrainer'> = {
		createTrainer(c, d, resume) {
			expect(c).toBe(config);
			expect(d).toBe(data);
			calls.push(resume ? 'create (resumed)' : 'create');
			return trainer;
		}
	};
	return { engine, calls };
}

describe('runTrialLoop against the Trainer interface', () => {
	it('steps, reads back in groups, evaluates on schedule, checkpoints, and disposes once', async () => {
		const { engine, calls } = recorder();
		const evals: number[] = [];
		const trainSteps: number[] = [];
		const checkpoints: number[] = [];
		const outcome = await runTrialLoop(
			engine,
			config,
			data,
			{
				onMetrics: (batch) => {
					trainSteps.push(...batch.train.step);
					for (const row of batch.evals) {
						evals.push(row.step);
						expect(row.valBitsPerChar).toBeCloseTo(1.5 / Math.LN2, 12);
						expect(row.emaValLoss).toBe(1.25);
						expect(row.emaValAccuracy).toBe(0.75);
					}
				},
				shouldStop: () => false,
				onCheckpoint: (checkpoint) => {
					checkpoints.push(checkpoint.step);
					expect(checkpoint.paramNames).toEqual(['w']);
					expect(checkpoint.initialLoss).toBe(1.5);
					expect(checkpoint.evalRow.step).toBe(checkpoint.step);
				}
			},
			{ every: 40 }
		);
		expect(outcome).toEqual({ status: 'completed', steps: 45 });
		expect(trainSteps).toEqual(Array.from({ length: 45 }, (_, i) => i));
		expect(evals).toEqual([0, 30, 40, 45]);
		expect(checkpoints).toEqual([40, 45]);
		// Text evaluations take whole windows: 4096 tokens / 8 per window = 512 rows.
		expect(calls).toEqual([
			'create',
			'evaluate 512',
			`readback ${READBACK_EVERY}`,
			'readback 10',
			'evaluate 512',
			'readback 10',
			'evaluate 512',
			'save',
			'readback 5',
			'evaluate 512',
			'save',
			'dispose'
		]);
	});

	it('logs the trainLoss objective in each evaluation: the mean loss since the previous one, the same after a resume', async () => {
		const run = async (resumeFrom?: TrialCheckpoint) => {
			const rows: EvalRow[] = [];
			const saved: TrialCheckpoint[] = [];
			await runTrialLoop(
				recorder().engine,
				config,
				data,
				{
					onMetrics: (batch) => void rows.push(...batch.evals),
					shouldStop: () => false,
					onCheckpoint: (checkpoint) => void saved.push(checkpoint)
				},
				{ every: 40, resumeFrom }
			);
			return { rows, saved };
		};
		const whole = await run();
		// The recorder's loss at step s is 2 − s/100, so the mean over steps a…b is 2 − (a + b)/200.
		expect(whole.rows.map((r) => [r.step, r.trainLoss])).toEqual([
			[0, undefined],
			[30, expect.closeTo(2 - (0 + 29) / 200, 12)],
			[40, expect.closeTo(2 - (30 + 39) / 200, 12)],
			[45, expect.closeTo(2 - (40 + 44) / 200, 12)]
		]);
		// The checkpoint carries the value it is ranked by.
		expect(whole.saved.map((c) => [c.step, c.evalRow.trainLoss])).toEqual([
			[40, expect.closeTo(1.655, 12)],
			[45, expect.closeTo(1.58, 12)]
		]);
		const resumed = await run(whole.saved[0]);
		expect(resumed.rows.map((r) => [r.step, r.trainLoss])).toEqual([[45, expect.closeTo(1.58, 12)]]);
	});

	it('refuses a trainer that reads back fewer steps than were queued, and still disposes it', async () => {
		const { engine, calls } = recorder({ readbackShortBy: 1 });
		await expect(
			runTrialLoop(engine, config, data, { onMetrics: () => {}, shouldStop: () => false })
		).rejects.toThrow(`the trainer read back ${READBACK_EVERY - 1} steps, ${READBACK_EVERY} were queued`);
		expect(calls.at(-1)).toBe('dispose');
	});
});
