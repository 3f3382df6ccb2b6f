import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '$lib/storage/schema';
import { continuedFromStep } from './protocol';

const trial = (fields: Partial<TrialRecord>): TrialRecord =>
	({
		id: 'trial-1',
		createdAt: 0,
		updatedAt: 0,
		status: 'running',
		lastStep: 0,
		summary: null,
		...fields
	}) as TrialRecord;

const policy = { every: 300, keepBest: 2, objective: { metric: 'valLoss', goal: 'minimize' } } as const;

describe('continuedFromStep', () => {
	it('is the latest stored checkpoint, whatever order the list holds', () => {
		const checkpoints = [600, 1200, 300].map((step) => ({ step, value: 0.5, bytes: 1 }));
		expect(continuedFromStep(trial({ checkpointPolicy: policy, checkpoints }))).toBe(1200);
	});

	it('is null for a trial that starts from step 0', () => {
		expect(continuedFromStep(trial({ checkpointPolicy: policy, checkpoints: [] }))).toBeNull();
		expect(continuedFromStep(trial({ checkpointPolicy: policy }))).toBeNull();
		// Without a policy the trial client does not look for checkpoints at all.
		expect(continuedFromStep(trial({ checkpoints: [{ step: 300, value: 0.5, bytes: 1 }] }))).toBeNull();
	});
});
