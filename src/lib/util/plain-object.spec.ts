import { describe, expect, it } from 'vitest';
import { isPlainObject } from './plain-object';

describe('isPlainObject', () => {
	it('accepts JSON objects, empty or not', () => {
		expect(isPlainObject({})).toBe(true);
		expect(isPlainObject(JSON.parse('{"a":[1],"b":null}'))).toBe(true);
	});

	it('rejects null, arrays and every non-object', () => {
		for (const value of [null, undefined, [], [1], 'x', 3, true, Symbol('s'), () => 1]) {
			expect(isPlainObject(value)).toBe(false);
		}
	});
});
