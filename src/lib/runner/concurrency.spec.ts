import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from './concurrency';

describe('defaultConcurrency', () => {
	it('runs one trial at a time on a GPU backend', () => {
		expect(defaultConcurrency(16, 'webgpu')).toBe(1);
		expect(defaultConcurrency(16, 'auto')).toBe(1);
	});
	it('uses half the cores on CPU backends, within 1..8', () => {
		expect(defaultConcurrency(2, 'wasm')).toBe(1);
		expect(defaultConcurrency(8, 'cpu')).toBe(4);
		expect(defaultConcurrency(64, 'wasm')).toBe(8);
		expect(defaultConcurrency(undefined, 'wasm')).toBe(1);
	});
});
