import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseCommandArgs, parsePositiveInteger, readFailure } from './args';

const OPTIONS = { steps: { type: 'string' as const }, help: { type: 'boolean' as const, short: 'h' } };

describe('parseCommandArgs', () => {
	it('separates positionals from options in either spelling', () => {
		expect(parseCommandArgs(['{"a":1}', '--steps', '5'], OPTIONS)).toEqual({
			ok: true,
			positionals: ['{"a":1}'],
			values: { steps: '5' }
		});
		expect(parseCommandArgs(['--steps=7', '-h', 'x'], OPTIONS)).toEqual({
			ok: true,
			positionals: ['x'],
			values: { steps: '7', help: true }
		});
	});

	it('reports an unknown option or a missing value as a message', () => {
		const unknown = parseCommandArgs(['--stepz', '5'], OPTIONS);
		expect(unknown.ok).toBe(false);
		expect(!unknown.ok && unknown.error).toContain("'--stepz'");
		const missing = parseCommandArgs(['--steps'], OPTIONS);
		expect(!missing.ok && missing.error).toContain('--steps');
	});
});

describe('parsePositiveInteger', () => {
	it('accepts whole positive decimal numbers', () => {
		expect(parsePositiveInteger('12', '--steps')).toEqual({ ok: true, value: 12 });
	});

	it('rejects zero, fractions, signs, exponents and absent values', () => {
		for (const text of ['0', '1.5', '-3', '+3', '1e3', '', ' 4']) {
			expect(parsePositiveInteger(text, '--steps')).toEqual({
				ok: false,
				error: `--steps: expected a positive integer, got ${JSON.stringify(text)}`
			});
		}
		expect(parsePositiveInteger(undefined, '--steps')).toEqual({
			ok: false,
			error: '--steps: required, expected a positive integer'
		});
	});
});

describe('readFailure', () => {
	it('names a missing file, a directory, and otherwise the error code', async () => {
		const failure = (path: string) => readFile(path, 'utf8').then(() => 'read', readFailure);
		expect(await failure(`${tmpdir()}/tuning-lab-absent-${process.pid}.json`)).toBe('no such file');
		expect(await failure(tmpdir())).toBe('it is a directory');
		expect(readFailure(Object.assign(new Error('denied'), { code: 'EACCES' }))).toBe('EACCES');
		expect(readFailure(new Error('no code'))).toBe('unreadable');
	});
});
