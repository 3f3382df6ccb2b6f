import { describe, expect, it } from 'vitest';
import type { AutomationProgress } from '../../src/lib/automation/protocol';
import { EXIT_USAGE, type CommandIo } from '../args';
import { continuedLine, pollEveryMs, readArguments, summaryLine } from './run';

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
