// The one line `npm start` prints after a successful build. Pure, so it is unit-tested.

/** Bytes as kB, MB or GB (powers of 1000), with three significant digits. */
export function formatBytes(bytes) {
	const units = ['bytes', 'kB', 'MB', 'GB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return unit === 0 ? `${bytes} bytes` : `${value.toPrecision(3)} ${units[unit]}`;
}

/** "done in 9.5 s: 212 files, 14.2 MB in build/" from the build's seconds and its files' sizes. */
export function buildSummary(seconds, fileSizes) {
	const total = fileSizes.reduce((a, b) => a + b, 0);
	const files = `${fileSizes.length} ${fileSizes.length === 1 ? 'file' : 'files'}`;
	return `done in ${seconds.toFixed(1)} s: ${files}, ${formatBytes(total)} in build/`;
}
