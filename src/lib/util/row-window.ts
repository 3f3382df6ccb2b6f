// Which rows of a long list to render: the ones inside the visible part of a scroll box plus a margin
// (overscan) on each side, with the heights of the rows left out above and below so the scroll box
// keeps its full height. Pure: the trial table uses it for studies of thousands of trials, where
// rendering every row made opening and scrolling the study page slow.

export interface RowWindow {
	/** First row to render (0-based). */
	start: number;
	/** One past the last row to render. */
	end: number;
	/** Height in px of the rows left out above `start`. */
	before: number;
	/** Height in px of the rows left out from `end` on. */
	after: number;
}

/**
 * The rows of a list of `total` rows, each `rowHeight` px tall, that a scroll box showing `viewHeight`
 * px from `scrollTop` px on must render, with `overscan` extra rows on each side.
 */
export function rowWindow(
	total: number,
	rowHeight: number,
	scrollTop: number,
	viewHeight: number,
	overscan: number
): RowWindow {
	if (total <= 0 || !(rowHeight > 0)) return { start: 0, end: Math.max(0, total), before: 0, after: 0 };
	const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
	const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewHeight)) / rowHeight);
	const start = Math.min(total, Math.max(0, first - overscan));
	const end = Math.max(start, Math.min(total, last + overscan));
	return { start, end, before: start * rowHeight, after: (total - end) * rowHeight };
}
