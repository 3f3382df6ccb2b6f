// Sharding a study across machines or processes: shard I/N runs the trials whose index leaves the
// remainder I when divided by N. Shards 0/N … (N-1)/N together cover every trial exactly once, each
// shard gets every N-th trial (so early and late trials, cheap and costly ones, spread evenly), and
// the shard of a trial never depends on how many trials the study has. The study runner in the page
// and `tuning-lab run` / `merge` on the command line both split by this rule.

export interface Shard {
	/** Which shard, 0 ≤ index < count. */
	index: number;
	/** How many shards the trials are split into, ≥ 1. */
	count: number;
}

/** Reads `I/N` (two whole decimal numbers with 0 ≤ I < N), as written after `--shard`. */
export function parseShard(
	text: string | boolean | undefined,
	name = '--shard'
): { ok: true; value: Shard } | { ok: false; error: string } {
	const expected = `${name}: expected I/N with whole numbers 0 ≤ I < N, such as 0/2`;
	if (typeof text !== 'string') return { ok: false, error: `${expected}; got nothing` };
	const match = /^(\d+)\/(\d+)$/.exec(text);
	const index = Number(match?.[1]);
	const count = Number(match?.[2]);
	if (match === null || !Number.isSafeInteger(index) || !Number.isSafeInteger(count)) {
		return { ok: false, error: `${expected}; got ${JSON.stringify(text)}` };
	}
	if (count < 1) return { ok: false, error: `${name}: N must be at least 1; got ${JSON.stringify(text)}` };
	if (index >= count) {
		return {
			ok: false,
			error: `${name}: I must be smaller than N (shards are numbered 0 to ${count - 1}); got ${JSON.stringify(text)}`
		};
	}
	return { ok: true, value: { index, count } };
}

/** Whether the trial with this index belongs to the shard; without a shard every trial does. */
export function inShard(trialIndex: number, shard: Shard | undefined): boolean {
	return shard === undefined || trialIndex % shard.count === shard.index;
}

/** The items (trials, planned or recorded) that belong to the shard, in their original order. */
export function selectShard<T extends { index: number }>(items: readonly T[], shard: Shard | undefined): T[] {
	return items.filter((item) => inShard(item.index, shard));
}

/** `I/N`, as parsed by parseShard. */
export function formatShard(shard: Shard): string {
	return `${shard.index}/${shard.count}`;
}
