// Reading and writing the public study file (`"format": "tuning-lab.study"`, `"version": 1`).
//
// The text is first scanned by a small JSON grammar checker of our own, for two reasons: syntax errors
// get the same message, with a line and column, in every JavaScript engine (and never quote the
// file back), and keys written twice in one object are caught, where JSON.parse would silently keep
// the last one. Only then does JSON.parse build the value, which `validateStudy` checks.

import { jsonPath, type PathSegment } from './json-path';
import {
	STUDY_FORMAT,
	STUDY_VERSION,
	type Study,
	type StudyFile,
	type StudyParam,
	type TrialRecord
} from './study';
import { validateStudy, type StudyError, type StudyValidation } from './study-validation';

export interface JsonSyntaxProblem {
	/** 1-based line and column (in characters) of the offending character. */
	line: number;
	column: number;
	message: string;
}

export interface DuplicateKey {
	path: string;
	line: number;
	column: number;
}

export type JsonScan = { ok: true; duplicates: DuplicateKey[] } | { ok: false; problem: JsonSyntaxProblem };

/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_JSON_DEPTH = 256;

class SyntaxProblem extends Error {
	constructor(
		message: string,
		readonly offset: number
	) {
		super(message);
	}
}

/** 1-based line and column of a UTF-16 offset; the column counts characters, not code units. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < offset && i < text.length; i++) {
		if (text.charCodeAt(i) === 10) {
			line += 1;
			lineStart = i + 1;
		}
	}
	return { line, column: Array.from(text.slice(lineStart, offset)).length + 1 };
}

function describeChar(text: string, offset: number): string {
	if (offset >= text.length) return 'the end of the file';
	const code = text.codePointAt(offset) ?? 0;
	if (code === 0x22) return 'the start of a string';
	return code < 0x20 || code === 0x7f
		? `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
		: `"${String.fromCodePoint(code)}"`;
}

class Scanner {
	private pos = 0;
	readonly duplicates: { path: string; offset: number }[] = [];

	constructor(private readonly text: string) {}

	scan(): void {
		this.value([], 0);
		this.whitespace();
		if (this.pos < this.text.length) {
			throw new SyntaxProblem('unexpected text after the end of the JSON value', this.pos);
		}
	}

	private peek(): string {
		return this.text.charAt(this.pos);
	}

	private whitespace(): void {
		while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos += 1;
	}

	private expectedValue(): never {
		throw new SyntaxProblem(`expected a value, found ${describeChar(this.text, this.pos)}`, this.pos);
	}

	private value(path: PathSegment[], depth: number): void {
		this.whitespace();
		if (depth > MAX_JSON_DEPTH)
			throw new SyntaxProblem(`nested more than ${MAX_JSON_DEPTH} levels deep`, this.pos);
		const char = this.peek();
		if (char === '{') this.object(path, depth);
		else if (char === '[') this.array(path, depth);
		else if (char === '"') this.string();
		else if (char === '-' || (char >= '0' && char <= '9')) this.number();
		else if (!this.literal('true') && !this.literal('false') && !this.literal('null')) this.expectedValue();
	}

	private literal(word: string): boolean {
		if (!this.text.startsWith(word, this.pos)) return false;
		this.pos += word.length;
		return true;
	}

	private object(path: PathSegment[], depth: number): void {
		this.pos += 1;
		const seen = new Set<string>();
		this.whitespace();
		if (this.peek() === '}') {
			this.pos += 1;
			return;
		}
		for (;;) {
			this.whitespace();
			if (this.peek() !== '"') {
				const message =
					this.peek() === '}'
						? 'a comma before "}" is not allowed in JSON'
						: `expected a property name in double quotes, found ${describeChar(this.text, this.pos)}`;
				throw new SyntaxProblem(message, this.pos);
			}
			const keyStart = this.pos;
			this.string();
			const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
			if (seen.has(key)) this.duplicates.push({ path: jsonPath([...path, key]), offset: keyStart });
			seen.add(key);
			this.whitespace();
			if (this.peek() !== ':') {
				throw new SyntaxProblem(
					`expected ":" after the property name, found ${describeChar(this.text, this.pos)}`,
					this.pos
				);
			}
			this.pos += 1;
			this.value([...path, key], depth + 1);
			this.whitespace();
			const next = this.peek();
			this.pos += 1;
			if (next === '}') return;
			if (next !== ',') {
				throw new SyntaxProblem(
					`expected "," or "}" after a property value, found ${describeChar(this.text, this.pos - 1)}`,
					this.pos - 1
				);
			}
		}
	}

	private array(path: PathSegment[], depth: number): void {
		this.pos += 1;
		this.whitespace();
		if (this.peek() === ']') {
			this.pos += 1;
			return;
		}
		for (let index = 0; ; index++) {
			this.whitespace();
			if (this.peek() === ']') throw new SyntaxProblem('a comma before "]" is not allowed in JSON', this.pos);
			this.value([...path, index], depth + 1);
			this.whitespace();
			const next = this.peek();
			this.pos += 1;
			if (next === ']') return;
			if (next !== ',') {
				throw new SyntaxProblem(
					`expected "," or "]" after an array item, found ${describeChar(this.text, this.pos - 1)}`,
					this.pos - 1
				);
			}
		}
	}

	private string(): void {
		const start = this.pos;
		this.pos += 1;
		for (;;) {
			if (this.pos >= this.text.length) throw new SyntaxProblem('this string is never closed', start);
			const code = this.text.charCodeAt(this.pos);
			if (code === 0x22) {
				this.pos += 1;
				return;
			}
			if (code < 0x20) {
				throw new SyntaxProblem(
					`${describeChar(this.text, this.pos)} must be escaped inside a string`,
					this.pos
				);
			}
			if (code === 0x5c) {
				const escape = this.text.charAt(this.pos + 1);
				if ('"\\/bfnrt'.includes(escape) && escape !== '') this.pos += 2;
				else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
					this.pos += 6;
				else throw new SyntaxProblem('invalid escape sequence in a string', this.pos);
			} else {
				this.pos += 1;
			}
		}
	}

	private number(): void {
		const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
			this.text.slice(this.pos, this.pos + 400)
		);
		if (match === null) throw new SyntaxProblem('invalid number', this.pos);
		this.pos += match[0].length;
		const next = this.peek();
		if (/[0-9.eE+\-a-zA-Z]/.test(next)) throw new SyntaxProblem('invalid number', this.pos);
	}
}

/** Checks JSON syntax and finds keys written twice in one object. */
export function scanJson(text: string): JsonScan {
	const scanner = new Scanner(text);
	try {
		scanner.scan();
	} catch (error) {
		if (!(error instanceof SyntaxProblem)) throw error;
		return { ok: false, problem: { ...lineAndColumn(text, error.offset), message: error.message } };
	}
	return {
		ok: true,
		duplicates: scanner.duplicates.map(({ path, offset }) => ({ path, ...lineAndColumn(text, offset) }))
	};
}

/** Parses and validates the text of a study file. */
/**
 * The UTF-16 flavour of a file that was decoded as UTF-8, or undefined. Study files are JSON, mostly
 * ASCII, so a UTF-16 file read as UTF-8 has a zero byte beside nearly every character, and its byte
 * order mark (FF FE or FE FF) turns into two replacement characters. The first zero's side tells the
 * byte order: little-endian writes it after each character, big-endian before.
 */
export function utf16Encoding(text: string): string | undefined {
	const start = text.startsWith('\uFFFD\uFFFD') ? 2 : 0;
	const sample = text.slice(start, start + 400);
	let zeros = 0;
	for (const char of sample) if (char === '\u0000') zeros++;
	if (sample.length === 0 || zeros < sample.length / 4) return undefined;
	return sample.startsWith('\u0000') ? 'UTF-16 (big-endian)' : 'UTF-16 (little-endian)';
}

export function parseStudyFile(text: string): StudyValidation {
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	if (body.trim() === '') return { ok: false, errors: [{ path: '$', message: 'the file is empty' }] };
	const encoding = utf16Encoding(body);
	if (encoding) {
		return {
			ok: false,
			errors: [
				{
					path: '$',
					message: `the file is in ${encoding}, not UTF-8: save it as UTF-8 (most editors offer the choice in their Save As dialog) and open it again`
				}
			]
		};
	}
	const scan = scanJson(body);
	if (!scan.ok) {
		const { line, column, message } = scan.problem;
		return {
			ok: false,
			errors: [{ path: '$', message: `invalid JSON at line ${line}, column ${column}: ${message}` }]
		};
	}
	const duplicates: StudyError[] = scan.duplicates.map(({ path, line, column }) => ({
		path,
		message: `this key is written twice in one object (again at line ${line}, column ${column}); remove one`
	}));
	const result = validateStudy(JSON.parse(body));
	if (duplicates.length === 0) return result;
	return { ok: false, errors: [...duplicates, ...(result.ok ? [] : result.errors)] };
}

function paramForFile(param: StudyParam): StudyParam {
	const head = { name: param.name, role: param.role };
	const tail = param.when === undefined ? {} : { when: param.when };
	switch (param.type) {
		case 'float':
		case 'int':
			return { ...head, type: param.type, min: param.min, max: param.max, scale: param.scale, ...tail };
		case 'discrete':
			return { ...head, type: param.type, values: param.values, ...tail };
		case 'categorical':
			return { ...head, type: param.type, values: param.values, ...tail };
		case 'bool':
			return { ...head, type: param.type, ...tail };
	}
}

function trialForFile(trial: TrialRecord): TrialRecord {
	const { index, params, config, seed, status, reason, backend, engine, adapter, batch } = trial;
	const { metrics, best, branches, notes, throughput, runs, checkpointAverage } = trial;
	const record: TrialRecord = { index, params, config, seed, status };
	if (reason !== undefined) record.reason = reason;
	if (backend !== undefined) record.backend = backend;
	if (engine !== undefined) record.engine = engine;
	if (adapter !== undefined) record.adapter = { name: adapter.name, fallback: adapter.fallback };
	if (batch !== undefined) record.batch = batch;
	if (metrics !== undefined) record.metrics = metrics;
	if (best !== undefined) record.best = best;
	if (branches !== undefined && branches.length > 0) record.branches = branches;
	if (notes !== undefined && notes !== '') record.notes = notes;
	if (throughput !== undefined) {
		const { stepsPerSecond, measuredSteps, warmupSteps, includesEvaluation } = throughput;
		record.throughput = { stepsPerSecond, measuredSteps, warmupSteps, includesEvaluation };
	}
	if (runs !== undefined && runs.length > 0) {
		record.runs = runs.map(({ slot, startedAt, endedAt }) =>
			endedAt === undefined ? { slot, startedAt } : { slot, startedAt, endedAt }
		);
	}
	if (checkpointAverage !== undefined) {
		const { steps, valLoss, valAccuracy } = checkpointAverage;
		record.checkpointAverage = { steps: [...steps], valLoss, valAccuracy };
	}
	return record;
}

/** The study as a file object, keys in the documented order. */
export function toStudyFile(study: Study): StudyFile {
	return {
		format: STUDY_FORMAT,
		version: STUDY_VERSION,
		name: study.name,
		goal: study.goal,
		...(study.notes === undefined ? {} : { notes: study.notes }),
		...(study.conclusion === undefined ? {} : { conclusion: study.conclusion }),
		...(study.changedBaseline === undefined ? {} : { changedBaseline: study.changedBaseline }),
		workload: { dataset: study.workload.dataset, model: study.workload.model },
		budget: { ...study.budget },
		objective: { metric: study.objective.metric, goal: study.objective.goal },
		fixed: { ...study.fixed },
		search: {
			algorithm: study.search.algorithm,
			trials: study.search.trials,
			seed: study.search.seed,
			...(study.search.initialTrials === undefined ? {} : { initialTrials: study.search.initialTrials }),
			...(study.search.halving === undefined
				? {}
				: {
						halving: {
							eta: study.search.halving.eta,
							minSteps: study.search.halving.minSteps,
							cooldownSteps: study.search.halving.cooldownSteps
						}
					})
		},
		params: study.params.map(paramForFile),
		...(study.cooldownBranches === undefined ? {} : { cooldownBranches: study.cooldownBranches }),
		...(study.scalingLaw === undefined ? {} : { scalingLaw: study.scalingLaw }),
		trials: study.trials.map(trialForFile)
	};
}

/**
 * The text of a study file: tab-indented JSON ending in a newline. Non-finite metric values are
 * written as null (JSON has no NaN), which `parseStudyFile` reads back as NaN.
 */
export function serializeStudy(study: Study): string {
	return `${JSON.stringify(toStudyFile(study), null, '\t')}\n`;
}
