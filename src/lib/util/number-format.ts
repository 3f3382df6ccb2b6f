// The one way a number meant for a person is written outside an axis (tables, read-outs, findings,
// select options, "mean ± sd"): a few significant digits, exponent notation when the number is tiny or
// huge, never a float's full 17 digits ("0.003162", not "0.0031622776601683794"). Axes use
// charts/layout/tick-format.ts instead: one format shared by every tick of an axis.

/** Below this (zero aside) or from `EXPONENT_FROM` up, numbers are written as `1.5e-4`, `2.5e+5`. */
const EXPONENT_BELOW = 1e-3;
const EXPONENT_FROM = 1e5;

/** Significant digits of a number for a person: enough to compare two losses, no float noise. */
const DIGITS = 4;

/**
 * `value` to four significant digits, trailing zeros dropped: 0.0031622776601683794 → "0.003162",
 * 1.5 → "1.5", 0.000125 → "1.25e-4", 123456 → "1.235e+5", 42 → "42". Not-a-number and infinities
 * are written as JavaScript writes them ("NaN", "Infinity"). One argument only, so that
 * `values.map(formatNumber)` cannot take an array index for a number of digits.
 */
export function formatNumber(value: number): string {
	return formatSignificant(value, DIGITS);
}

/** `value` to `digits` significant digits, written as `formatNumber` writes it. */
export function formatSignificant(value: number, digits: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (value === 0) return '0';
	const size = Math.abs(value);
	if (size < EXPONENT_BELOW || size >= EXPONENT_FROM) {
		return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
	}
	const rounded = Number(value.toPrecision(digits));
	// Rounding can carry a number up to the exponent range (99999.5 → 100000): write that one so too.
	if (Math.abs(rounded) >= EXPONENT_FROM) return formatSignificant(rounded, digits);
	return String(rounded);
}
