// The study's trial table as CSV (RFC 4180: comma separated, CRLF line ends, fields with a comma, quote or
// line break quoted, quotes doubled), one row per trial with its searched values, outcome and the engine
// and backend it trained on and the batch it trained in (if any). Pure, so the quoting is testable without a page.
import type { TableRow } from './trial-table';

/** Quotes a field when it holds a comma, a quote or a line break (RFC 4180 §2.6–2.7). */
export function csvField(value: string | number | boolean | undefined): string {
	if (value === undefined) return '';
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as CSV with a header line; `metric` names the best-value column (e.g. best valLoss). */
export function trialsCsv(rows: readonly TableRow[], paramNames: readonly string[], metric: string): string {
	const header = [
		'index',
		...paramNames,
		'status',
		`best ${metric}`,
		'best step',
		'engine',
		'backend',
		'batch',
		'last step',
		'max train steps',
		'reason'
	];
	const lines = rows.map((row) => [
		row.index,
		...paramNames.map((name) => row.params[name]),
		row.status,
		row.best,
		row.bestStep,
		row.engine,
		row.backend,
		row.batchId,
		row.lastStep,
		row.maxTrainSteps,
		row.reason
	]);
	return [header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}
