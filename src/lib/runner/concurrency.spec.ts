import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from './concurrency';

describe('defaultConcurrency', () => {
	it('runs one trial at a time on a GPU backend, and on auto (which may pick the GPU)', () => {
		expect(defaultConcurrency(16, 'webgpu')).toBe(1);
		expect(defaultConcurrency(16, 'webgl')).toBe(1);
		expect(defaultConcurrency(16, 'auto')).toBe(1);
	});
	it('uses every core on CPU backends, within 1..8 (two cores: 1.2–1.3× the trials per hour of one)', () => {
		expect(defaultConcurrency(2, 'wasm')).toBe(2);
		expect(defaultConcurrency(4, 'cpu')).toBe(4);
		expect(defaultConcurrency(64, 'wasm')).toBe(8);
		expect(defaultConcurrency(1, 'wasm')).toBe(1);
		expect(defaultConcurrency(undefined, 'wasm')).toBe(2);
	});
});
