// Hostile and broken variants of a valid study file, for the import fuzz test. Each mutation is
// drawn from a seeded generator, so a failing case can be replayed from its seed and number. Some
// mutations always break the file (truncation, a newer version); others may leave it valid (a flipped
// byte inside a note), and the test then checks that the import is correct instead.
import { Random } from '../math/random';
import { isPlainObject } from '../util/plain-object';

export type MutationKind =
	| 'truncate'
	| 'flip-byte'
	| 'delete-bytes'
	| 'swap-type'
	| 'huge-string'
	| 'deep-nesting'
	| 'html-in-text'
	| 'version-bump'
	| 'duplicate-key'
	| 'non-finite-literal'
	| 'drop-key'
	| 'junk';

export const MUTATION_KINDS: readonly MutationKind[] = [
	'truncate',
	'flip-byte',
	'delete-bytes',
	'swap-type',
	'huge-string',
	'deep-nesting',
	'html-in-text',
	'version-bump',
	'duplicate-key',
	'non-finite-literal',
	'drop-key',
	'junk'
];

export interface Mutation {
	kind: MutationKind;
	/** What was done, for the failure message of a test. */
	detail: string;
	text: string;
}

/** Markup that must reach the page as text, never as elements. */
export const HOSTILE_MARKUP = [
	'<script>window.__pwned = 1</script>',
	'<img src=x onerror="window.__pwned = 1">',
	'"><svg onload=alert(1)>',
	'{@html "<b>x</b>"}'
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every container and key path in a JSON value, as lists of segments. */
function paths(value: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
	out.push(at);
	if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
	else if (value !== null && typeof value === 'object')
		for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
	return out;
}

function getAt(root: Json, path: (string | number)[]): Json {
	let node = root;
	for (const segment of path) node = (node as Record<string | number, Json>)[segment]!;
	return node;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
	if (path.length === 0) return value;
	const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
	parent[path[path.length - 1]!] = value;
	return root;
}

function pick<T>(random: Random, items: readonly T[]): T {
	return items[random.int(items.length)]!;
}

/** A different type for a value: the swap the validator must notice. */
function otherType(value: Json, random: Random): Json {
	const options: Json[] = [null, true, 0, -1.5, '', 'text', [], {}, [1, 'two'], { a: 1 }];
	const different = options.filter(
		(o) => typeof o !== typeof value || Array.isArray(o) !== Array.isArray(value)
	);
	return structuredClone(pick(random, different));
}

/** The `index`-th mutation of `text` (a valid study file) under `seed`. */
export function mutateStudyText(text: string, seed: number, index: number): Mutation {
	const random = new Random(seed * 100_003 + index);
	const kind = MUTATION_KINDS[index % MUTATION_KINDS.length]!;
	const root = JSON.parse(text) as Json;
	const all = paths(root).filter((p) => p.length > 0);
	const stringPaths = all.filter((p) => typeof getAt(root, p) === 'string');
	const objectPaths = paths(root).filter((p) => {
		const v = getAt(root, p);
		return isPlainObject(v);
	});
	const write = (value: Json) => JSON.stringify(value, null, '\t');
	switch (kind) {
		case 'truncate': {
			const at = random.int(text.length - 1);
			return { kind, detail: `cut at ${at} of ${text.length}`, text: text.slice(0, at) };
		}
		case 'flip-byte': {
			const at = random.int(text.length);
			const char = String.fromCharCode(32 + random.int(95));
			return { kind, detail: `char ${at} → ${char}`, text: text.slice(0, at) + char + text.slice(at + 1) };
		}
		case 'delete-bytes': {
			const at = random.int(text.length);
			const n = 1 + random.int(40);
			return { kind, detail: `deleted ${n} at ${at}`, text: text.slice(0, at) + text.slice(at + n) };
		}
		case 'swap-type': {
			const path = pick(random, all);
			const swapped = otherType(getAt(root, path), random);
			return {
				kind,
				detail: `${path.join('.')} → ${JSON.stringify(swapped)}`,
				text: write(setAt(root, path, swapped))
			};
		}
		case 'huge-string': {
			const path = pick(random, stringPaths);
			const size = 30_000 + random.int(200_000);
			return {
				kind,
				detail: `${path.join('.')} → ${size} chars`,
				text: write(setAt(root, path, 'x'.repeat(size)))
			};
		}
		case 'deep-nesting': {
			const path = pick(random, all);
			const depth = 200 + random.int(400);
			let nested: Json = 1;
			for (let i = 0; i < depth; i++) nested = random.next() < 0.5 ? [nested] : { a: nested };
			return {
				kind,
				detail: `${path.join('.')} nested ${depth} deep`,
				text: write(setAt(root, path, nested))
			};
		}
		case 'html-in-text': {
			const target = pick(random, [['name'], ['notes'], ['goal'], ['conclusion'], ['trials', 0, 'notes']]);
			const markup = pick(random, HOSTILE_MARKUP);
			return { kind, detail: `${target.join('.')} ← ${markup}`, text: write(setAt(root, target, markup)) };
		}
		case 'version-bump': {
			const version = pick(random, [2, 3, 99, 1.5, 0, -1]);
			return { kind, detail: `version ${version}`, text: write(setAt(root, ['version'], version)) };
		}
		case 'duplicate-key': {
			// Repeat the first key of a random object: `{"a": 1, ...}` → `{"a": 1, "a": 1, ...}`.
			const path = pick(random, objectPaths);
			const marker = '"__fuzz_duplicate__": 0';
			const object = getAt(root, path) as Record<string, Json>;
			const [firstKey] = Object.keys(object);
			if (firstKey === undefined) return { kind, detail: 'empty object', text: text };
			const first = `${JSON.stringify(firstKey)}: ${JSON.stringify(object[firstKey])}`;
			const withMarker = write(setAt(root, [...path, '__fuzz_duplicate__'], 0));
			return {
				kind,
				detail: `${[...path, firstKey].join('.')} twice`,
				text: withMarker.replace(marker, first)
			};
		}
		case 'non-finite-literal': {
			const numbers = all.filter((p) => typeof getAt(root, p) === 'number');
			const path = pick(random, numbers);
			const literal = pick(random, ['NaN', 'Infinity', '-Infinity', '1e999']);
			const marker = '"__fuzz_literal__"';
			return {
				kind,
				detail: `${path.join('.')} → ${literal}`,
				text: write(setAt(root, path, '__fuzz_literal__')).replace(marker, literal)
			};
		}
		case 'drop-key': {
			const keyed = all.filter((p) => typeof p[p.length - 1] === 'string');
			const path = pick(random, keyed);
			const parent = getAt(root, path.slice(0, -1)) as Record<string, Json>;
			delete parent[path[path.length - 1] as string];
			return { kind, detail: `removed ${path.join('.')}`, text: write(root) };
		}
		case 'junk': {
			const n = 1 + random.int(4000);
			let junk = '';
			for (let i = 0; i < n; i++) junk += String.fromCharCode(random.int(0x3000));
			return { kind, detail: `${n} random characters`, text: junk };
		}
	}
}
