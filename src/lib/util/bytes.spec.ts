import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
	it('picks kB, MB or GB and keeps three significant digits', () => {
		expect(formatBytes(0)).toBe('0 bytes');
		expect(formatBytes(999)).toBe('999 bytes');
		expect(formatBytes(3_400)).toBe('3.4 kB');
		expect(formatBytes(12_345_678)).toBe('12.3 MB');
		expect(formatBytes(1_250_000_000)).toBe('1.25 GB');
		// 999.6 kB rounds to 1000 kB at three digits: written as 1 MB instead.
		expect(formatBytes(999_600)).toBe('1 MB');
		expect(formatBytes(Number.NaN)).toBe('—');
	});
});
