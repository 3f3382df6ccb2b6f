// `auto` across engines, with the real engines in Node: every pair the choice allows is measured or kept
// with the reason it failed (Node has no WebGPU and no WebGL, so those pairs fail and say why), the pair
// started is the fastest measured, a cached probe is reused, and a probe where nothing trains throws with
// every reason instead of falling back in silence.
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '$lib/datasets/classification-data';
import { loadDataset } from '$lib/datasets/load-dataset';
import { encodeText } from '$lib/datasets/text-data';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { BATCH_SIZES, bestBatch, fastestPair, memoryProbeStore } from './backend-choice';
import { probeBatches, startPair, type Engines } from './engine-probe';
import { createJaxEngine } from './jax/engine';
import { createTfjsEngine } from './tfjs/engine';

const engines: Engines = { tfjs: createTfjsEngine(), jax: createJaxEngine() };
let data: TrainingData;

const config: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	dataset: 'iris',
	hiddenWidth: 16,
	batchSize: 16,
	backend: 'auto',
	engine: 'auto'
};
const workload = () => ({ config, data: async () => data });

beforeAll(async () => {
	data = await loadDataset('iris', async (path) => new Uint8Array(readFileSync(`static/${path}`)));
});

// Other spec files in this worker expect the backends they set themselves; leave the usual ones behind.
afterAll(async () => {
	await engines.tfjs.selectBackend('cpu');
	await engines.jax.selectBackend('wasm');
});

describe('startPair with auto', () => {
	it('measures every engine × backend pair, keeps each failure with its reason and starts the fastest', async () => {
		const store = memoryProbeStore();
		const { engine, report } = await startPair(
			engines,
			{ engine: 'auto', backend: 'auto', workload: workload() },
			store
		);
		const probe = report.probe!;
		expect(probe.speeds.map((s) => `${s.engine}/${s.backend}`)).toEqual([
			'tfjs/wasm',
			'jax/wasm',
			'tfjs/webgpu',
			'jax/webgpu',
			'tfjs/webgl',
			'tfjs/cpu'
		]);
		const speed = (pair: string) => probe.speeds.find((s) => `${s.engine}/${s.backend}` === pair)!;
		// Node: wasm and TF.js's cpu train; there is no navigator.gpu and no canvas.
		for (const pair of ['tfjs/wasm', 'jax/wasm', 'tfjs/cpu'])
			expect(speed(pair).stepsPerSecond).toBeGreaterThan(0);
		for (const pair of ['tfjs/webgpu', 'jax/webgpu']) expect(speed(pair).error).toMatch(/navigator\.gpu/);
		expect(speed('tfjs/webgl').error).toMatch(/WebGL|webgl/);
		const fastest = fastestPair(probe.speeds)!;
		expect(probe.fastest).toEqual(fastest);
		expect({ engine: report.engine, backend: report.backend }).toEqual(fastest);
		expect(engine).toBe(engines[fastest.engine]);
		expect(report.requestedEngine).toBe('auto');
		// The failed pairs reach the report as failed attempts, each with its reason.
		expect(report.attempts.filter((a) => !a.ok).map((a) => `${a.engine}/${a.backend}`)).toEqual([
			'tfjs/webgpu',
			'jax/webgpu',
			'tfjs/webgl'
		]);
		for (const a of report.attempts.filter((x) => !x.ok)) expect(a.reason!.length).toBeGreaterThan(10);

		// Asked again, the cached probe answers (the same measurement, not a new one).
		const again = await startPair(engines, { engine: 'auto', backend: 'auto', workload: workload() }, store);
		expect(again.report.probe!.measuredAt).toBe(probe.measuredAt);
		expect(again.report.probe!.speeds).toEqual(probe.speeds);
	}, 120_000);

	it('measures only the pairs a forced engine or backend allows', async () => {
		const { report } = await startPair(
			engines,
			{ engine: 'auto', backend: 'wasm', workload: workload() },
			memoryProbeStore()
		);
		expect(report.probe!.speeds.map((s) => `${s.engine}/${s.backend}`)).toEqual(['tfjs/wasm', 'jax/wasm']);
		expect(report.backend).toBe('wasm');
	}, 60_000);

	it('throws with every pair’s reason when no pair can train, instead of falling back silently', async () => {
		await expect(
			startPair(engines, { engine: 'auto', backend: 'webgpu', workload: workload() }, memoryProbeStore())
		).rejects.toThrow(/no engine and backend could train.*tfjs on webgpu: .*navigator\.gpu.*jax on webgpu: /);
	});

	it('starts a forced pair without measuring, and names the engine in the report', async () => {
		const { engine, report } = await startPair(
			engines,
			{ engine: 'jax', backend: 'wasm', workload: workload() },
			memoryProbeStore()
		);
		expect(engine).toBe(engines.jax);
		expect(report).toMatchObject({ engine: 'jax', backend: 'wasm', requestedEngine: 'jax' });
		expect(report.probe).toBeUndefined();
	});
});

describe('batched trials in the probe', () => {
	it('a study measuring a forced compiled engine times every K of BATCH_SIZES and keeps the best when it beats one trial', async () => {
		const store = memoryProbeStore();
		const forced: TrialConfig = { ...config, engine: 'jax', backend: 'wasm' };
		const { report } = await startPair(
			engines,
			{ engine: 'jax', backend: 'wasm', workload: { config: forced, data: async () => data }, batch: true },
			store
		);
		const batch = report.probe!.batch!;
		expect(batch.speeds.map((s) => s.k)).toEqual([...BATCH_SIZES]);
		for (const s of batch.speeds) expect(s.trialStepsPerSecond).toBeGreaterThan(0);
		expect(batch.solo).toBe(report.probe!.speeds[0]!.stepsPerSecond);
		expect(batch.k).toBe(bestBatch(batch.solo, batch.speeds));
		// Without `batch` (a single trial's start), a forced pair is started without measuring.
		const plain = await startPair(engines, { engine: 'jax', backend: 'wasm', workload: workload() }, store);
		expect(plain.report.probe).toBeUndefined();
	});

	it.each([
		{
			name: 'CNN',
			config: { ...config, dataset: 'digits', model: 'cnn', cnnWidth: 4, cnnDepth: 1 } as TrialConfig,
			data: () => loadDataset('digits', async (path) => new Uint8Array(readFileSync(`static/${path}`)))
		},
		{
			name: 'transformer',
			config: {
				...config,
				dataset: 'moby-dick',
				model: 'transformer',
				dModel: 8,
				nHead: 2,
				nLayer: 1,
				contextLength: 8,
				batchSize: 4
			} as TrialConfig,
			data: async () => encodeText('the whale and the sea. '.repeat(100), 'test')
		}
	])(
		'times K for a $name workload of the compiled engine too',
		async ({ config: c, data: load }) => {
			const forced: TrialConfig = { ...c, engine: 'jax', backend: 'wasm' };
			const loaded = await load();
			const { report } = await startPair(
				engines,
				{
					engine: 'jax',
					backend: 'wasm',
					workload: { config: forced, data: async () => loaded },
					batch: true
				},
				memoryProbeStore()
			);
			const batch = report.probe!.batch!;
			// K in BATCH_SIZES order, each faster than one trial alone, up to the first that is not (if any).
			const ks = batch.speeds.map((s) => s.k);
			expect(ks.length).toBeGreaterThan(0);
			expect(ks).toEqual(BATCH_SIZES.slice(0, ks.length));
			batch.speeds.forEach((s, i) => {
				expect(s.trialStepsPerSecond).toBeGreaterThan(0);
				if (i < ks.length - 1) expect(s.trialStepsPerSecond).toBeGreaterThan(batch.solo);
			});
			if (ks.length < BATCH_SIZES.length)
				expect(batch.speeds.at(-1)!.trialStepsPerSecond).toBeLessThanOrEqual(batch.solo);
			expect(batch.k).toBe(bestBatch(batch.solo, batch.speeds));
		},
		120_000
	);

	it('stops at the first K no faster than one trial alone and keeps one at a time', async () => {
		const batched = { ...config, engine: 'jax', backend: 'wasm' } as TrialConfig;
		// A solo speed no batch reaches (1e9 steps/s): K = 2 is measured, loses, and ends the sweep.
		const probe = await probeBatches(engines.jax, 'wasm', batched, data, 1e9);
		expect(probe!.speeds.map((s) => s.k)).toEqual([2]);
		expect(probe!.speeds[0]!.trialStepsPerSecond).toBeGreaterThan(0);
		expect(probe!.k).toBe(1);
	});

	it('does not batch what the engine cannot (TF.js)', async () => {
		const { report } = await startPair(
			engines,
			{ engine: 'tfjs', backend: 'auto', workload: workload(), batch: true },
			memoryProbeStore()
		);
		expect(report.probe!.batch).toBeUndefined();
	});
});
