import { describe, expect, it } from 'vitest';
import { buildSummary, formatBytes } from './build-summary.mjs';

describe('buildSummary', () => {
	it('states time, file count and total size in a human unit', () => {
		expect(buildSummary(9.46, [1_000_000, 2_500_000, 700_000])).toBe(
			'done in 9.5 s: 3 files, 4.20 MB in build/'
		);
		expect(buildSummary(0.04, [512])).toBe('done in 0.0 s: 1 file, 512 bytes in build/');
	});

	it('switches units at powers of 1000', () => {
		expect(formatBytes(999)).toBe('999 bytes');
		expect(formatBytes(1000)).toBe('1.00 kB');
		expect(formatBytes(14_234_567)).toBe('14.2 MB');
		expect(formatBytes(3_100_000_000)).toBe('3.10 GB');
	});
});
