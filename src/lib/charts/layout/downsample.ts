// Min/max-preserving downsampling of long curves to a pixel budget (the "M4" reduction): the x range
// is cut into equal buckets (one per pixel column, typically), and each bucket keeps only its first,
// lowest, highest and last point, in their original order. A line through those points rasterises
// like the line through every point, so a one-step loss spike still reaches its full height, while a
// 2,000-point curve shrinks to at most 4 points per column. Pure: no DOM.

/**
 * Indices of the points to keep from (`xs`, `ys`), in order.
 *
 * - `xs` must be non-decreasing (steps, or steps already mapped to pixels or to log10(step)).
 * - `buckets` equal-width buckets span `[x0, x1]` (default: the first and last x); points outside
 *   the span fall in the first or last bucket.
 * - A point whose y is not finite is a gap in the line: it closes the current bucket and is kept (only
 *   the first of a run of them), so the gap survives downsampling.
 */
export function minMaxDownsample(
	xs: ArrayLike<number>,
	ys: ArrayLike<number>,
	buckets: number,
	x0: number = xs[0] ?? 0,
	x1: number = xs[xs.length - 1] ?? 0
): Uint32Array {
	const n = Math.min(xs.length, ys.length);
	const count = Math.max(1, Math.floor(buckets));
	// At most 4 points per bucket plus the gaps: no reduction is possible, keep everything.
	if (n <= 4 * count) {
		const all = new Uint32Array(n);
		for (let i = 0; i < n; i++) all[i] = i;
		return all;
	}
	// Buckets per unit of x; 0 puts everything in one bucket when the span is empty.
	const perUnit = x1 > x0 ? count / (x1 - x0) : 0;

	// One pass, no closures: this runs over a million points per redraw of a 500-trial chart, and
	// variables captured and mutated by a closure live in memory instead of registers.
	const keep = new Uint32Array(n);
	let kept = 0;
	let bucket = -1;
	let first = -1;
	let min = -1;
	let max = -1;
	let last = -1;
	let minY = 0;
	let maxY = 0;
	let inGap = false;
	for (let i = 0; i <= n; i++) {
		const y = i < n ? ys[i]! : NaN;
		let b = -1;
		if (i < n && y === y && y !== Infinity && y !== -Infinity) {
			const raw = Math.floor((xs[i]! - x0) * perUnit);
			b = raw < 0 ? 0 : raw >= count ? count - 1 : raw;
			if (b === bucket) {
				if (y < minY) {
					min = i;
					minY = y;
				}
				if (y > maxY) {
					max = i;
					maxY = y;
				}
				last = i;
				continue;
			}
		}
		// The bucket closes (a new bucket, a gap, or the end): keep its four points in index order.
		if (first >= 0) {
			const a = min < max ? min : max;
			const c = min < max ? max : min;
			keep[kept++] = first;
			if (a !== first) keep[kept++] = a;
			if (c !== a && c !== first) keep[kept++] = c;
			if (last !== c && last !== a && last !== first) keep[kept++] = last;
			first = -1;
		}
		if (i === n) break;
		if (b < 0) {
			if (!inGap) keep[kept++] = i;
			inGap = true;
			bucket = -1;
			continue;
		}
		inGap = false;
		bucket = b;
		first = min = max = last = i;
		minY = maxY = y;
	}
	return keep.slice(0, kept);
}
