// Inverse-distance weighting (Shepard's method) over the k nearest samples, on a regular grid of the
// unit square. The contour view of the analysis page fills the space between trials with it.
//
// Why this method: it is simple enough to state in one line (a weighted mean of the k nearest trials,
// weights 1 / distance²), it passes exactly through every trial's value, and it never invents a value
// outside the range the trials reached, so a contour map can only show minima the trials found. It is
// not a model: between distant trials the map shows a blend, not a prediction, and it flattens around
// each sample. Only the k nearest samples count: with weights 1/d² in two dimensions the many far
// samples of a large study would otherwise outweigh the near ones (their total weight grows like
// log n), drawing every cell towards the study's mean.
//
// Cost: cells × samples distance evaluations (a 40 × 40 grid over 5,000 trials is 8 million).

export interface UnitSample {
	/** Position across, in [0, 1]. */
	u: number;
	/** Position up, in [0, 1]. */
	v: number;
	value: number;
}

/** How many nearest samples each cell averages. */
export const IDW_NEIGHBOURS = 8;
/** The interpolated value at (u, v): a sample's own value there, else the weighted mean of the k nearest. */
export function idwAt(samples: readonly UnitSample[], u: number, v: number, k = IDW_NEIGHBOURS): number {
	const count = Math.min(k, samples.length);
	if (count === 0) return Number.NaN;
	// The k smallest squared distances so far, kept sorted ascending (k is small: insertion is cheapest).
	const nearest = new Float64Array(count).fill(Infinity);
	const values = new Float64Array(count);
	for (const s of samples) {
		const du = s.u - u;
		const dv = s.v - v;
		const d2 = du * du + dv * dv;
		if (d2 >= nearest[count - 1]!) continue;
		let i = count - 1;
		while (i > 0 && nearest[i - 1]! > d2) {
			nearest[i] = nearest[i - 1]!;
			values[i] = values[i - 1]!;
			i--;
		}
		nearest[i] = d2;
		values[i] = s.value;
	}
	if (nearest[0]! === 0) return values[0]!;
	let weighted = 0;
	let total = 0;
	for (let i = 0; i < count; i++) {
		const w = 1 / nearest[i]!; // 1 / d²
		weighted += w * values[i]!;
		total += w;
	}
	return weighted / total;
}

/**
 * Values on a `columns` × `rows` grid of cells over the unit square, row by row from the top (v = 1)
 * down, each at its cell's centre: cell (i, j) is at u = (i + ½) / columns, v = 1 − (j + ½) / rows.
 * That is the layout d3's contour generator reads (value i + j·columns at grid point (i + ½, j + ½)).
 */
export function idwGrid(samples: readonly UnitSample[], columns: number, rows: number): Float64Array {
	const grid = new Float64Array(columns * rows);
	for (let j = 0; j < rows; j++) {
		const v = 1 - (j + 0.5) / rows;
		for (let i = 0; i < columns; i++) grid[i + j * columns] = idwAt(samples, (i + 0.5) / columns, v);
	}
	return grid;
}
