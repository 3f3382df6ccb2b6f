import { describe, expect, it } from 'vitest';
import { bestCheckpoint, checkpointsToKeep } from './checkpoint-retention';

const metas = [
	{ step: 100, value: 0.9, bytes: 1 },
	{ step: 200, value: 0.5, bytes: 1 },
	{ step: 300, value: 0.7, bytes: 1 },
	{ step: 400, value: 0.5, bytes: 1 },
	{ step: 500, value: Number.NaN, bytes: 1 }
];

describe('checkpointsToKeep', () => {
	it('keeps the latest and the N best, ties to the earlier step, never a non-finite one as best', () => {
		expect([...checkpointsToKeep(metas, 2, 'minimize')].sort((a, b) => a - b)).toEqual([200, 400, 500]);
		expect([...checkpointsToKeep(metas, 1, 'minimize')].sort((a, b) => a - b)).toEqual([200, 500]);
		expect([...checkpointsToKeep(metas, 1, 'maximize')].sort((a, b) => a - b)).toEqual([100, 500]);
		expect([...checkpointsToKeep(metas, 0, 'minimize')]).toEqual([500]);
		expect([...checkpointsToKeep([], 3, 'minimize')]).toEqual([]);
	});

	it('names the best checkpoint', () => {
		expect(bestCheckpoint(metas, 'minimize')?.step).toBe(200);
		expect(bestCheckpoint(metas, 'maximize')?.step).toBe(100);
		expect(bestCheckpoint([{ step: 1, value: Number.NaN, bytes: 0 }], 'minimize')).toBeUndefined();
	});
});
