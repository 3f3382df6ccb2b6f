// The project-wide baseline ("launched") configuration. The playbook's incremental strategy keeps one
// best configuration and only replaces it when a study gives strong evidence for a change (playbook:
// "The incremental tuning strategy"); the record keeps the replaced ones so the log shows the path.
import type { BaselineEntry, BaselineRecord, LabDb } from './schema';

export const BASELINE_KEY = 'baseline';
/** Older baselines beyond this many are dropped (each is a few hundred bytes). */
export const MAX_BASELINE_HISTORY = 200;

export function getBaseline(db: LabDb): Promise<BaselineRecord | undefined> {
	return db.get('project', BASELINE_KEY);
}

/** The record after `entry` replaces `previous`: the old current entry moves to the history. */
export function nextBaseline(previous: BaselineRecord | undefined, entry: BaselineEntry): BaselineRecord {
	const history = previous ? [...previous.history, entryOf(previous)] : [];
	return { id: BASELINE_KEY, ...entry, history: history.slice(-MAX_BASELINE_HISTORY) };
}

function entryOf(record: BaselineRecord): BaselineEntry {
	const { config, workload, fromStudyId, fromTrialIndex, setAt } = record;
	const entry: BaselineEntry = { config, workload, setAt };
	if (fromStudyId !== undefined) entry.fromStudyId = fromStudyId;
	if (fromTrialIndex !== undefined) entry.fromTrialIndex = fromTrialIndex;
	return entry;
}

/** Makes `entry` the baseline, in one transaction so two tabs cannot lose each other's history. */
export async function setBaseline(db: LabDb, entry: BaselineEntry): Promise<BaselineRecord> {
	const tx = db.transaction('project', 'readwrite');
	const next = nextBaseline(await tx.store.get(BASELINE_KEY), entry);
	await tx.store.put(next);
	await tx.done;
	return next;
}
