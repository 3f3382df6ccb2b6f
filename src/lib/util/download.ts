// Saving what the page made (a study file, checkpoints, a model, a plot) as a download. Page only:
// it needs the DOM.

/** Longest file-name base made from a user's text, in characters. */
const MAX_NAME_CHARS = 60;

/**
 * A file-name base from a user's text (a study name): each run of characters other than letters,
 * digits, `.`, `_` and `-` becomes one `-`, cut to 60 characters; `fallback` when nothing is left.
 */
export function fileNameBase(text: string, fallback: string): string {
	return text.replace(/[^\w.-]+/g, '-').slice(0, MAX_NAME_CHARS) || fallback;
}

/** Offers `blob` as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.style.display = 'none';
	document.body.append(link);
	link.click();
	link.remove();
	// The download has started by the time this runs; a minute is generous for slow disks.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Offers JSON text (a study or checkpoints file) as a download named `fileName`. */
export function downloadJson(text: string, fileName: string): void {
	downloadBlob(new Blob([text], { type: 'application/json' }), fileName);
}
