// Text for the character-level language model: a character vocabulary and the text as token ids,
// split by position (the first 90% trains, the last 10% validates), so no validation window overlaps
// a training one. Pure: a string in, arrays out; the loaders for bundled and user text share it.
import { DatasetFormatError } from './idx';

export interface TextData {
	kind: 'text';
	/** One entry per token id: the character it stands for, sorted by code point. */
	vocab: string[];
	/** Token ids of the training text (the first `TRAIN_FRACTION` of the characters). */
	train: Int32Array;
	/** Token ids of the held-out tail. */
	val: Int32Array;
}

export const TRAIN_FRACTION = 0.9;
/** Fewer characters than this cannot fill a useful train and validation split. */
export const MIN_TEXT_CHARS = 1000;
/** More distinct characters than this means the file is not text a character model can learn. */
export const MAX_VOCAB = 512;

/** Splits text into characters (code points, so astral characters stay whole) and encodes it. */
export function encodeText(text: string, source: string): TextData {
	const chars = Array.from(text.replace(/\r\n/g, '\n'));
	if (chars.length < MIN_TEXT_CHARS) {
		throw new DatasetFormatError(
			source,
			`${chars.length} characters; a language model needs at least ${MIN_TEXT_CHARS}`
		);
	}
	const vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
	if (vocab.length > MAX_VOCAB) {
		throw new DatasetFormatError(
			source,
			`${vocab.length} distinct characters (at most ${MAX_VOCAB}); is this a plain-text file?`
		);
	}
	const ids = new Map(vocab.map((c, i) => [c, i]));
	const tokens = Int32Array.from(chars, (c) => ids.get(c)!);
	const cut = Math.floor(tokens.length * TRAIN_FRACTION);
	return { kind: 'text', vocab, train: tokens.slice(0, cut), val: tokens.slice(cut) };
}

/** Token ids back to text; ids outside the vocabulary are an error in the caller. */
export function decodeTokens(vocab: readonly string[], ids: ArrayLike<number>): string {
	let out = '';
	for (let i = 0; i < ids.length; i++) out += vocab[ids[i]!] ?? '';
	return out;
}
