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
		const report = JSON.parse(io.stdout) as { findings: Record<string, unknown>[] };
		expect(Object.keys(report)).toEqual(['study', 'objective', 'findings', 'importance', 'bestSoFar']);
		expect(report).toMatchObject({
			study: 'Synthetic study',
			objective: { metric: 'valLoss', reduce: 'best', goal: 'minimize' }
		});
		const printed = report.findings;
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
		const report = JSON.parse(io.stdout) as {
			objective: unknown;
			findings: { id: string; message: string }[];
		};
		expect(report.objective).toEqual({ metric: 'trainLoss', reduce: 'final', goal: 'minimize' });
		const printed = report.findings;
		expect(printed.map((f) => f.id)).toContain('boundary');
		expect(printed).toEqual(
			analyzeStudy(study, { metric: 'trainLoss', reduce: 'final' }).map((f) =>
				expect.objectContaining({ id: f.id, message: f.message })
			)
		);
	});

	it('prints empty findings and series for a study without results', async () => {
		const io = capture();
		const empty = folder.write('empty.json', serializeStudy({ ...study, trials: [] }));
		expect(await run([empty], io)).toBe(0);
		const report = JSON.parse(io.stdout) as Record<string, unknown>;
		expect(report.findings).toEqual([]);
		expect(report.bestSoFar).toEqual([]);
		// No completed trial: no surrogate is fitted and every searched parameter gets 0.
		expect(report.importance).toEqual([
			{ name: 'learningRate', importance: 0 },
			{ name: 'weightDecay', importance: 0 }
		]);
	});

	it("prints each parameter's importance: the parameter that decides the objective ranks first", async () => {
		// 16 trials whose value depends on the learning rate alone, (log10 lr + 2.5)² + 0.5, with weight
		// decays in an order unrelated to it: all of the variance is the learning rate's.
		const trials = Array.from({ length: 16 }, (_, i): SyntheticTrial => {
			const learningRate = 10 ** (-4 + (3 * (i + 0.5)) / 16);
			const value = 0.5 + (Math.log10(learningRate) + 2.5) ** 2;
			return {
				params: { learningRate, weightDecay: 10 ** (-4 + (4 * (((i * 7) % 16) + 0.5)) / 16) },
				trainLoss: () => value,
				valLoss: () => value
			};
		});
		const decided = folder.write('decided.json', serializeStudy(syntheticStudy(trials)));
		const io = capture();
		expect(await run([decided], io)).toBe(0);
		const { importance } = JSON.parse(io.stdout) as { importance: { name: string; importance: number }[] };
		expect(importance.map((p) => p.name)).toEqual(['learningRate', 'weightDecay']);
		expect(importance[0]!.importance).toBeGreaterThan(0.8);
		expect(importance[1]!.importance).toBeLessThan(0.1);
	});

	it('prints the best-so-far series: the running minimum, or maximum for an accuracy', async () => {
		// Final validation losses in run order 0.9, 0.7, (diverged), 0.8, 0.5, 0.6; accuracies 1 − loss.
		const losses = [0.9, 0.7, null, 0.8, 0.5, 0.6];
		const trials = losses.map((loss, i): SyntheticTrial =>
			loss === null
				? {
						params: { learningRate: 0.001 * (i + 1), weightDecay: 0.01 },
						status: 'infeasible',
						stoppedAt: 10,
						reason: 'diverged',
						trainLoss: () => NaN,
						valLoss: () => NaN
					}
				: {
						params: { learningRate: 0.001 * (i + 1), weightDecay: 0.01 },
						trainLoss: () => loss,
						valLoss: () => loss,
						valAccuracy: () => 1 - loss
					}
		);
		const history = folder.write('history.json', serializeStudy(syntheticStudy(trials)));
		const io = capture();
		expect(await run([history], io)).toBe(0);
		expect(JSON.parse(io.stdout).bestSoFar).toEqual([
			{ index: 0, value: 0.9, trial: 0 },
			{ index: 1, value: 0.7, trial: 1 },
			{ index: 2, value: 0.7, trial: 1 },
			{ index: 3, value: 0.7, trial: 1 },
			{ index: 4, value: 0.5, trial: 4 },
			{ index: 5, value: 0.5, trial: 4 }
		]);
		const accuracy = capture();
		expect(await run([history, '--metric', 'valAccuracy'], accuracy)).toBe(0);
		const best = JSON.parse(accuracy.stdout).bestSoFar as { index: number; value: number; trial: number }[];
		expect(best.map((p) => [p.index, p.trial])).toEqual([
			[0, 0],
			[1, 1],
			[2, 1],
			[3, 1],
			[4, 4],
			[5, 4]
		]);
		expect(best.map((p) => p.value)).toEqual(
			[0.1, 1 - 0.7, 1 - 0.7, 1 - 0.7, 0.5, 0.5].map((v) => expect.closeTo(v, 12))
		);
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
		expect(JSON.parse(stdout).findings.map((f: { id: string }) => f.id)).toEqual([
			'boundary',
			'aggressive-clipping'
		]);
		const help = tuningLab('analyze', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^usage: tuning-lab analyze FILE/);
	});
});
