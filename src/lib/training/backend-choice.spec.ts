import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import {
	bestBatch,
	PROBE_VERSION,
	candidatePairs,
	choiceKey,
	engineChoiceOf,
	failedPairs,
	fastestPair,
	memoryProbeStore,
	needsProbe,
	pairOrder,
	probeKey,
	usableProbe,
	workloadKey,
	type BackendProbe,
	type PairSpeed
} from './backend-choice';

// Speeds shaped like a CPU-only machine's (docs/engineering-notes.md §1): wasm fastest, then webgl and
// cpu, with the software WebGPU adapter slowest; the compiled engine ahead of TF.js on wasm. The values
// are test inputs, not measurements.
const cpuOnlyMachine: PairSpeed[] = [
	{ engine: 'tfjs', backend: 'wasm', stepsPerSecond: 90 },
	{ engine: 'jax', backend: 'wasm', stepsPerSecond: 240 },
	{ engine: 'tfjs', backend: 'webgpu', stepsPerSecond: 8 },
	{ engine: 'jax', backend: 'webgpu', error: 'device lost while compiling' },
	{ engine: 'tfjs', backend: 'webgl', stepsPerSecond: 35 },
	{ engine: 'tfjs', backend: 'cpu', stepsPerSecond: 17 }
];

describe('candidatePairs', () => {
	it('lists every engine × backend pair auto allows, wasm first, tfjs before jax on each backend', () => {
		expect(candidatePairs('auto', 'auto').map((p) => `${p.engine}/${p.backend}`)).toEqual([
			'tfjs/wasm',
			'jax/wasm',
			'tfjs/webgpu',
			'jax/webgpu',
			'tfjs/webgl',
			'tfjs/cpu'
		]);
	});
	it('keeps a forced engine or a forced backend fixed', () => {
		expect(candidatePairs('jax', 'auto').map((p) => `${p.engine}/${p.backend}`)).toEqual([
			'jax/wasm',
			'jax/webgpu'
		]);
		expect(candidatePairs('auto', 'wasm').map((p) => `${p.engine}/${p.backend}`)).toEqual([
			'tfjs/wasm',
			'jax/wasm'
		]);
		expect(candidatePairs('tfjs', 'cpu')).toEqual([{ engine: 'tfjs', backend: 'cpu' }]);
	});
	it('are needed only when the engine or the backend is auto; a missing engine key means auto', () => {
		expect(needsProbe('tfjs', 'wasm')).toBe(false);
		expect(needsProbe('auto', 'wasm')).toBe(true);
		expect(needsProbe('jax', 'auto')).toBe(true);
		const old = { ...DEFAULT_TRIAL_CONFIG };
		delete old.engine;
		expect(engineChoiceOf(old)).toBe('auto');
		expect(engineChoiceOf({ ...old, engine: 'jax' })).toBe('jax');
	});
});

describe('fastestPair', () => {
	it('picks the compiled engine on wasm when it measured fastest, over every TF.js backend', () => {
		expect(fastestPair(cpuOnlyMachine)).toEqual({ engine: 'jax', backend: 'wasm' });
	});
	it('picks a pair on webgpu when a real GPU makes it fastest', () => {
		const gpu: PairSpeed[] = [...cpuOnlyMachine, { engine: 'jax', backend: 'webgpu', stepsPerSecond: 900 }];
		expect(fastestPair(gpu.filter((s) => !(s.engine === 'jax' && s.error)))).toEqual({
			engine: 'jax',
			backend: 'webgpu'
		});
	});
	it('ignores pairs that did not train, and answers null when none did', () => {
		expect(
			fastestPair([
				{ engine: 'tfjs', backend: 'webgpu', error: 'no adapter' },
				{ engine: 'jax', backend: 'wasm', stepsPerSecond: Number.NaN },
				{ engine: 'tfjs', backend: 'cpu', stepsPerSecond: 3 }
			])
		).toEqual({ engine: 'tfjs', backend: 'cpu' });
		expect(fastestPair([{ engine: 'jax', backend: 'wasm', error: 'x' }])).toBeNull();
	});
	it('breaks an exact tie towards tfjs, then by the fallback order (webgpu, webgl, wasm, cpu)', () => {
		expect(
			fastestPair([
				{ engine: 'jax', backend: 'wasm', stepsPerSecond: 10 },
				{ engine: 'tfjs', backend: 'cpu', stepsPerSecond: 10 },
				{ engine: 'tfjs', backend: 'wasm', stepsPerSecond: 10 }
			])
		).toEqual({ engine: 'tfjs', backend: 'wasm' });
		expect(
			fastestPair([
				{ engine: 'jax', backend: 'wasm', stepsPerSecond: 10 },
				{ engine: 'jax', backend: 'webgpu', stepsPerSecond: 10 }
			])
		).toEqual({ engine: 'jax', backend: 'webgpu' });
	});
	it('orders the measured pairs fastest first and keeps every failure with its reason', () => {
		expect(pairOrder(cpuOnlyMachine).map((p) => `${p.engine}/${p.backend}`)).toEqual([
			'jax/wasm',
			'tfjs/wasm',
			'tfjs/webgl',
			'tfjs/cpu',
			'tfjs/webgpu'
		]);
		expect(failedPairs(cpuOnlyMachine)).toEqual([
			{ engine: 'jax', backend: 'webgpu', error: 'device lost while compiling' }
		]);
		expect(failedPairs([{ engine: 'tfjs', backend: 'cpu', stepsPerSecond: 0 }])).toEqual([
			{ engine: 'tfjs', backend: 'cpu', error: 'no speed was measured' }
		]);
	});
});

describe('cache keys', () => {
	it('separate workloads that train at different speeds, not ones that differ in learning rate', () => {
		const base = { ...DEFAULT_TRIAL_CONFIG, model: 'mlp' as const, hiddenWidth: 128, batchSize: 128 };
		expect(workloadKey(base)).toBe('mlp/digits/w128d1/batch128');
		expect(workloadKey({ ...base, learningRate: 0.5, seed: 9 })).toBe(workloadKey(base));
		expect(workloadKey({ ...base, batchSize: 256 })).not.toBe(workloadKey(base));
		expect(workloadKey({ ...base, model: 'cnn', cnnWidth: 16, cnnDepth: 2 })).toBe(
			'cnn/digits/f16b2/batch128'
		);
	});
	it('name the engine and backend choices, so a forced engine is measured apart from auto', () => {
		const config = { ...DEFAULT_TRIAL_CONFIG, hiddenWidth: 64, batchSize: 64 };
		expect(choiceKey(config, 'auto', 'auto')).toBe('mlp/digits/w64d1/batch64|engine=auto|backend=auto');
		expect(choiceKey(config, 'jax', 'auto')).not.toBe(choiceKey(config, 'auto', 'auto'));
		expect(choiceKey(config, 'auto', 'wasm')).not.toBe(choiceKey(config, 'auto', 'auto'));
	});
	it('name the version, the device, the browser and the choice', () => {
		const choice = 'mlp/digits/w64d1/batch64|engine=auto|backend=auto';
		const key = probeKey('Google SwiftShader (fallback)', 'Chrome/156', choice);
		expect(key).toBe(`v4|Google SwiftShader (fallback)|Chrome/156|${choice}`);
		expect(PROBE_VERSION).toBe(4);
		expect(probeKey('', 'Chrome/156', 'w')).toBe('v4|no-webgpu-adapter|Chrome/156|w');
	});
});

describe('stored probes', () => {
	const probe: BackendProbe = {
		key: 'k',
		workload: 'w',
		speeds: cpuOnlyMachine,
		fastest: { engine: 'jax', backend: 'wasm' },
		measuredAt: 1,
		version: PROBE_VERSION
	};
	it('are used only with the same key, version and a consistent fastest pair', () => {
		expect(usableProbe(probe, 'k')).toEqual(probe);
		expect(usableProbe(probe, 'other')).toBeUndefined();
		expect(usableProbe({ ...probe, version: 1 }, 'k')).toBeUndefined();
		expect(usableProbe({ ...probe, fastest: { engine: 'tfjs', backend: 'wasm' } }, 'k')).toBeUndefined();
		// A version-1 probe (TF.js backends only, fastest a bare name) is measured again.
		expect(usableProbe({ ...probe, version: 1, fastest: 'wasm' }, 'k')).toBeUndefined();
		expect(usableProbe('garbage', 'k')).toBeUndefined();
	});
	it('round-trip through the memory store', async () => {
		const store = memoryProbeStore();
		expect(await store.get('k')).toBeUndefined();
		await store.put(probe);
		expect((await store.get('k'))?.fastest).toEqual({ engine: 'jax', backend: 'wasm' });
	});
});

describe('bestBatch', () => {
	it('keeps the K with the most trial-steps/s, only when it beats one trial alone', () => {
		const speeds = [
			{ k: 2, trialStepsPerSecond: 150 },
			{ k: 4, trialStepsPerSecond: 210 },
			{ k: 8, trialStepsPerSecond: 190 },
			{ k: 16, error: 'out of memory' }
		];
		expect(bestBatch(100, speeds)).toBe(4);
		// Alone at 220 trial-steps/s beats every batch: one at a time.
		expect(bestBatch(220, speeds)).toBe(1);
		expect(bestBatch(100, [])).toBe(1);
	});
});
