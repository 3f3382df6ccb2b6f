import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../args';
import { fixtureFolder, tuningLab } from '../../src/lib/testing/cli-support';
import { analyzeStudy } from '../../src/lib/analysis/checklist';
import { syntheticStudy, type SyntheticTrial } from '../../src/lib/testing/synthetic-study';
import { serializeStudy } from '../../src/lib/study/study-file';
import { run } from './analyze';

const folder = fixtureFolder('analyze');

function capture(): CommandIo & { stdout: string; stderr: string } {
	const io = {
		stdout: '',
		stderr: '',
		async out(text: string) {
			io.stdout += text;
		},
		err(text: string) {
			io.stderr += text;
		}
	};
	return io;
}

// Twelve trials over learning rates 1e-4…1e-1 whose quality peaks at the top of the range (a boundary
// finding), one of them clipping most of its steps.
function craftedStudy() {
	const trials = Array.from({ length: 12 }, (_, i): SyntheticTrial => {
		const learningRate = 10 ** (-4 + (3 * (i + 0.5)) / 12);
		const penalty = 1 + 0.1 * (Math.log10(learningRate) + 1) ** 2;
		return {
			params: { learningRate, weightDecay: 10 ** (-4 + (4 * (((i * 5) % 12) + 0.5)) / 12) },
			trainLoss: (t) => penalty * (0.2 + 2.1 * Math.exp(-t / 50)),
			valLoss: (t) => penalty * (0.5 + 1.8 * Math.exp(-t / 50) + 0.2 * Math.max(0, t / 300 - 0.6)),
			...(i === 3 ? { gradNorm: (s: number) => 1 + (s % 3), clipAt: 1.5 } : {})
		};
	});
	return syntheticStudy(trials);
}

const study = craftedStudy();
const file = folder.write('study.json', serializeStudy(study));

describe('tuning-lab analyze', () => {
	it('prints the findings as JSON, the same as the page computes', async () => {
		const io = capture();
		expect(await run([file], io)).toBe(0);
		expect(io.stderr).toBe('');
		const printed = JSON.parse(io.stdout) as Record<string, unknown>[];
		expect(printed.map((f) => f.id)).toEqual(['boundary', 'aggressive-clipping']);
		const boundary = printed[0]!;
		expect(Object.keys(boundary)).toEqual([
			'id',
			'severity',
			'title',
			'message',
			'trials',
			'parameter',
			'edge',
			'plot',
			'section',
			'nextStudy'
		]);
		expect(boundary).toMatchObject({
			severity: 'warning',
			parameter: 'learningRate',
			edge: 'max',
			trials: [11],
			nextStudy: { change: 'search learningRate over [0.0001, 1] instead of [0.0001, 0.1]' }
		});
		expect(printed[1]).toMatchObject({ trials: [3], plot: 'stability', parameter: 'gradClipNorm' });
		// The same findings as analyzeStudy on the study read back from the file.
		const direct = analyzeStudy(study);
		expect(printed.map((f) => [f.id, f.message, f.trials])).toEqual(
			direct.map((f) => [f.id, f.message, f.trials])
		);
	});

	it('takes the objective from --metric and --reduce', async () => {
		const io = capture();
		expect(await run([file, '--metric', 'trainLoss', '--reduce', 'final'], io)).toBe(0);
		const printed = JSON.parse(io.stdout) as { id: string; message: string }[];
		expect(printed.map((f) => f.id)).toContain('boundary');
		expect(printed).toEqual(
			analyzeStudy(study, { metric: 'trainLoss', reduce: 'final' }).map((f) =>
				expect.objectContaining({ id: f.id, message: f.message })
			)
		);
	});

	it('prints [] for a study without results', async () => {
		const io = capture();
		const empty = folder.write('empty.json', serializeStudy({ ...study, trials: [] }));
		expect(await run([empty], io)).toBe(0);
		expect(io.stdout).toBe('[]\n');
	});

	it('exits with 2 for bad usage', async () => {
		const cases: [string[], RegExp][] = [
			[[], /^analyze: expected exactly one study file, got 0 arguments\n/],
			[[file, file], /got 2 arguments/],
			[[file, '--reduce', 'median'], /^analyze: --reduce: expected best or final, got "median"\n/],
			[
				[file, '--metric', 'f1'],
				/^analyze: --metric: "f1" is not logged by this study; it has trainLoss, valLoss, valAccuracy\n/
			],
			[[file, '--bogus'], /^analyze: Unknown option '--bogus'/]
		];
		for (const [argv, message] of cases) {
			const io = capture();
			expect(await run(argv, io)).toBe(2);
			expect(io.stderr).toMatch(message);
			expect(io.stdout).toBe('');
		}
	});

	it('exits with 1 and names the file when it cannot be read or is not a study', async () => {
		const missing = join(folder.path, 'absent.json');
		const io = capture();
		expect(await run([missing], io)).toBe(1);
		expect(io.stderr).toBe(`analyze: cannot read ${JSON.stringify(missing)}: no such file\n`);
		const broken = folder.write('broken.json', { format: 'tuning-lab.study', version: 1, name: 'x' });
		const bad = capture();
		expect(await run([broken], bad)).toBe(1);
		expect(bad.stderr).toMatch(
			new RegExp(`^analyze: ".*broken\\.json" is not a valid study file:\n.*broken\\.json: \\$\\.goal: `)
		);
	});

	it('is registered with the tuning-lab executable', () => {
		const { status, stdout } = tuningLab('analyze', file);
		expect(status).toBe(0);
		expect(JSON.parse(stdout).map((f: { id: string }) => f.id)).toEqual(['boundary', 'aggressive-clipping']);
		const help = tuningLab('analyze', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^usage: tuning-lab analyze FILE/);
	});
});
