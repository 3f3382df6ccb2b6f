import { describe, expect, it } from 'vitest';
import type { TextData } from '$lib/datasets/text-data';
import { promptTokens } from './sampling';
import { checkContextFits, MAX_TEXT_EVAL_CHARS, validationWindows } from './text-windows';

const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 7);

describe('validationWindows', () => {
	it('cuts the held-out text into non-overlapping windows whose targets are the next tokens', () => {
		// 11 tokens, windows of 3: each window needs one more token for its last target, so (11 − 1) / 3 = 3.
		const val = Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
		const w = validationWindows(val, 3);
		expect(w.count).toBe(3);
		expect(Array.from(w.x)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
		expect(Array.from(w.y)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
	});

	it('scores at most MAX_TEXT_EVAL_CHARS characters', () => {
		const w = validationWindows(ids(100_000), 16);
		expect(w.count).toBe(Math.floor(MAX_TEXT_EVAL_CHARS / 16));
		expect(w.count * 16).toBeLessThanOrEqual(MAX_TEXT_EVAL_CHARS);
	});
});

describe('checkContextFits', () => {
	const text: TextData = { kind: 'text', vocab: ['a'], train: ids(50), val: ids(10) };
	it('accepts a window that fits both splits and names the sizes when it does not', () => {
		expect(() => checkContextFits(text, 8)).not.toThrow();
		expect(() => checkContextFits(text, 9)).toThrow(
			'contextLength 9 is too long for this text (50 training and 10 validation characters)'
		);
	});
});

describe('promptTokens', () => {
	it('maps characters to their ids and names the unknown ones', () => {
		expect(promptTokens(['a', 'b', 'c'], 'cab')).toEqual([2, 0, 1]);
		expect(() => promptTokens(['a'], 'axyx')).toThrow(
			'the prompt uses characters the model never saw: "x", "y"'
		);
		expect(() => promptTokens(['a'], '')).toThrow(/empty/);
	});
});
