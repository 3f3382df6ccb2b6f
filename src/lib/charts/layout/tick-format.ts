// One number format per axis: every tick label of an axis is written with the same d3-format
// specifier, chosen from all its ticks at once, with as few digits as write each tick exactly. A
// per-tick format mixes notations on one axis ("1e-4" beside "0.01") and digits ("0.3" beside
// "0.25"); a paper's axis does not. Pure.
import { formatLocale } from 'd3';

/** d3's default locale, but with the ASCII hyphen-minus: labels stay readable as numbers by tests and CSV. */
const locale = formatLocale({ decimal: '.', thousands: ',', grouping: [3], currency: ['', ''], minus: '-' });

/** The most digits after the point (fixed) or in the mantissa (exponent) a tick label gets. */
const MAX_DIGITS = 6;

/** Below this (in absolute value, zero aside) or from `EXPONENT_ABOVE` up, labels use exponent notation. */
const EXPONENT_BELOW = 1e-3;
const EXPONENT_ABOVE = 1e6;
/** From this up, fixed labels group thousands ("20,000"). */
const GROUP_FROM = 1e4;

/**
 * The d3-format specifier shared by every tick of one axis. Exponent notation when a tick is tiny or
 * huge, else fixed; the digits are the fewest that write every tick exactly. On a linear axis every
 * label gets the same digits (0.0, 0.5, 1.0); on a log axis, whose ticks span decades, trailing zeros
 * are trimmed (0.1, 1, 10), as a paper's log axis reads.
 */
export function tickSpecifier(ticks: readonly number[], log = false): string {
	const sizes = ticks.filter((t) => Number.isFinite(t) && t !== 0).map((t) => Math.abs(t));
	if (sizes.length === 0) return '.0f';
	const largest = Math.max(...sizes);
	const exponent = largest >= EXPONENT_ABOVE || Math.min(...sizes) < EXPONENT_BELOW;
	const type = exponent ? 'e' : 'f';
	const group = !exponent && largest >= GROUP_FROM ? ',' : '';
	const trim = log ? '~' : '';
	let digits = 0;
	while (digits < MAX_DIGITS && !ticks.every((t) => writesExactly(`.${digits}${type}`, t))) digits++;
	return `${group}.${digits}${trim}${type}`;
}

/** Whether `specifier` writes `value` so that reading the label back gives the value (to 1e-9 relative). */
function writesExactly(specifier: string, value: number): boolean {
	if (!Number.isFinite(value)) return true;
	const back = Number(locale.format(specifier)(value));
	return Math.abs(back - value) <= 1e-9 * Math.abs(value);
}

/** One formatter for every tick of an axis (see tickSpecifier); in exponent notation zero is "0", not "0e+0". */
export function tickFormat(ticks: readonly number[], log = false): (value: number) => string {
	const specifier = tickSpecifier(ticks, log);
	const format = locale.format(specifier);
	const exponent = specifier.endsWith('e');
	return (value) => {
		if (!Number.isFinite(value)) return String(value);
		return value === 0 && exponent ? '0' : format(value);
	};
}

/** The labels of an axis's ticks, all in one format. */
export function tickLabels(ticks: readonly number[], log = false): string[] {
	const format = tickFormat(ticks, log);
	return ticks.map(format);
}

/** Ticks at `values` placed by `at` (plot pixels), labelled in the axis's one format. */
export function labelledTicks(
	values: readonly number[],
	at: (value: number) => number,
	log = false
): { at: number; label: string; value: number }[] {
	const format = tickFormat(values, log);
	return values.map((value) => ({ at: at(value), label: format(value), value }));
}
