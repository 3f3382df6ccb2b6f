import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { branchLength, branchSteps } from './cooldown-branches';
import { parseStudyFile, serializeStudy } from './study-file';

const base = () => JSON.parse(readFileSync('static/studies/default-digits.study.json', 'utf8'));

describe('cooldownBranches in the study file', () => {
	it('accepts the option and places branch points on whole steps', () => {
		const file = base();
		file.cooldownBranches = { at: [0.25, 0.5, 1], length: 0.2, shape: '1-sqrt' };
		const parsed = parseStudyFile(JSON.stringify(file));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.study.cooldownBranches).toEqual({ at: [0.25, 0.5, 1], length: 0.2, shape: '1-sqrt' });
		// maxTrainSteps 300: branch points at 75, 150 and 300, each 60 steps long.
		expect(branchSteps(parsed.study.cooldownBranches!, 300)).toEqual([75, 150, 300]);
		expect(branchLength(parsed.study.cooldownBranches!, 300, 75)).toBe(60);
		expect(serializeStudy(parsed.study)).toContain('"cooldownBranches"');
	});

	it('with lengthOf "branchPoint" makes each branch a fraction of its own point', () => {
		const file = base();
		file.cooldownBranches = { at: [0.25, 0.5, 1], length: 0.2, shape: '1-sqrt', lengthOf: 'branchPoint' };
		const parsed = parseStudyFile(JSON.stringify(file));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const option = parsed.study.cooldownBranches!;
		// 0.2 × 75 = 15, 0.2 × 150 = 30, 0.2 × 300 = 60 steps.
		expect(branchSteps(option, 300).map((s) => branchLength(option, 300, s))).toEqual([15, 30, 60]);
		file.cooldownBranches.lengthOf = 'run';
		const bad = parseStudyFile(JSON.stringify(file));
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors.map((e) => e.path)).toEqual(['$.cooldownBranches.lengthOf']);
	});

	it('names each bad key of the option', () => {
		const file = base();
		file.cooldownBranches = { at: [0.5, 0.25, 2], length: 0, shape: 'cubic', every: 3 };
		const parsed = parseStudyFile(JSON.stringify(file));
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		const paths = parsed.errors.map((e) => e.path);
		expect(paths).toEqual(
			expect.arrayContaining([
				'$.cooldownBranches.every',
				'$.cooldownBranches.at[1]',
				'$.cooldownBranches.at[2]',
				'$.cooldownBranches.length',
				'$.cooldownBranches.shape'
			])
		);
	});

	it('round-trips exported branches of a trial and rejects a malformed one', () => {
		const file = base();
		const trial = {
			index: 0,
			params: { hiddenWidth: 32, learningRate: 0.01 },
			config: {
				dataset: 'digits',
				model: 'mlp',
				hiddenWidth: 32,
				depth: 1,
				batchSize: 64,
				maxTrainSteps: 300,
				evalEvery: 25,
				seed: 1,
				backend: 'auto',
				optimizer: 'adam',
				learningRate: 0.01,
				schedule: 'constant'
			},
			seed: 1,
			status: 'completed',
			branches: [
				{
					fromStep: 150,
					length: 60,
					shape: 'linear',
					finalFraction: 0,
					status: 'completed',
					metrics: {
						train: { step: [150], loss: [0.5], lr: [0.01], gradNorm: [1], clipped: [0] },
						evals: [{ step: 210, valLoss: 0.4, valAccuracy: 0.9 }]
					},
					best: { step: 210, value: 0.4 }
				}
			]
		};
		file.trials = [trial];
		const parsed = parseStudyFile(JSON.stringify(file));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.study.trials[0]!.branches![0]).toMatchObject({
			fromStep: 150,
			best: { step: 210, value: 0.4 }
		});
		expect(JSON.parse(serializeStudy(parsed.study)).trials[0].branches).toHaveLength(1);

		file.trials[0].branches[0].shape = 'zigzag';
		file.trials[0].branches[0].length = 0;
		const broken = parseStudyFile(JSON.stringify(file));
		expect(broken.ok).toBe(false);
		if (broken.ok) return;
		expect(broken.errors.map((e) => e.path)).toEqual(
			expect.arrayContaining(['$.trials[0].branches[0].shape', '$.trials[0].branches[0].length'])
		);
	});
});
