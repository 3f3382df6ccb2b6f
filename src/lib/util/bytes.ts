/**
 * A size as people read it, in decimal units (1 kB = 1000 bytes, as browsers report storage): "512 bytes",
 * "3.4 kB", "12.3 MB", "1.25 GB", three significant digits from kB up.
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '—';
	if (bytes < 1000) return `${Math.round(bytes)} bytes`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let value = bytes / 1000;
	let unit = 0;
	while (value >= 999.5 && unit < units.length - 1) {
		value /= 1000;
		unit += 1;
	}
	return `${Number(value.toPrecision(3))} ${units[unit]}`;
}
