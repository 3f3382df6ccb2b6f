// Dense symmetric positive-definite algebra for small Gaussian-process problems (n ≤ a few hundred).
// Matrices are row-major Float64Arrays of n·n entries; only the lower triangle of a Cholesky factor is
// meaningful. Plain loops: at these sizes a factorisation costs well under a millisecond.

/**
 * Lower-triangular L with L·Lᵀ = A, or null when A is not (numerically) positive definite. A is read
 * only; the result is a new array.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
	const l = new Float64Array(n * n);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j <= i; j++) {
			let sum = a[i * n + j]!;
			for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
			if (i === j) {
				if (!(sum > 0)) return null;
				l[i * n + i] = Math.sqrt(sum);
			} else {
				l[i * n + j] = sum / l[j * n + j]!;
			}
		}
	}
	return l;
}

/** x with L·x = b (forward substitution). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
	const x = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let sum = b[i]!;
		for (let k = 0; k < i; k++) sum -= l[i * n + k]! * x[k]!;
		x[i] = sum / l[i * n + i]!;
	}
	return x;
}

/** x with Lᵀ·x = b (back substitution on the transpose of the lower factor). */
export function solveUpperTransposed(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
	const x = new Float64Array(n);
	for (let i = n - 1; i >= 0; i--) {
		let sum = b[i]!;
		for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
		x[i] = sum / l[i * n + i]!;
	}
	return x;
}

/** x with A·x = b, given A's Cholesky factor L. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
	return solveUpperTransposed(l, n, solveLower(l, n, b));
}

/** A⁻¹ from A's Cholesky factor (column by column; used for likelihood gradients). */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
	const inverse = new Float64Array(n * n);
	const unit = new Float64Array(n);
	for (let j = 0; j < n; j++) {
		unit.fill(0);
		unit[j] = 1;
		const column = choleskySolve(l, n, unit);
		for (let i = 0; i < n; i++) inverse[i * n + j] = column[i]!;
	}
	return inverse;
}

/** ½·log det A = Σ log Lᵢᵢ. */
export function halfLogDet(l: Float64Array, n: number): number {
	let sum = 0;
	for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i]!);
	return sum;
}

/**
 * Cholesky of A + jitter·I, raising the jitter tenfold (from `start`) until the factorisation succeeds.
 * Kernel matrices of nearly repeated points are singular in floating point; a small diagonal keeps them
 * usable without changing the fit noticeably. Returns the factor and the jitter that was needed.
 */
export function choleskyWithJitter(
	a: Float64Array,
	n: number,
	start = 1e-10,
	max = 1e-2
): { l: Float64Array; jitter: number } {
	const factor = cholesky(a, n);
	if (factor) return { l: factor, jitter: 0 };
	const copy = new Float64Array(a);
	for (let jitter = start; jitter <= max * 1.0001; jitter *= 10) {
		for (let i = 0; i < n; i++) copy[i * n + i] = a[i * n + i]! + jitter;
		const l = cholesky(copy, n);
		if (l) return { l, jitter };
	}
	throw new Error('Kernel matrix is not positive definite even with added jitter');
}
