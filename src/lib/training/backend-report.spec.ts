import { describe, expect, it } from 'vitest';
import { adapterFromInfo, adapterText } from './backend-report';

describe('adapterFromInfo', () => {
	it("takes the browser's fallback flag, from the info or (older Chromium) the adapter", () => {
		expect(adapterFromInfo({ vendor: 'acme', architecture: 'x', isFallbackAdapter: true }).isFallback).toBe(
			true
		);
		expect(adapterFromInfo({ vendor: 'acme', architecture: 'x' }, true).isFallback).toBe(true);
		expect(adapterFromInfo({ vendor: 'acme', architecture: 'x', isFallbackAdapter: false }).isFallback).toBe(
			false
		);
	});

	it('counts SwiftShader, llvmpipe and software renderers as fallbacks even without the flag', () => {
		expect(adapterFromInfo({ vendor: 'google', architecture: 'swiftshader' }).isFallback).toBe(true);
		expect(
			adapterFromInfo({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).isFallback
		).toBe(true);
		expect(adapterFromInfo({ vendor: 'nvidia', architecture: 'hopper' }).isFallback).toBe(false);
	});

	it('fills missing names with empty strings', () => {
		expect(adapterFromInfo({})).toEqual({
			vendor: '',
			architecture: '',
			device: '',
			description: '',
			isFallback: false
		});
	});
});

describe('adapterText', () => {
	it('joins the names that are set and marks a fallback', () => {
		expect(adapterText(adapterFromInfo({ vendor: 'google', architecture: 'swiftshader' }))).toBe(
			'google swiftshader (fallback)'
		);
		expect(adapterText(adapterFromInfo({ vendor: 'nvidia', device: '0x2330', description: 'H100' }))).toBe(
			'nvidia 0x2330 H100'
		);
		expect(adapterText(null)).toBe('');
	});
});
