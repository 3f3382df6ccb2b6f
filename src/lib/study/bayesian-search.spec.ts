// The bayesian search setting in the study model: validation, planning of its initial design, the file.
import { describe, expect, it } from 'vitest';
import type { Study } from './study';
import { parseStudyFile, serializeStudy } from './study-file';
import { initialTrialCount, planTrials, plannableTrialCount } from './study-trials';
import { validateStudy } from './study-validation';

function study(search: Partial<Study['search']> = {}): Study {
	return {
		name: 'Exploitation',
		goal: 'Tune the learning rate and width',
		workload: { dataset: 'digits', model: 'mlp' },
		budget: { maxTrainSteps: 100, evalEvery: 10, checkpointEvery: 50, keepBestCheckpoints: 1 },
		objective: { metric: 'valLoss', goal: 'minimize' },
		fixed: { optimizer: 'adam', schedule: 'constant' },
		search: { algorithm: 'bayesian', trials: 20, seed: 3, ...search },
		params: [
			{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' },
			{ name: 'hiddenWidth', role: 'nuisance', type: 'int', min: 16, max: 128, scale: 'log' }
		],
		trials: []
	};
}

const asFile = (s: Study) => JSON.parse(serializeStudy(s)) as Record<string, unknown>;

describe('bayesian search settings', () => {
	it('validates with and without initialTrials', () => {
		expect(validateStudy(asFile(study())).ok).toBe(true);
		expect(validateStudy(asFile(study({ initialTrials: 4 }))).ok).toBe(true);
	});

	it('refuses initialTrials on another algorithm, or above the trial budget', () => {
		const quasi = validateStudy(asFile(study({ algorithm: 'quasi-random', initialTrials: 4 })));
		expect(quasi.ok).toBe(false);
		expect(JSON.stringify(quasi)).toMatch(/initialTrials applies to bayesian search only/);
		const tooMany = validateStudy(asFile(study({ initialTrials: 21 })));
		expect(tooMany.ok).toBe(false);
		expect(JSON.stringify(tooMany)).toContain('$.search.initialTrials');
	});

	it('keeps halving (successive halving) through a file round trip', () => {
		const halving = { eta: 3, minSteps: 10, cooldownSteps: 5 };
		const parsed = parseStudyFile(serializeStudy(study({ initialTrials: 4, halving })));
		expect(parsed.ok && parsed.study.search.halving).toEqual(halving);
	});

	it('keeps initialTrials through a file round trip', () => {
		const parsed = parseStudyFile(serializeStudy(study({ initialTrials: 4 })));
		expect(parsed.ok && parsed.study.search).toEqual({
			algorithm: 'bayesian',
			trials: 20,
			seed: 3,
			initialTrials: 4
		});
	});

	it('starts with max(5, parameters + 1) quasi-random trials by default, within the budget', () => {
		expect(initialTrialCount(study())).toBe(5);
		expect(initialTrialCount(study({ initialTrials: 8 }))).toBe(8);
		expect(initialTrialCount(study({ trials: 3 }))).toBe(3);
		const wide = {
			...study(),
			params: Array.from({ length: 7 }, (_, i) => ({ ...study().params[0]!, name: `p${i}` }))
		};
		expect(initialTrialCount(wide)).toBe(8);
		expect(plannableTrialCount(study({ algorithm: 'quasi-random' }))).toBe(20);
	});

	it('plans only the initial design, which is the quasi-random sequence of the same seed', () => {
		const planned = planTrials(study({ initialTrials: 4 }));
		expect(planned.map((t) => t.index)).toEqual([0, 1, 2, 3]);
		const quasi = planTrials(study({ algorithm: 'quasi-random' }), { count: 4 });
		expect(planned.map((t) => t.params)).toEqual(quasi.map((t) => t.params));
		expect(planTrials(study({ initialTrials: 4 }), { start: 4 })).toEqual([]);
	});
});
