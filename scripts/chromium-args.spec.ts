import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, extraArgs } from './chromium-args.mjs';

describe('Chromium flags', () => {
	it('always expose WebGPU and keep the browser off the network', () => {
		expect(CHROMIUM_ARGS).toContain('--enable-unsafe-webgpu');
		expect(CHROMIUM_ARGS).toContain('--disable-background-networking');
	});

	it('take extra flags from TUNING_LAB_CHROMIUM_ARGS, split on any whitespace', () => {
		expect(extraArgs(' --enable-features=Vulkan \t --use-angle=vulkan\n')).toEqual([
			'--enable-features=Vulkan',
			'--use-angle=vulkan'
		]);
		expect(extraArgs('')).toEqual([]);
		expect(extraArgs(undefined)).toEqual([]);
	});
});
