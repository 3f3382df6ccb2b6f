// Building blocks for the valibot schemas of the lab's files (the study file in study-schema.ts, the
// checkpoints file in storage/checkpoint-transfer.ts): every schema made here carries its message in
// our words. A wrong value gets `expected <what>, got <value>` (the value cut short, json-path.ts), a
// missing key `required; expected <what>` (or what the object says instead), an unknown key the valid
// keys with a hint at the one it was probably meant to be, and an array is never taken for an object.

import * as v from 'valibot';
import { describeRule, type ValueRule } from './config-vocabulary';
import { describeValue, isPlainObject, jsonPath } from './json-path';

export type Issue = v.BaseIssue<unknown>;
export type Message = (issue: Issue) => string;
export type AnySchema = v.GenericSchema;

/** What a schema expects, in words, and what to say when its key is missing. */
interface Expectation {
	what: string;
	/** The message for a missing key, given the object it is missing from. */
	required: (parent: Record<string, unknown>) => string;
}
const EXPECTATIONS = new WeakMap<object, Expectation>();

/** `expected <what>, got <value>` for any issue the schema raises itself. */
export function got(what: string): Message {
	return (issue) => `expected ${what}, got ${describeValue(issue.input)}`;
}

/** Records what `schema` expects, for the message of its parent when the key is missing. */
export function expecting<S extends AnySchema>(
	schema: S,
	what: string,
	required: string | ((parent: Record<string, unknown>) => string) = `required; expected ${what}`
): S {
	EXPECTATIONS.set(schema, { what, required: typeof required === 'string' ? () => required : required });
	return schema;
}

/** The schema with a description for the published JSON Schema; messages stay as they were. */
export function described<S extends AnySchema>(schema: S, description: string): AnySchema {
	const piped = v.pipe(schema, v.description(description));
	const expectation = EXPECTATIONS.get(schema);
	if (expectation) EXPECTATIONS.set(piped, expectation);
	return piped;
}

/** `a, b or c`. */
export function orList(words: readonly string[]): string {
	return words.length <= 1
		? words.join('')
		: `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** An unknown key named with the valid ones, and the valid key it differs from only in case. */
export function unknownKeyMessage(key: string, valid: readonly string[]): string {
	const hint = nearestKey(key, valid);
	return `unknown key${hint ? ` (did you mean ${hint}?)` : ''}; valid keys are ${valid.join(', ')}`;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`, ignoring case. */
function editDistance(a: string, b: string): number {
	const [s, t] = [a.toLowerCase(), b.toLowerCase()];
	const d = Array.from({ length: s.length + 1 }, (_, i) =>
		Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
	);
	for (let i = 1; i <= s.length; i++) {
		for (let j = 1; j <= t.length; j++) {
			const cost = s[i - 1] === t[j - 1] ? 0 : 1;
			let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
				best = Math.min(best, d[i - 2]![j - 2]! + 1);
			d[i]![j] = best;
		}
	}
	return d[s.length]![t.length]!;
}

/**
 * The valid key `key` was probably meant to be: one that differs only in case, or else the closest
 * within one edit per four characters (a typo, not another word); undefined when none is that close.
 */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
	if (key.length > 100) return undefined;
	const sameLetters = valid.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
	if (sameLetters !== undefined) return sameLetters;
	const limit = Math.max(1, Math.floor(key.length / 4));
	let best: { key: string; distance: number } | undefined;
	for (const candidate of valid) {
		const distance = editDistance(key, candidate);
		if (distance <= limit && (best === undefined || distance < best.distance))
			best = { key: candidate, distance };
	}
	return best?.key;
}

/** The key an object issue is about (a missing or unknown one), and the object it sits in. */
export function keyOf(issue: Issue): { key: string; parent: Record<string, unknown> } | undefined {
	const item = issue.path?.[issue.path.length - 1];
	return item?.type === 'object' ? { key: item.key, parent: item.input } : undefined;
}

export interface ObjectMessages {
	/** The object in words, for `expected …, got …` when the value is not an object. */
	what: string;
	/** The message for an unknown key; by default it lists the valid keys. */
	unknown?: (key: string) => string;
	/** The message for a missing key that expects `what`; by default `required; expected <what>`. */
	required?: (what: string) => string;
	/** Report unknown keys after the others rather than first. */
	unknownLast?: boolean;
}

export function objectMessage(entries: v.ObjectEntries, messages: ObjectMessages): Message {
	return (issue) => {
		const at = keyOf(issue);
		if (at === undefined) return got(messages.what)(issue);
		const child = entries[at.key];
		const expectation = child === undefined ? undefined : EXPECTATIONS.get(child);
		if (expectation && messages.required) return messages.required(expectation.what);
		return expectation?.required(at.parent) ?? 'required';
	};
}

/** The schema, refusing arrays (valibot's object, record and variant schemas take any object). */
export function noArrays<S extends AnySchema>(schema: S): S {
	const wrapped: S = {
		...schema,
		'~run'(dataset, config) {
			if (!Array.isArray(dataset.value)) return schema['~run'](dataset, config);
			v._addIssue(wrapped as never, 'type', dataset, config);
			return dataset as never;
		}
	};
	const expectation = EXPECTATIONS.get(schema);
	if (expectation) EXPECTATIONS.set(wrapped, expectation);
	return wrapped;
}

/**
 * An object with exactly these keys (optional ones wrapped in `v.optional`). Unknown keys are
 * reported first, every one of them (valibot's strictObject reports only the first), with the valid
 * keys; the published schema has `"additionalProperties": false` for them.
 */
export function strict<const E extends v.ObjectEntries>(entries: E, messages: ObjectMessages) {
	const valid = Object.keys(entries);
	const unknown = messages.unknown ?? ((key: string) => unknownKeyMessage(key, valid));
	const base = v.object(entries, objectMessage(entries, messages));
	const schema: typeof base = {
		...base,
		// The type the JSON Schema conversion reads to close the object.
		type: 'strict_object' as 'object',
		'~run'(dataset, config) {
			const input = dataset.value;
			if (Array.isArray(input)) {
				v._addIssue(schema, 'type', dataset, config);
				return dataset as never;
			}
			const extra = isPlainObject(input)
				? Object.keys(input).filter((key) => !Object.hasOwn(entries, key))
				: [];
			const result = base['~run'](dataset, config);
			if (extra.length === 0 || !isPlainObject(input)) return result;
			const unknownKeys: v.UnknownDataset = { typed: false, value: input };
			for (const key of extra) {
				v._addIssue(schema, 'key', unknownKeys, config, {
					input: key,
					expected: 'never',
					message: unknown(key),
					path: [{ type: 'object', origin: 'key', input, key, value: input[key] }]
				});
			}
			const found = unknownKeys.issues ?? [];
			const issues = messages.unknownLast
				? [...(result.issues ?? []), ...found]
				: [...found, ...(result.issues ?? [])];
			return { typed: false, value: result.value, issues } as never;
		}
	};
	// Typed as the strict object it is.
	return expecting(schema, messages.what) as unknown as v.StrictObjectSchema<E, undefined>;
}

// ---------------------------------------------------------------------------------------------
// Leaves

export function choice<const T extends readonly string[]>(values: T) {
	const what = `one of ${values.join(', ')}`;
	return expecting(v.picklist(values, got(what)), what);
}

/** A number that fits `rule` (a vocabulary rule), with `what` in messages (describeRule by default). */
export function numberSchema(rule: Exclude<ValueRule, { kind: 'choice' }>, what = describeRule(rule)) {
	const message = got(what);
	const actions: v.PipeItem<number, number, Issue>[] = [v.finite(message)];
	if (rule.kind === 'integer') actions.push(v.integer(message));
	const minExclusive = rule.kind === 'number' && rule.minExclusive === true;
	const maxExclusive = rule.kind === 'number' && rule.maxExclusive === true;
	if (rule.min !== undefined)
		actions.push(minExclusive ? v.gtValue(rule.min, message) : v.minValue(rule.min, message));
	if (rule.max !== undefined)
		actions.push(maxExclusive ? v.ltValue(rule.max, message) : v.maxValue(rule.max, message));
	return expecting(v.pipe(v.number(message), ...actions), what);
}

/** A whole number ≥ min that a double holds exactly, named without its huge upper bound. */
export function count(min: number) {
	const what = `an integer ≥ ${min}`;
	return expecting(v.pipe(v.number(got(what)), v.safeInteger(got(what)), v.minValue(min, got(what))), what);
}

/** Text of at most `max` characters; `required` text must also hold more than spaces. */
export function text(max: number, required = false) {
	const tooLong: Message = (issue) =>
		`too long: ${(issue.input as string).length} characters, at most ${max}`;
	const schema = required
		? v.pipe(v.string(got('text')), v.regex(/\S/, 'must not be empty'), v.maxLength(max, tooLong))
		: v.pipe(v.string(got('text')), v.maxLength(max, tooLong));
	return expecting(schema, 'text');
}

/** The path and message of each issue from these schemas, paths written like `$.params[2].scale`. */
export function issueProblems(issues: readonly Issue[] | undefined): { path: string; message: string }[] {
	return (issues ?? []).map((issue) => ({
		path: jsonPath((issue.path ?? []).map((item) => item.key as string | number)),
		message: issue.message
	}));
}
