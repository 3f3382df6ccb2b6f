// Shared helpers for the Node benchmarks: a result row in scripts/bench.mjs's format, and its statistics.
export interface BenchRow {
	name: string;
	unit: string;
	median: number;
	min: number;
	max: number;
	runs: number;
	target?: string;
	note?: string;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function stats(
	name: string,
	unit: string,
	values: number[],
	note?: string,
	target?: string
): BenchRow {
	return {
		name,
		unit,
		median: median(values),
		min: Math.min(...values),
		max: Math.max(...values),
		runs: values.length,
		...(target ? { target } : {}),
		...(note ? { note } : {})
	};
}
