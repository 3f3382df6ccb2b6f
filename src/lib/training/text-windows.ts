// How text becomes examples, the same for every engine: a training example is the window of
// contextLength tokens that starts at a position (its targets are the same window moved on by one
// token), and the validation split is scored on the non-overlapping windows of the held-out text, at
// most MAX_TEXT_EVAL_CHARS characters of it, so both engines score exactly the same windows.
import type { TextData } from '$lib/datasets/text-data';

/** Validation characters that are scored, at most (the non-overlapping windows covering them). */
export const MAX_TEXT_EVAL_CHARS = 32_768;

/** Throws when a window of `contextLength` tokens and its next-token targets do not fit both splits. */
export function checkContextFits(data: TextData, contextLength: number): void {
	const T = contextLength;
	if (data.train.length <= T + 1 || data.val.length <= T + 1) {
		throw new Error(
			`contextLength ${T} is too long for this text (${data.train.length} training and ` +
				`${data.val.length} validation characters)`
		);
	}
}

/** The scored validation windows: inputs and next-token targets, `count` rows of `contextLength` tokens. */
export function validationWindows(
	val: Int32Array,
	contextLength: number
): { x: Int32Array<ArrayBuffer>; y: Int32Array<ArrayBuffer>; count: number } {
	const T = contextLength;
	const count = Math.floor((Math.min(val.length, MAX_TEXT_EVAL_CHARS + 1) - 1) / T);
	const x = new Int32Array(count * T);
	const y = new Int32Array(count * T);
	for (let w = 0; w < count; w++) {
		x.set(val.subarray(w * T, w * T + T), w * T);
		y.set(val.subarray(w * T + 1, w * T + T + 1), w * T);
	}
	return { x, y, count };
}
