import { describe, expect, it } from 'vitest';
import { newId } from './new-id';

describe('newId', () => {
	it('is the prefix and a version 4 UUID', () => {
		expect(newId('study')).toMatch(
			/^study-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
	});

	it('never repeats', () => {
		const ids = new Set(Array.from({ length: 10_000 }, () => newId('trial')));
		expect(ids.size).toBe(10_000);
	});
});
