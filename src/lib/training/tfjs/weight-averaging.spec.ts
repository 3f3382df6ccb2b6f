import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	createEma,
	createSwa,
	disposeAverageState,
	exportAverageState,
	importAverageState,
	swaSamplesAt,
	withAveragedWeights,
	type AverageState
} from './weight-averaging';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const values = (state: AverageState) => state.average.map((v) => Array.from(v.dataSync()));

/** Sets the single weight vector to `w` (standing in for an optimizer step). */
function setWeights(param: tf.Variable, w: number[]): void {
	tf.tidy(() => param.assign(tf.tensor(w, param.shape)));
}

describe('EMA', () => {
	it('copies the weights at the first update, then blends with decay d', () => {
		const param = tf.variable(tf.tensor1d([1, 2]));
		const ema = createEma(0.75);
		const state = ema.init([param]);
		expect(values(state)).toEqual([[1, 2]]);

		setWeights(param, [2, 4]);
		expect(ema.update([param], state, 1)).toBe(state);
		expect(values(state)).toEqual([[2, 4]]);
		// 0.75·[2, 4] + 0.25·[6, 0] = [3, 3]
		setWeights(param, [6, 0]);
		ema.update([param], state, 2);
		expect(values(state)).toEqual([[3, 3]]);
		// 0.75·[3, 3] + 0.25·[7, −1] = [4, 2]
		setWeights(param, [7, -1]);
		ema.update([param], state, 3);
		expect(values(state)).toEqual([[4, 2]]);
		expect(state.updates).toBe(3);
		disposeAverageState(state);
		param.dispose();
	});

	it('rejects a decay outside [0, 1)', () => {
		expect(() => createEma(1)).toThrow(/emaDecay must be in \[0, 1\)/);
		expect(() => createEma(-0.1)).toThrow(/emaDecay/);
	});
});

describe('SWA', () => {
	it('samples at start and every `every` steps after, as a uniform mean', () => {
		const options = { start: 2, every: 2 };
		expect([0, 1, 2, 3, 4, 5, 6].map((s) => swaSamplesAt(options, s))).toEqual([
			false,
			false,
			true,
			false,
			true,
			false,
			true
		]);
		const param = tf.variable(tf.tensor1d([100]));
		const swa = createSwa(options);
		const state = swa.init([param]);
		const weightsAfterStep = [0, 50, 3, 70, 6, -20, 0];
		const averages: number[] = [];
		for (let step = 1; step <= 6; step++) {
			setWeights(param, [weightsAfterStep[step]!]);
			swa.update([param], state, step);
			averages.push(values(state)[0]![0]!);
		}
		// Samples 3 (step 2), 6 (step 4) and 0 (step 6): means 3, 4.5, 3.
		expect(averages).toEqual([100, 3, 3, 4.5, 4.5, 3]);
		expect(state.updates).toBe(3);
		disposeAverageState(state);
		param.dispose();
	});

	it('rejects bad options', () => {
		expect(() => createSwa({ start: -1, every: 2 })).toThrow(/swaStart/);
		expect(() => createSwa({ start: 0, every: 0 })).toThrow(/swaEvery/);
	});
});

describe('averaging state', () => {
	it('keeps tf.memory().numTensors flat across updates and frees everything on dispose', () => {
		const params = tf.tidy(() => [tf.variable(tf.ones([3, 2])), tf.variable(tf.zeros([2]))]);
		const before = tf.memory().numTensors;
		for (const averager of [createEma(0.9), createSwa({ start: 0, every: 1 })]) {
			const state = averager.init(params);
			averager.update(params, state, 1);
			const afterFirst = tf.memory().numTensors;
			for (let step = 2; step < 6; step++) {
				averager.update(params, state, step);
				expect(tf.memory().numTensors).toBe(afterFirst);
			}
			disposeAverageState(state);
			expect(tf.memory().numTensors).toBe(before);
		}
		tf.dispose(params);
	});

	it('round-trips through export and import', async () => {
		const param = tf.variable(tf.tensor2d([[1, 2, 3]]));
		const ema = createEma(0.5);
		const state = ema.init([param]);
		ema.update([param], state, 1);
		setWeights(param, [3, 2, 1]);
		ema.update([param], state, 2);
		const serialized = await exportAverageState(state);
		expect(serialized).toEqual({ updates: 2, average: [Float32Array.of(2, 2, 2)] });

		const restored = importAverageState(serialized, [param]);
		expect(restored.average[0]!.shape).toEqual([1, 3]);
		setWeights(param, [4, 0, 2]);
		ema.update([param], state, 3);
		ema.update([param], restored, 3);
		expect(values(restored)).toEqual([[3, 1, 2]]);
		expect(values(restored)).toEqual(values(state));
		expect(() => importAverageState({ updates: 1, average: [new Float32Array(2)] }, [param])).toThrow(
			/average\[0\] has 2 values, expected 3/
		);
		disposeAverageState(state);
		disposeAverageState(restored);
		param.dispose();
	});

	it('swaps the average in for evaluation and restores the raw weights, even on error', async () => {
		const param = tf.variable(tf.tensor1d([1, 1]));
		const ema = createEma(0.5);
		const state = ema.init([param]);
		setWeights(param, [5, 7]);
		ema.update([param], state, 1);
		setWeights(param, [1, 1]);
		ema.update([param], state, 2);
		const before = tf.memory().numTensors;

		const seen = await withAveragedWeights([param], state, () => Array.from(param.dataSync()));
		expect(seen).toEqual([3, 4]);
		expect(Array.from(param.dataSync())).toEqual([1, 1]);
		await expect(
			withAveragedWeights([param], state, async () => {
				throw new Error('eval failed');
			})
		).rejects.toThrow('eval failed');
		expect(Array.from(param.dataSync())).toEqual([1, 1]);
		expect(tf.memory().numTensors).toBe(before);
		disposeAverageState(state);
		param.dispose();
	});
});
