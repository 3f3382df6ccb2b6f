import { describe, expect, it } from 'vitest';
import { describeTrainingError, isOutOfMemory } from './training-error';

describe('describeTrainingError', () => {
	it('names the out-of-memory traps of tfjs-wasm as running out of memory', () => {
		// The exact texts tfjs-wasm 4.22 threw in Node for an 8.6 GB matMul and for the next call after it.
		expect(isOutOfMemory('table index is out of bounds')).toBe(true);
		expect(isOutOfMemory('memory access out of bounds')).toBe(true);
		expect(describeTrainingError('memory access out of bounds', 'wasm')).toBe(
			'out of memory on the wasm backend (memory access out of bounds); a smaller batch size or model fits in less'
		);
	});

	it('names the compiled engine refusing an allocation past 4 GiB as running out of memory', () => {
		// The text jax-js 0.1.25 threw in Chromium for the 8.6 GB attention scores of the procedures e2e test.
		expect(isOutOfMemory('Allocation exceeds the 4 GiB memory32 limit')).toBe(true);
	});

	it('recognises GPU limits', () => {
		expect(isOutOfMemory('Requested texture size [70000x2] greater than WebGL maximum on this browser')).toBe(
			true
		);
		expect(isOutOfMemory('GPUOutOfMemoryError: allocation failed')).toBe(true);
	});

	it('passes other errors through unchanged', () => {
		const raw = 'Error in matMul: inner shapes (3) and (4) of Tensors with shapes 2,3 and 4,5 must match';
		expect(isOutOfMemory(raw)).toBe(false);
		expect(describeTrainingError(raw, 'wasm')).toBe(raw);
		expect(describeTrainingError('Out of memory', undefined)).toBe(
			'out of memory (Out of memory); a smaller batch size or model fits in less'
		);
	});
});
