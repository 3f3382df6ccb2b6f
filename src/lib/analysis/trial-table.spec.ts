import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '$lib/storage/schema';
import {
	batchLabels,
	formatDuration,
	queryRows,
	toRow,
	trainingDuration,
	type TableRow
} from './trial-table';

const row = (index: number, status: TableRow['status'], best: number | undefined, lr: number): TableRow => ({
	id: `t${index}`,
	index,
	params: { learningRate: lr, optimizer: index % 2 ? 'adam' : 'sgd' },
	status,
	best,
	lastStep: 0,
	maxTrainSteps: 100
});

const rows = [
	row(0, 'completed', 0.5, 0.01),
	row(1, 'infeasible', undefined, 1),
	row(2, 'completed', 0.3, 0.001)
];

describe('toRow', () => {
	it('does not rank an infeasible trial by the objective', () => {
		const summary = {
			bestValLoss: 1,
			bestValLossStep: 0,
			bestValAccuracy: 0.5,
			finalValLoss: 9,
			finalValAccuracy: 0.1
		};
		const trial = {
			id: 'x',
			createdAt: 0,
			updatedAt: 0,
			config: { maxTrainSteps: 10 } as TrialRecord['config'],
			lastStep: 3,
			summary
		};
		expect(toRow({ ...trial, status: 'infeasible' }, 'valLoss').best).toBeUndefined();
		expect(toRow({ ...trial, status: 'completed' }, 'valLoss')).toMatchObject({ best: 1, bestStep: 0 });
		expect(toRow({ ...trial, status: 'completed' }, 'valAccuracy').best).toBe(0.5);
	});
});

describe('queryRows', () => {
	it('sorts by the objective with missing values last in both directions', () => {
		const base = { status: 'all' as const, text: '' };
		expect(queryRows(rows, { ...base, sortKey: 'best', descending: false }).map((r) => r.index)).toEqual([
			2, 0, 1
		]);
		expect(queryRows(rows, { ...base, sortKey: 'best', descending: true }).map((r) => r.index)).toEqual([
			0, 2, 1
		]);
	});

	it('sorts by a parameter and filters by status and text', () => {
		const sorted = queryRows(rows, {
			sortKey: 'param:learningRate',
			descending: false,
			status: 'all',
			text: ''
		});
		expect(sorted.map((r) => r.index)).toEqual([2, 0, 1]);
		expect(
			queryRows(rows, { sortKey: 'index', descending: false, status: 'completed', text: '' }).map(
				(r) => r.index
			)
		).toEqual([0, 2]);
		expect(
			queryRows(rows, { sortKey: 'index', descending: false, status: 'all', text: 'ADAM' }).map(
				(r) => r.index
			)
		).toEqual([1]);
	});
});

describe('training time and speed', () => {
	it('sums the runs, an open one up to the last stored update', () => {
		const runs = [
			{ slot: 0, startedAt: 1_000, endedAt: 4_000 },
			// Resumed later on another slot, still training; last stored at 10,500.
			{ slot: 1, startedAt: 9_000 }
		];
		expect(trainingDuration({ runs, updatedAt: 10_500 })).toBe(3_000 + 1_500);
		expect(trainingDuration({ runs: [], updatedAt: 10_500 })).toBeUndefined();
		expect(trainingDuration({ updatedAt: 10_500 })).toBeUndefined();
	});

	it('formats durations in the unit a person reads', () => {
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(42_400)).toBe('42 s');
		expect(formatDuration(185_000)).toBe('3 min 05 s');
		expect(formatDuration(3_720_000)).toBe('1 h 02 min');
	});
});

describe('batchLabels', () => {
	it('numbers batches by their lowest trial index and counts their trials; lone trials get none', () => {
		const labels = batchLabels([
			{ index: 4, batchId: 'x' },
			{ index: 1, batchId: 'y' },
			{ index: 2 },
			{ index: 0, batchId: 'x' },
			{ index: 3, batchId: 'y' },
			{ index: 5, batchId: 'y' }
		]);
		// x's lowest index is 0, y's is 1.
		expect([...labels.entries()]).toEqual([
			['x', { label: 'batch 1', size: 2 }],
			['y', { label: 'batch 2', size: 3 }]
		]);
	});
});
