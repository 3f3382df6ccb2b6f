// The home page's list of studies: each study's status, trials, best value and date, searchable and
// sortable (pure: it orders the tuning log's rows, analysis/tuning-log.ts).
import type { ExperimentRow } from './tuning-log';

export type StudyListKey = 'name' | 'status' | 'trials' | 'best' | 'date';

export interface StudyListQuery {
	key: StudyListKey;
	descending: boolean;
	/** Case-insensitive words, each found in the name, goal, dataset/model text, status or metric. */
	text: string;
}

/** The date a person means by "when": when it finished, else when it was created (ms since the epoch). */
export function studyDate(row: Pick<ExperimentRow, 'finishedAt' | 'createdAt'>): number {
	return row.finishedAt ?? row.createdAt;
}

/** Where a status sits when sorted: what needs attention first (running, paused), then done, then not begun. */
const STATUS_ORDER: Record<string, number> = { running: 0, paused: 1, finished: 2, cancelled: 3, draft: 4 };

function compare(a: ExperimentRow, b: ExperimentRow, key: StudyListKey): number {
	switch (key) {
		case 'name':
			return a.name.localeCompare(b.name);
		case 'status':
			return (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9);
		case 'trials':
			return a.completed - b.completed || a.total - b.total;
		case 'best':
			return (a.best?.value ?? 0) - (b.best?.value ?? 0);
		case 'date':
			return studyDate(a) - studyDate(b);
	}
}

/**
 * The rows that match every word of `query.text`, ordered by `query.key`. Studies with no best value
 * sort last whichever the direction (nothing to compare); ties keep the newest first.
 */
export function studyList(
	rows: readonly ExperimentRow[],
	query: StudyListQuery,
	searchText: (row: ExperimentRow) => string = (row) => `${row.name} ${row.goal} ${row.status} ${row.metric}`
): ExperimentRow[] {
	const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
	const kept = rows.filter((row) => {
		const hay = searchText(row).toLowerCase();
		return words.every((w) => hay.includes(w));
	});
	const sign = query.descending ? -1 : 1;
	return kept.sort((a, b) => {
		if (query.key === 'best' && (a.best === null) !== (b.best === null)) return a.best === null ? 1 : -1;
		return sign * compare(a, b, query.key) || b.createdAt - a.createdAt;
	});
}
