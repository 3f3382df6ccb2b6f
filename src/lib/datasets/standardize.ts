// Feature standardisation (z-scores) for tabular data. The statistics come from the training split
// only, then the same transform is applied to both splits, so nothing about the validation rows leaks
// into training. Pure: arrays in, new arrays out.

export interface FeatureStats {
	/** Per-feature mean over the training rows. */
	mean: number[];
	/** Per-feature population standard deviation over the training rows; 1 for a constant feature. */
	std: number[];
}

/** Mean and standard deviation of each column of a count × features row-major matrix. */
export function featureStats(inputs: Float32Array, count: number, features: number): FeatureStats {
	if (count < 1) throw new Error('featureStats: need at least one row');
	if (inputs.length !== count * features) {
		throw new Error(`featureStats: ${inputs.length} values do not make ${count} rows of ${features}`);
	}
	const mean = new Array<number>(features).fill(0);
	const std = new Array<number>(features).fill(0);
	// Two passes in float64: exact enough for a few thousand rows, no cancellation from E[x²] − E[x]².
	for (let r = 0; r < count; r++) for (let f = 0; f < features; f++) mean[f]! += inputs[r * features + f]!;
	for (let f = 0; f < features; f++) mean[f] = mean[f]! / count;
	for (let r = 0; r < count; r++) {
		for (let f = 0; f < features; f++) {
			const d = inputs[r * features + f]! - mean[f]!;
			std[f]! += d * d;
		}
	}
	for (let f = 0; f < features; f++) {
		const s = Math.sqrt(std[f]! / count);
		// A constant column carries no information; dividing by 1 maps it to zeros instead of NaN.
		std[f] = s > 1e-12 ? s : 1;
	}
	return { mean, std };
}

/** (x − mean) / std per feature, as a new array. */
export function applyStandardization(inputs: Float32Array, stats: FeatureStats): Float32Array {
	const features = stats.mean.length;
	const out = new Float32Array(inputs.length);
	for (let i = 0; i < inputs.length; i++) {
		const f = i % features;
		out[i] = (inputs[i]! - stats.mean[f]!) / stats.std[f]!;
	}
	return out;
}

/** Standardises both splits with statistics of the training split. */
export function standardizeSplits(
	train: Float32Array,
	val: Float32Array,
	trainCount: number,
	features: number
): { train: Float32Array; val: Float32Array; stats: FeatureStats } {
	const stats = featureStats(train, trainCount, features);
	return { train: applyStandardization(train, stats), val: applyStandardization(val, stats), stats };
}
