import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLabDb, type BaselineEntry } from './schema';
import { getBaseline, MAX_BASELINE_HISTORY, nextBaseline, setBaseline } from './project';

let dbCounter = 0;
const freshDb = () => openLabDb(`project-test-${++dbCounter}`);

const entry = (learningRate: number, setAt: number, fromStudyId?: string): BaselineEntry => ({
	config: { optimizer: 'adam', learningRate },
	workload: { dataset: 'digits', model: 'mlp' },
	setAt,
	...(fromStudyId ? { fromStudyId, fromTrialIndex: 1 } : {})
});

describe('baseline record', () => {
	it('starts with no baseline', async () => {
		const db = await freshDb();
		expect(await getBaseline(db)).toBeUndefined();
		db.close();
	});

	it('stores the first baseline with an empty history', async () => {
		const db = await freshDb();
		const stored = await setBaseline(db, entry(0.01, 5, 'study-a'));
		expect(stored).toEqual({ id: 'baseline', ...entry(0.01, 5, 'study-a'), history: [] });
		expect(await getBaseline(db)).toEqual(stored);
		db.close();
	});

	it('moves the replaced baseline to the history, oldest first', async () => {
		const db = await freshDb();
		await setBaseline(db, entry(0.1, 1));
		await setBaseline(db, entry(0.01, 2, 'study-a'));
		const third = await setBaseline(db, entry(0.003, 3, 'study-b'));
		expect(third.config.learningRate).toBe(0.003);
		expect(third.fromStudyId).toBe('study-b');
		expect(third.history).toEqual([entry(0.1, 1), entry(0.01, 2, 'study-a')]);
		expect(await getBaseline(db)).toEqual(third);
		db.close();
	});

	it('keeps at most MAX_BASELINE_HISTORY old entries', () => {
		let record = nextBaseline(undefined, entry(1, 0));
		for (let i = 1; i <= MAX_BASELINE_HISTORY + 5; i++) record = nextBaseline(record, entry(1, i));
		expect(record.history).toHaveLength(MAX_BASELINE_HISTORY);
		expect(record.history.at(-1)?.setAt).toBe(MAX_BASELINE_HISTORY + 4);
		expect(record.setAt).toBe(MAX_BASELINE_HISTORY + 5);
	});
});
