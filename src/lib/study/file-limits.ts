// The sizes of files the lab reads (study files, checkpoints files) and how many trials' checkpoints
// an export holds by default. The pages check a picked file's size before reading it and the storage
// layer checks again while importing, so both read the limits from here.

/**
 * The largest study file the lab reads, in bytes, checked before any parsing (on the file's size, a
 * response's length, or while a download streams in). Reading a file holds its text, our syntax scan
 * walks it and JSON.parse builds the whole object tree, all on the page's thread and in its memory.
 * A trial of 300 logged steps takes about 31 KB; 1,000 of them make a 30 MiB file that parsed in
 * 1.3 s with 186 MB resident in Node on our 2-core test machine. 64 MiB thus holds about 2,000 such
 * trials and parses in a few seconds; past that a tab stalls and may run out of memory, so the file
 * is refused instead. Checkpoints travel in their own file (checkpoint-transfer.ts), with their own limit.
 */
export const MAX_STUDY_FILE_BYTES = 64 * 1024 * 1024;

/** The refusal for a study file of `bytes` bytes, or undefined when it is small enough to read. */
export function studyFileSizeProblem(bytes: number, what = 'the file'): string | undefined {
	if (bytes <= MAX_STUDY_FILE_BYTES) return undefined;
	const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
	return (
		`$: ${what} is ${mb(bytes)}, over the ${mb(MAX_STUDY_FILE_BYTES)} limit for study files ` +
		"(larger files would need too much of the tab's memory to parse); nothing was read"
	);
}

/**
 * The largest checkpoints file read, in bytes. Weights dominate: a 1M-parameter Adam trial with EMA
 * keeps 4 arrays of 4 MB, about 21 MB in base64 per checkpoint, so 256 MiB holds a dozen such models.
 * The limit also keeps the text well under the engine's longest string (2^29 − 24 characters in V8).
 */
export const MAX_CHECKPOINTS_FILE_BYTES = 256 * 1024 * 1024;

/** How many trials' checkpoints an export holds by default. */
export const DEFAULT_CHECKPOINT_TRIALS = 3;
