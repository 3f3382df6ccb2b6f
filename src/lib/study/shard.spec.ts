import { describe, expect, it } from 'vitest';
import { formatShard, inShard, parseShard, selectShard } from './shard';

describe('parseShard', () => {
	it('reads I/N with 0 ≤ I < N', () => {
		expect(parseShard('0/2')).toEqual({ ok: true, value: { index: 0, count: 2 } });
		expect(parseShard('1/2')).toEqual({ ok: true, value: { index: 1, count: 2 } });
		expect(parseShard('0/1')).toEqual({ ok: true, value: { index: 0, count: 1 } });
		expect(parseShard('15/16')).toEqual({ ok: true, value: { index: 15, count: 16 } });
	});

	it('round-trips through formatShard', () => {
		for (const text of ['0/1', '3/7', '12/100']) {
			const parsed = parseShard(text);
			expect(parsed.ok && formatShard(parsed.value)).toBe(text);
		}
	});

	it('refuses an index that is not below the count, and a count of 0', () => {
		expect(parseShard('2/2')).toEqual({
			ok: false,
			error: '--shard: I must be smaller than N (shards are numbered 0 to 1); got "2/2"'
		});
		expect(parseShard('0/0')).toEqual({ ok: false, error: '--shard: N must be at least 1; got "0/0"' });
	});

	it('refuses anything but two whole decimal numbers around one slash', () => {
		for (const text of [
			'',
			'1',
			'1/',
			'/2',
			'-1/2',
			'1/-2',
			'1.0/2',
			'1/2/3',
			' 1/2',
			'1 / 2',
			'a/b',
			'1e1/20'
		]) {
			expect(parseShard(text)).toEqual({
				ok: false,
				error: `--shard: expected I/N with whole numbers 0 ≤ I < N, such as 0/2; got ${JSON.stringify(text)}`
			});
		}
		expect(parseShard('99999999999999999999/99999999999999999999').ok).toBe(false);
		expect(parseShard(undefined, '--part')).toEqual({
			ok: false,
			error: '--part: expected I/N with whole numbers 0 ≤ I < N, such as 0/2; got nothing'
		});
	});
});

describe('selecting the trials of a shard', () => {
	const trials = Array.from({ length: 10 }, (_, index) => ({ index, name: `t${index}` }));

	it('keeps the trials whose index is I mod N, in order', () => {
		expect(selectShard(trials, { index: 0, count: 3 }).map((t) => t.index)).toEqual([0, 3, 6, 9]);
		expect(selectShard(trials, { index: 1, count: 3 }).map((t) => t.index)).toEqual([1, 4, 7]);
		expect(selectShard(trials, { index: 2, count: 3 }).map((t) => t.name)).toEqual(['t2', 't5', 't8']);
	});

	it('covers every trial exactly once across the shards of one split', () => {
		for (const count of [1, 2, 3, 4, 7, 11, 12]) {
			const seen = Array.from({ length: count }, (_, index) =>
				selectShard(trials, { index, count }).map((t) => t.index)
			).flat();
			expect(seen.sort((a, b) => a - b)).toEqual(trials.map((t) => t.index));
		}
	});

	it('depends only on the index, not on the position in the list or on the other trials', () => {
		const sparse = [{ index: 5 }, { index: 2 }, { index: 8 }];
		expect(selectShard(sparse, { index: 2, count: 3 })).toEqual([{ index: 5 }, { index: 2 }, { index: 8 }]);
		expect(inShard(8, { index: 0, count: 4 })).toBe(true);
		expect(inShard(8, { index: 0, count: 3 })).toBe(false);
		expect(inShard(8, undefined)).toBe(true);
		expect(selectShard(trials, undefined)).toEqual(trials);
	});
});
