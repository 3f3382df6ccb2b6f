import { describe, expect, it } from 'vitest';
import { defaultStudyFor } from '../study/default-studies';
import type { Study } from '../study/study';
import { toStudyFile } from '../study/study-file';
import { validateStudy } from '../study/study-validation';
import {
	addRegularisation,
	addWarmup,
	draftNextStudy,
	lowerRangeMax,
	scaleTrainSteps,
	widenRange,
	widenedBound,
	type RangeParam
} from './next-study';

const range = (
	name: string,
	min: number,
	max: number,
	scale: 'linear' | 'log',
	type: 'float' | 'int' = 'float'
): RangeParam => ({ name, role: 'nuisance', type, min, max, scale });

function digits(): Study {
	return defaultStudyFor({ dataset: 'digits', model: 'mlp' });
}

function valid(study: Study): boolean {
	return validateStudy(toStudyFile(study)).ok;
}

describe('widenedBound', () => {
	it('moves a log-scale edge by one decade', () => {
		expect(widenedBound(range('learningRate', 1e-4, 1e-1, 'log'), 'max')).toBe(1);
		expect(widenedBound(range('learningRate', 1e-4, 1e-1, 'log'), 'min')).toBe(1e-5);
	});

	it('moves a linear edge by the range width, clipped to what the key allows', () => {
		expect(widenedBound(range('labelSmoothing', 0.1, 0.2, 'linear'), 'max')).toBe(0.3);
		expect(widenedBound(range('labelSmoothing', 0.1, 0.2, 'linear'), 'min')).toBe(0);
		// dropout < 1: halfway to the excluded bound instead of 1.
		expect(widenedBound(range('dropout', 0, 0.5, 'linear'), 'max')).toBe(0.75);
		// dropout ≥ 0 and the range starts at 0: no room.
		expect(widenedBound(range('dropout', 0, 0.5, 'linear'), 'min')).toBeNull();
		// momentum < 1 on a log scale: 9.9 is out, so halfway from 0.99 to 1.
		expect(widenedBound(range('momentum', 0.5, 0.99, 'log'), 'max')).toBe(0.995);
	});

	it('keeps integers whole and inside their limits', () => {
		expect(widenedBound(range('depth', 1, 3, 'linear', 'int'), 'max')).toBe(5);
		expect(widenedBound(range('depth', 1, 3, 'linear', 'int'), 'min')).toBe(0);
		expect(widenedBound(range('hiddenWidth', 16, 256, 'log', 'int'), 'min')).toBe(1);
		expect(widenedBound(range('hiddenWidth', 16, 1024, 'log', 'int'), 'max')).toBe(4096);
		expect(widenedBound(range('hiddenWidth', 16, 4096, 'log', 'int'), 'max')).toBeNull();
		expect(widenedBound(range('hiddenWidth', 1, 64, 'log', 'int'), 'min')).toBeNull();
	});
});

describe('drafts', () => {
	it('have no trials, a new name within 120 characters, a goal naming the source, and validate', () => {
		const study = { ...digits(), name: 'x'.repeat(120) };
		const draft = widenRange(study, 0, 'max', 'The best trial sat at the top.')!;
		expect(draft.change).toBe('search learningRate over [0.0001, 1] instead of [0.0001, 0.1]');
		expect(draft.study.trials).toEqual([]);
		expect(Array.from(draft.study.name)).toHaveLength(120);
		expect(draft.study.name).toMatch(/^x+… · wider learningRate$/);
		expect(draft.study.goal).toContain('The best trial sat at the top.');
		expect(valid(draft.study)).toBe(true);
		// The source is untouched.
		expect(study.params[0]).toMatchObject({ max: 0.1 });
	});

	it('are dropped when the edit does not validate', () => {
		const draft = draftNextStudy(digits(), {
			suffix: 'broken',
			change: 'nothing sensible',
			reason: 'Testing.',
			plan: 'None.',
			edit(d) {
				d.budget.maxTrainSteps = -1;
			}
		});
		expect(draft).toBeUndefined();
	});

	it('add the first regulariser that is not searched yet, taking it out of fixed', () => {
		// The iris default study searches a learning rate and dropout.
		const iris = defaultStudyFor({ dataset: 'iris', model: 'mlp' });
		const study = { ...iris, fixed: { ...iris.fixed, weightDecay: 0 } };
		const first = addRegularisation(study, 'Overfits.')!;
		expect(first.study.params.map((p) => p.name)).toEqual(['learningRate', 'dropout', 'weightDecay']);
		expect(first.study.params.at(-1)).toMatchObject({ min: 1e-4, max: 1, scale: 'log' });
		expect('weightDecay' in first.study.fixed).toBe(false);
		const second = addRegularisation(first.study, 'Overfits.')!;
		expect(second.study.params.at(-1)).toMatchObject({ name: 'labelSmoothing', min: 0, max: 0.2 });
		expect(addRegularisation(second.study, 'Overfits.')).toBeUndefined();
	});

	it('scale maxTrainSteps, keeping evaluations and checkpoints inside the run', () => {
		const study = {
			...digits(),
			budget: { ...digits().budget, maxTrainSteps: 40, evalEvery: 30, checkpointEvery: 40 }
		};
		const half = scaleTrainSteps(study, 0.5, 'Saturated.')!;
		expect(half.study.budget).toMatchObject({ maxTrainSteps: 20, evalEvery: 20, checkpointEvery: 20 });
		expect(scaleTrainSteps(study, 2, 'Improving.')!.study.budget.maxTrainSteps).toBe(80);
	});

	it('search a warmup of 1% to 10% of the run, once', () => {
		const warm = addWarmup(digits(), 'Unstable.')!;
		expect(warm.study.params.at(-1)).toEqual({
			name: 'warmupSteps',
			role: 'nuisance',
			type: 'int',
			min: 3,
			max: 30,
			scale: 'log'
		});
		expect(addWarmup(warm.study, 'Unstable.')).toBeUndefined();
	});

	it('lower a range maximum only when the new one lies inside the range', () => {
		const lowered = lowerRangeMax(digits(), [{ index: 0, max: 0.02 }], 'Diverged.')!;
		expect(lowered.study.params[0]).toMatchObject({ min: 1e-4, max: 0.02 });
		expect(lowerRangeMax(digits(), [{ index: 0, max: 0.5 }], 'Diverged.')).toBeUndefined();
	});
});
