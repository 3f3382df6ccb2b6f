import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTextDataset } from './text-dataset';
import { TEXT_DATASETS } from './registry';
import { decodeTokens, encodeText, MAX_VOCAB, MIN_TEXT_CHARS } from './text-data';

describe('encodeText', () => {
	it('builds a code-point-sorted vocabulary and splits by position, 90% / 10%', () => {
		const text = 'ba\r\nc'.repeat(250); // CRLF becomes LF: 4 characters × 250 = 1,000
		const data = encodeText(text, 'x.txt');
		expect(data.vocab).toEqual(['\n', 'a', 'b', 'c']);
		expect(data.train.length).toBe(900);
		expect(data.val.length).toBe(100);
		expect(Array.from(data.train.slice(0, 4))).toEqual([2, 1, 0, 3]);
		expect(decodeTokens(data.vocab, data.val.slice(0, 4))).toBe('ba\nc');
	});

	it('keeps characters outside the BMP whole', () => {
		const data = encodeText('🐋a'.repeat(600), 'whale.txt');
		expect(data.vocab).toEqual(['a', '🐋']);
		expect(data.train.length + data.val.length).toBe(1200);
	});

	it('refuses text too short to split, and binary-looking files', () => {
		expect(() => encodeText('short', 'tiny.txt')).toThrow(
			`tiny.txt: 5 characters; a language model needs at least ${MIN_TEXT_CHARS}`
		);
		const noisy = Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
		expect(() => encodeText(noisy, 'noise.txt')).toThrow(`2000 distinct characters (at most ${MAX_VOCAB})`);
	});
});

describe('loadTextDataset (bundled Moby-Dick)', () => {
	const spec = TEXT_DATASETS['moby-dick'];
	const fromStatic = async (path: string) => new Uint8Array(readFileSync(`static/${path}`));

	it('decodes the whole novel: 1,190,317 characters, 83 distinct, 90/10 by position', async () => {
		const data = await loadTextDataset(spec, fromStatic);
		expect(data.vocab).toHaveLength(83);
		expect(data.train.length).toBe(Math.floor(1_190_317 * 0.9));
		expect(data.train.length + data.val.length).toBe(1_190_317);
		expect(decodeTokens(data.vocab, data.train.slice(0, 20))).toBe('CHAPTER 1. Loomings.');
	});

	it('rejects a file of the wrong length and one that is not UTF-8', async () => {
		const truncated = async (path: string) => (await fromStatic(path)).slice(0, 1000);
		await expect(loadTextDataset(spec, truncated)).rejects.toThrow(
			/unexpected end|could not|characters, expected|gzip/i
		);
		const latin1 = async () => new Uint8Array(Array.from({ length: 2000 }, (_, i) => (i % 2 ? 0xe9 : 0x61)));
		await expect(loadTextDataset(spec, latin1)).rejects.toThrow(
			'datasets/moby-dick/moby-dick.txt.gz: not valid UTF-8 text'
		);
	});
});
