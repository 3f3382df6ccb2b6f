// Small helpers shared by the study validators: JSON paths such as `$.params[2].scale`, and short
// descriptions of untrusted values. Anything taken from the user's file is cut to a few dozen
// characters, so a message never repeats a long string back at its reader.

export { isPlainObject } from '../util/plain-object';

export type PathSegment = string | number;

/** Longest piece of user text (a string value or an object key) quoted in a message or a path. */
export const MAX_QUOTED_CHARS = 40;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The text cut to `limit` characters, the last one replaced by an ellipsis when cut. */
export function clip(text: string, limit = MAX_QUOTED_CHARS): string {
	const chars = Array.from(text);
	return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/** The text in double quotes, cut to `MAX_QUOTED_CHARS` characters. */
export function quote(text: string): string {
	return JSON.stringify(clip(text));
}

/** Appends one segment to a path: `.name` for plain keys, `["odd key"]` for others, `[3]` for indices. */
export function childPath(path: string, segment: PathSegment): string {
	if (typeof segment === 'number') return `${path}[${segment}]`;
	return IDENTIFIER.test(segment) && segment.length <= MAX_QUOTED_CHARS
		? `${path}.${segment}`
		: `${path}[${quote(segment)}]`;
}

/** `$` followed by the segments, e.g. `['params', 2, 'scale']` → `$.params[2].scale`. */
export function jsonPath(segments: readonly PathSegment[]): string {
	return segments.reduce<string>((path, segment) => childPath(path, segment), '$');
}

/** A short description of any value for "got …" in a message. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') return quote(value);
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a non-finite number';
	if (typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value}`;
}

/** `a, b and c` for short lists. */
export function listWords(words: readonly string[]): string {
	if (words.length <= 1) return words.join('');
	return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
