// One axis per distinct searched parameter name, spanning every range that name has in the space. Both
// the plots (pair plot, axis plots, parallel coordinates) and the analysis (importance works in each
// axis's unit coordinate) read parameters through these axes, so they live with the pure math.

import type { ParamSpec, ParamValue } from './search-space';

export type PairAxis =
	| { name: string; kind: 'linear' | 'log'; min: number; max: number }
	| { name: string; kind: 'band'; values: ParamValue[] };

/** Discrete values spanning at least this ratio (two decades) get a log axis. */
const DISCRETE_LOG_RATIO = 100;

/** A key that keeps `1` and `'1'` apart. */
export function valueKey(value: ParamValue): string {
	return `${typeof value}:${String(value)}`;
}

/** One axis per distinct parameter name, in the order the names first appear. */
export function pairAxes(params: readonly ParamSpec[]): PairAxis[] {
	const names = [...new Set(params.map((param) => param.name))];
	return names.map((name) =>
		axisFor(
			name,
			params.filter((param) => param.name === name)
		)
	);
}

function axisFor(name: string, params: readonly ParamSpec[]): PairAxis {
	const choices = params.some((param) => param.type === 'categorical' || param.type === 'bool');
	if (choices) {
		const values: ParamValue[] = [];
		const seen = new Set<string>();
		for (const param of params) {
			const list: readonly ParamValue[] =
				param.type === 'bool'
					? [false, true]
					: param.type === 'float' || param.type === 'int'
						? []
						: param.values;
			for (const value of list) {
				if (seen.has(valueKey(value))) continue;
				seen.add(valueKey(value));
				values.push(value);
			}
		}
		return { name, kind: 'band', values };
	}
	let min = Infinity;
	let max = -Infinity;
	let log = true;
	for (const param of params) {
		if (param.type === 'float' || param.type === 'int') {
			min = Math.min(min, param.min);
			max = Math.max(max, param.max);
			log &&= param.scale === 'log';
		} else if (param.type === 'discrete') {
			const lo = Math.min(...param.values);
			const hi = Math.max(...param.values);
			min = Math.min(min, lo);
			max = Math.max(max, hi);
			log &&= lo > 0 && hi / lo >= DISCRETE_LOG_RATIO;
		}
	}
	if (!Number.isFinite(min) || !Number.isFinite(max)) return { name, kind: 'linear', min: 0, max: 1 };
	return { name, kind: log && min > 0 ? 'log' : 'linear', min, max };
}
