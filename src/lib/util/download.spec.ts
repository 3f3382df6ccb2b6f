import { describe, expect, it } from 'vitest';
import { fileNameBase } from './download';

describe('fileNameBase', () => {
	it('keeps letters, digits, dot, underscore and hyphen and joins everything else into one hyphen', () => {
		expect(fileNameBase('LR sweep: AdamW / 10 trials', 'study')).toBe('LR-sweep-AdamW-10-trials');
		expect(fileNameBase('v1.2_final-run', 'study')).toBe('v1.2_final-run');
	});

	it('cuts to 60 characters and falls back when nothing is left', () => {
		expect(fileNameBase('a'.repeat(80), 'study')).toBe('a'.repeat(60));
		expect(fileNameBase('', 'study')).toBe('study');
		expect(fileNameBase('', 'model')).toBe('model');
	});
});
