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
import { continuedLine, pollEveryMs, readArguments, summaryLine, writeCheckedExport } from './run';

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
