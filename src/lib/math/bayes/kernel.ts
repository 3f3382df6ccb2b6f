// The Matérn 5/2 kernel with one length scale per feature group (automatic relevance determination):
//   k(x, x') = σf² (1 + √5 r + 5r²/3) exp(−√5 r),   r² = Σ_g ‖x_g − x'_g‖² / ℓ_g²
// Matérn 5/2 is twice differentiable, rough enough for real objective surfaces yet smooth enough to
// extrapolate a little (Snoek et al. 2012 recommend it over the squared exponential for tuning).
import type { FeatureLayout } from './encoding';

const SQRT5 = Math.sqrt(5);

/** Matérn 5/2 correlation at distance r (k(0) = 1). */
export function matern52(r: number): number {
	const s = SQRT5 * r;
	return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/** Squared distances of two feature vectors within each group (length = number of groups). */
export function groupDistances(
	layout: FeatureLayout,
	a: ArrayLike<number>,
	b: ArrayLike<number>,
	out = new Float64Array(layout.groups.length)
): Float64Array {
	layout.groups.forEach((group, g) => {
		let sum = 0;
		for (let c = group.offset; c < group.offset + group.width; c++) {
			const d = a[c]! - b[c]!;
			sum += d * d;
		}
		out[g] = sum;
	});
	return out;
}

/** r² for precomputed group distances and length scales. */
export function scaledDistanceSquared(distances: ArrayLike<number>, lengthScales: ArrayLike<number>): number {
	let r2 = 0;
	for (let g = 0; g < distances.length; g++) r2 += distances[g]! / (lengthScales[g]! * lengthScales[g]!);
	return r2;
}

/** The pairwise group distances of n points: entry (i·n + j)·G + g. Computed once per fit. */
export function pairwiseGroupDistances(layout: FeatureLayout, points: readonly Float64Array[]): Float64Array {
	const n = points.length;
	const groups = layout.groups.length;
	const out = new Float64Array(n * n * groups);
	const scratch = new Float64Array(groups);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < i; j++) {
			groupDistances(layout, points[i]!, points[j]!, scratch);
			out.set(scratch, (i * n + j) * groups);
			out.set(scratch, (j * n + i) * groups);
		}
	}
	return out;
}
