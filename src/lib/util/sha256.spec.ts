import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';

describe('sha256Hex', () => {
	it('gives the FIPS 180-2 test vectors', async () => {
		expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	});

	it('hashes text as its UTF-8 bytes, and bytes as they are (also a view into a larger buffer)', async () => {
		const text = 'Größe ✓ 学習率';
		const utf8 = createHash('sha256').update(text, 'utf8').digest('hex');
		expect(await sha256Hex(text)).toBe(utf8);
		expect(await sha256Hex(new TextEncoder().encode(text))).toBe(utf8);
		const buffer = new Uint8Array([9, 1, 2, 3, 9]);
		expect(await sha256Hex(buffer.subarray(1, 4))).toBe(
			createHash('sha256')
				.update(Uint8Array.of(1, 2, 3))
				.digest('hex')
		);
	});
});
