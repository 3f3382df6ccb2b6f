import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import {
	PROBE_VERSION,
	autoOrder,
	fastestBackend,
	memoryProbeStore,
	probeKey,
	usableProbe,
	workloadKey,
	type BackendProbe
} from './backend-choice';

// Speeds shaped like a CPU-only machine's (docs/engineering-notes.md §1): wasm fastest, then webgl and
// cpu, with the software WebGPU adapter slowest. The values are test inputs, not measurements.
const cpuOnlyMachine = [
	{ backend: 'webgpu' as const, stepsPerSecond: 8 },
	{ backend: 'webgl' as const, stepsPerSecond: 35 },
	{ backend: 'wasm' as const, stepsPerSecond: 90 },
	{ backend: 'cpu' as const, stepsPerSecond: 17 }
];

describe('fastestBackend', () => {
	it('picks wasm on a machine whose WebGPU is a software adapter', () => {
		expect(fastestBackend(cpuOnlyMachine)).toBe('wasm');
	});
	it('picks webgpu when a real GPU makes it fastest', () => {
		expect(fastestBackend([...cpuOnlyMachine.slice(1), { backend: 'webgpu', stepsPerSecond: 900 }])).toBe(
			'webgpu'
		);
	});
	it('ignores backends that did not train, and answers null when none did', () => {
		expect(
			fastestBackend([
				{ backend: 'webgpu', error: 'no adapter' },
				{ backend: 'cpu', stepsPerSecond: 3 },
				{ backend: 'wasm', stepsPerSecond: Number.NaN }
			])
		).toBe('cpu');
		expect(fastestBackend([{ backend: 'wasm', error: 'x' }])).toBeNull();
	});
	it('breaks an exact tie by the fallback order', () => {
		expect(
			fastestBackend([
				{ backend: 'cpu', stepsPerSecond: 10 },
				{ backend: 'webgl', stepsPerSecond: 10 }
			])
		).toBe('webgl');
	});
});

describe('autoOrder', () => {
	it('tries the measured backends fastest first, then the unmeasured ones', () => {
		expect(autoOrder({ speeds: cpuOnlyMachine })).toEqual(['wasm', 'webgl', 'cpu', 'webgpu']);
		expect(
			autoOrder({
				speeds: [
					{ backend: 'cpu', stepsPerSecond: 5 },
					{ backend: 'webgpu', error: 'none' }
				]
			})
		).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
	});
	it('falls back to WebGPU, WebGL, wasm, cpu without a probe', () => {
		expect(autoOrder(null)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
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
	it('name the device, the browser and the workload', () => {
		const key = probeKey('Google SwiftShader (fallback)', 'Chrome/156', 'mlp/digits/w64d1/batch64');
		expect(key).toBe(`v${PROBE_VERSION}|Google SwiftShader (fallback)|Chrome/156|mlp/digits/w64d1/batch64`);
		expect(probeKey('', 'Chrome/156', 'w')).toBe(`v${PROBE_VERSION}|no-webgpu-adapter|Chrome/156|w`);
	});
});

describe('stored probes', () => {
	const probe: BackendProbe = {
		key: 'k',
		workload: 'w',
		speeds: cpuOnlyMachine,
		fastest: 'wasm',
		measuredAt: 1,
		version: PROBE_VERSION
	};
	it('are used only with the same key, version and a consistent fastest backend', () => {
		expect(usableProbe(probe, 'k')).toEqual(probe);
		expect(usableProbe(probe, 'other')).toBeUndefined();
		expect(usableProbe({ ...probe, version: PROBE_VERSION + 1 }, 'k')).toBeUndefined();
		expect(usableProbe({ ...probe, fastest: 'cpu' }, 'k')).toBeUndefined();
		expect(usableProbe('garbage', 'k')).toBeUndefined();
	});
	it('round-trip through the memory store', async () => {
		const store = memoryProbeStore();
		expect(await store.get('k')).toBeUndefined();
		await store.put(probe);
		expect((await store.get('k'))?.fastest).toBe('wasm');
	});
});
