// Centered L2 discrepancy (Hickernell 1998): how far a point set in [0, 1]^d is from uniform, measured over
// all boxes with one corner at a vertex of the cube. Lower is more even. Used to check that quasi-random
// trials cover a search space better than pseudo-random ones.

/**
 * The squared centered L2 discrepancy CD² of `points` (each a d-vector in [0, 1]^d), the quantity that
 * SciPy's `qmc.discrepancy(sample, method='CD')` returns (it reports the square, not its root):
 *
 *   CD² = (13/12)^d − (2/N) Σ_i Π_k (1 + ½|x_ik − ½| − ½|x_ik − ½|²)
 *         + (1/N²) Σ_i Σ_j Π_k (1 + ½|x_ik − ½| + ½|x_jk − ½| − ½|x_ik − x_jk|)
 *
 * O(N²·d) time. Throws on an empty set, ragged points or coordinates outside [0, 1].
 */
export function centeredL2Discrepancy(points: readonly (readonly number[])[]): number {
	const n = points.length;
	if (n === 0) throw new RangeError('Discrepancy needs at least one point');
	const d = points[0]!.length;
	// Distances from the centre, reused by both sums.
	const offsets: Float64Array[] = [];
	for (const [i, point] of points.entries()) {
		if (point.length !== d) throw new RangeError(`Point ${i} has ${point.length} coordinates, expected ${d}`);
		const offset = new Float64Array(d);
		for (let k = 0; k < d; k++) {
			const x = point[k]!;
			if (!(x >= 0 && x <= 1)) throw new RangeError(`Point ${i} coordinate ${k} = ${x} is outside [0, 1]`);
			offset[k] = Math.abs(x - 0.5);
		}
		offsets.push(offset);
	}

	let single = 0;
	for (const offset of offsets) {
		let product = 1;
		for (let k = 0; k < d; k++) product *= 1 + 0.5 * offset[k]! - 0.5 * offset[k]! * offset[k]!;
		single += product;
	}

	// The pair term is symmetric in (i, j): sum the diagonal once and the upper triangle twice.
	let pairs = 0;
	for (let i = 0; i < n; i++) {
		const a = points[i]!;
		const oa = offsets[i]!;
		for (let j = i; j < n; j++) {
			const b = points[j]!;
			const ob = offsets[j]!;
			let product = 1;
			for (let k = 0; k < d; k++) product *= 1 + 0.5 * oa[k]! + 0.5 * ob[k]! - 0.5 * Math.abs(a[k]! - b[k]!);
			pairs += i === j ? product : 2 * product;
		}
	}

	return (13 / 12) ** d - (2 / n) * single + pairs / (n * n);
}
