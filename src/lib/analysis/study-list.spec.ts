import { describe, expect, it } from 'vitest';
import type { ExperimentRow } from './tuning-log';
import { studyDate, studyList } from './study-list';

function row(name: string, over: Partial<ExperimentRow> = {}): ExperimentRow {
	return {
		studyId: name,
		name,
		goal: `goal of ${name}`,
		notes: '',
		status: 'finished',
		imported: false,
		createdAt: 0,
		completed: 0,
		total: 4,
		metric: 'valLoss',
		direction: 'minimize',
		best: null,
		conclusion: '',
		changedBaseline: false,
		...over
	};
}

const rows = [
	row('Width sweep', { createdAt: 100, finishedAt: 900, completed: 4, best: { value: 0.31, trialIndex: 2 } }),
	row('Adam lr', { createdAt: 300, status: 'running', completed: 1, best: { value: 0.52, trialIndex: 0 } }),
	row('CNN depth', { createdAt: 200, status: 'draft', goal: 'depth on fashion-mnist' }),
	row('Warmup', { createdAt: 400, finishedAt: 500, completed: 4, best: { value: 0.12, trialIndex: 1 } })
];
const names = (list: ExperimentRow[]) => list.map((r) => r.name);

describe('studyList', () => {
	it('sorts by best value either way, studies without one last', () => {
		expect(names(studyList(rows, { key: 'best', descending: false, text: '' }))).toEqual([
			'Warmup',
			'Width sweep',
			'Adam lr',
			'CNN depth'
		]);
		expect(names(studyList(rows, { key: 'best', descending: true, text: '' }))).toEqual([
			'Adam lr',
			'Width sweep',
			'Warmup',
			'CNN depth'
		]);
	});

	it('dates a finished study by its end, others by their creation', () => {
		expect(rows.map(studyDate)).toEqual([900, 300, 200, 500]);
		expect(names(studyList(rows, { key: 'date', descending: true, text: '' }))).toEqual([
			'Width sweep',
			'Warmup',
			'Adam lr',
			'CNN depth'
		]);
	});

	it('sorts by name, status and trials done', () => {
		expect(names(studyList(rows, { key: 'name', descending: false, text: '' }))).toEqual([
			'Adam lr',
			'CNN depth',
			'Warmup',
			'Width sweep'
		]);
		// running, then finished (newest first on a tie), then draft
		expect(names(studyList(rows, { key: 'status', descending: false, text: '' }))).toEqual([
			'Adam lr',
			'Warmup',
			'Width sweep',
			'CNN depth'
		]);
		expect(names(studyList(rows, { key: 'trials', descending: true, text: '' }))).toEqual([
			'Warmup',
			'Width sweep',
			'Adam lr',
			'CNN depth'
		]);
	});

	it('keeps the rows holding every word searched for, in any case', () => {
		expect(names(studyList(rows, { key: 'name', descending: false, text: 'FASHION depth' }))).toEqual([
			'CNN depth'
		]);
		expect(names(studyList(rows, { key: 'name', descending: false, text: 'running' }))).toEqual(['Adam lr']);
		expect(studyList(rows, { key: 'name', descending: false, text: 'nothing like it' })).toEqual([]);
	});
});
