import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AutomationProgress } from '../../src/lib/automation/protocol';
import { fixtureFolder } from '../../src/lib/testing/cli-support';
import { syntheticStudy, type SyntheticTrial } from '../../src/lib/testing/synthetic-study';
import { serializeStudy } from '../../src/lib/study/study-file';
import { planTrials } from '../../src/lib/study/study-trials';
import type { Study } from '../../src/lib/study/study';
import { EXIT_USAGE, type CommandIo } from '../args';
import {
	autoPickLine,
	continuedLine,
	pollEveryMs,
	readArguments,
	softwareGpuRefusal,
	summaryLine,
	writeCheckedExport
} from './run';

const snapshot = (running: AutomationProgress['running']): AutomationProgress => ({
	total: 2,
	done: 1,
	running,
	etaSeconds: null,
	finished: []
});

describe('summaryLine', () => {
	it('shows each running trial with its step and its latest stored checkpoint', () => {
		const line = summaryLine(
			snapshot([{ index: 1, step: 420, maxTrainSteps: 1500, stepsPerSecond: 700, saved: 300 }])
		);
		expect(line).toBe('[run] 1/2 trials done · trial 1 step 420/1500 (saved 300)');
	});

	it('keeps the stored checkpoint of a trial that has not reported a step yet', () => {
		// A trial continuing from a checkpoint knows it before its first step: it is shown at once.
		const line = summaryLine(
			snapshot([
				{ index: 0, step: 0, maxTrainSteps: 0, stepsPerSecond: 0, saved: 1200 },
				{ index: 1, step: 0, maxTrainSteps: 0, stepsPerSecond: 0, saved: null }
			])
		);
		expect(line).toBe('[run] 1/2 trials done · trial 0 starting (saved 1200), trial 1 starting');
	});
});

describe('pollEveryMs', () => {
	it('reads the page as often as summaries are due, between 0.1 s and 0.5 s', () => {
		expect(pollEveryMs(false, 10_000)).toBe(500);
		expect(pollEveryMs(false, 200)).toBe(200);
		expect(pollEveryMs(false, 1)).toBe(100);
	});

	it('reads it twice a second on a terminal, where the summary is redrawn in place', () => {
		expect(pollEveryMs(true, 100)).toBe(500);
	});
});

describe('continuedLine', () => {
	it('names the trial and the checkpoint step it continues from', () => {
		expect(continuedLine({ index: 3, fromStep: 900 })).toBe(
			'[run] trial 3 continues from its checkpoint at step 900'
		);
	});
});

describe('writeCheckedExport (issue 20, item 6: OUT only after the export checks out)', () => {
	const folder = fixtureFolder('run-export');
	const curve = (t: number) => 1 + Math.exp(-t / 50);
	const trial = (params: SyntheticTrial['params']): SyntheticTrial => ({
		params,
		trainLoss: curve,
		valLoss: curve
	});
	// A study of four quasi-random trials and an export that holds exactly the planned ones.
	const template = syntheticStudy(Array.from({ length: 4 }, () => trial({})));
	const planned = planTrials(template);
	const exported: Study = syntheticStudy(planned.map((plan) => trial(plan.params)));
	const OLD = 'the results of an earlier run\n';

	function existingOut(name: string): string {
		return folder.write(name, OLD);
	}
	/** Nothing but OUT itself in the folder: no temporary file left behind. */
	function leftovers(): string[] {
		return readdirSync(folder.path).filter((name) => name.includes('.tmp'));
	}

	it('writes an export that checks out over OUT', async () => {
		const out = existingOut('good.json');
		const text = serializeStudy(exported);
		const checked = await writeCheckedExport(text, out, planned);
		expect(checked.ok).toBe(true);
		expect(readFileSync(out, 'utf8')).toBe(text);
		expect(leftovers()).toEqual([]);
	});

	it('leaves OUT untouched and says why when the export is not a valid study file', async () => {
		const out = existingOut('invalid.json');
		const broken = JSON.parse(serializeStudy(exported)) as Record<string, unknown>;
		delete broken.goal;
		const checked = await writeCheckedExport(JSON.stringify(broken), out, planned);
		expect(checked).toEqual({
			ok: false,
			problems: ['the export is not a valid study file', expect.stringMatching(/^\$\.goal: /)]
		});
		expect(readFileSync(out, 'utf8')).toBe(OLD);
		const truncated = await writeCheckedExport(serializeStudy(exported).slice(0, 200), out, planned);
		expect(truncated.ok).toBe(false);
		expect(readFileSync(out, 'utf8')).toBe(OLD);
		expect(leftovers()).toEqual([]);
	});

	it('leaves OUT untouched when the export lacks a planned trial or holds other parameters', async () => {
		const out = existingOut('mismatch.json');
		const short = { ...exported, trials: exported.trials.slice(0, 3) };
		expect(await writeCheckedExport(serializeStudy(short), out, planned)).toEqual({
			ok: false,
			problems: ['the export holds no record of trial(s) 3']
		});
		const other = {
			...exported,
			trials: exported.trials.map((t) =>
				t.index === 1 ? { ...t, params: { ...t.params, learningRate: 0.05 } } : t
			)
		};
		expect(await writeCheckedExport(serializeStudy(other), out, planned)).toEqual({
			ok: false,
			problems: ["the export's trial(s) 1 have other parameters than FILE plans"]
		});
		expect(readFileSync(out, 'utf8')).toBe(OLD);
	});

	it('leaves OUT untouched when the export of a shard holds trials of another shard', async () => {
		const out = existingOut('shard.json');
		const shard = { index: 0, count: 2 };
		const mine = planned.filter((plan) => plan.index % 2 === 0);
		const checked = await writeCheckedExport(serializeStudy(exported), out, mine, shard);
		expect(checked).toEqual({ ok: false, problems: ['the export holds trial(s) 1, 3, outside shard 0/2'] });
		expect(readFileSync(out, 'utf8')).toBe(OLD);
	});

	it('creates OUT when there was none', async () => {
		const out = join(folder.path, 'new.json');
		expect((await writeCheckedExport(serializeStudy(exported), out, planned)).ok).toBe(true);
		expect(readFileSync(out, 'utf8')).toBe(serializeStudy(exported));
	});
});

describe('--engine', () => {
	const io = () => {
		const err: string[] = [];
		const captured: CommandIo = { out: async () => undefined, err: (text) => void err.push(text) };
		return { captured, err };
	};
	it('passes auto, tfjs or jax on to every trial of the run', () => {
		for (const engine of ['auto', 'tfjs', 'jax']) {
			const { captured, err } = io();
			const args = readArguments(['study.json', '--out', 'out.json', '--engine', engine], captured);
			expect(args).toMatchObject({ file: 'study.json', out: 'out.json', options: { engine } });
			expect(err).toEqual([]);
		}
	});
	it('leaves the engine to the study without the flag', () => {
		const args = readArguments(['study.json', '--out', 'out.json'], io().captured);
		expect(args).toMatchObject({ options: {} });
		expect((args as { options: object }).options).not.toHaveProperty('engine');
	});
	it('refuses any other value with a usage error that names the flag and the choices', () => {
		const { captured, err } = io();
		expect(readArguments(['study.json', '--out', 'o.json', '--engine', 'torch'], captured)).toBe(EXIT_USAGE);
		expect(err.join('')).toContain('--engine: expected one of auto, tfjs, jax, got "torch"');
	});
});

describe('GPU honesty', () => {
	const swiftShader = {
		vendor: 'google',
		architecture: 'swiftshader',
		device: '',
		description: '',
		isFallback: true
	};
	const h100 = {
		vendor: 'nvidia',
		architecture: 'hopper',
		device: '',
		description: 'NVIDIA H100 80GB HBM3',
		isFallback: false
	};

	it('reads --allow-software-gpu (off unless given)', () => {
		const quiet: CommandIo = { out: async () => undefined, err: () => undefined };
		expect(readArguments(['s.json', '--out', 'o.json'], quiet)).toMatchObject({ allowSoftwareGpu: false });
		expect(readArguments(['s.json', '--out', 'o.json', '--allow-software-gpu'], quiet)).toMatchObject({
			allowSoftwareGpu: true
		});
	});

	it('refuses a software adapter by name, says what to check and how to go on anyway', () => {
		const message = softwareGpuRefusal(swiftShader);
		expect(message).toContain('refusing to train on webgpu');
		expect(message).toContain('software fallback: google swiftshader (fallback)');
		expect(message).toContain('--enable-features=Vulkan --use-angle=vulkan --use-vulkan=native');
		expect(message).toContain('vulkaninfo --summary');
		expect(message).toContain('NVIDIA_DRIVER_CAPABILITIES must include graphics');
		expect(message).toContain('--allow-software-gpu');
	});

	it('names the problem when there is no adapter at all, and offers another backend instead', () => {
		const message = softwareGpuRefusal(null, 'navigator.gpu.requestAdapter() returned no adapter');
		expect(message).toContain('no WebGPU adapter here (navigator.gpu.requestAdapter() returned no adapter)');
		expect(message).toContain('--backend wasm');
		expect(message).not.toContain('--allow-software-gpu');
	});

	it('says which pair auto picked, its speed, the others and the adapter they ran on', () => {
		const pick = {
			workload: 'mlp/digits/w32d1/batch64',
			engine: 'tfjs',
			backend: 'wasm',
			measured: [
				{ engine: 'tfjs', backend: 'wasm', stepsPerSecond: 121.55 },
				{ engine: 'tfjs', backend: 'webgpu', stepsPerSecond: 4.123 },
				{ engine: 'tfjs', backend: 'webgl', error: 'no WebGL context' }
			]
		};
		expect(autoPickLine(pick, swiftShader)).toBe(
			'[run] auto picked tfjs on wasm for mlp/digits/w32d1/batch64: 122 steps/s, the fastest measured on ' +
				'this workload (others: tfjs/webgpu 4.12 steps/s, tfjs/webgl failed (no WebGL context)); WebGPU ' +
				'adapter: google swiftshader (fallback), a software adapter'
		);
		const onGpu = {
			...pick,
			backend: 'webgpu',
			measured: [{ engine: 'tfjs', backend: 'webgpu', stepsPerSecond: 900 }]
		};
		expect(autoPickLine(onGpu, h100)).toBe(
			'[run] auto picked tfjs on webgpu for mlp/digits/w32d1/batch64: 900 steps/s, the fastest measured on ' +
				'this workload; WebGPU adapter: nvidia hopper NVIDIA H100 80GB HBM3'
		);
		expect(autoPickLine({ ...pick, measured: [] })).toBe(
			'[run] auto picked tfjs on wasm for mlp/digits/w32d1/batch64: kept from an earlier run of this study (no measurement stored)'
		);
	});
});
