// How Tuning Lab launches Debian's Chromium (docs/engineering-notes.md §1), shared by the Playwright config and the
// `tuning-lab run` command so both drive the same browser the same way.

/** The browser binary: Debian's Chromium unless TUNING_LAB_CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.TUNING_LAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium quiet on a closed network (no background fetches, updates, sync or QUIC)
 * and expose WebGPU, which headless Linux builds otherwise hide.
 * @type {readonly string[]}
 */
export const CHROMIUM_ARGS = Object.freeze([
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
	'--enable-unsafe-webgpu',
	...extraArgs(process.env.TUNING_LAB_CHROMIUM_ARGS)
]);

/**
 * Flags a Linux GPU node needs for Chromium's WebGPU to reach the GPU: through Vulkan (ANGLE and Dawn
 * on the native Vulkan driver), with the GPU blocklist ignored (headless Linux blocks many GPUs). Not
 * in CHROMIUM_ARGS: pass them through TUNING_LAB_CHROMIUM_ARGS on a GPU node (`npm run bench:gpu`
 * adds them itself). Untested on a real GPU here (no GPU on the development machine).
 * @type {readonly string[]}
 */
export const GPU_NODE_ARGS = Object.freeze([
	'--enable-features=Vulkan',
	'--use-angle=vulkan',
	'--use-vulkan=native',
	'--ignore-gpu-blocklist'
]);

/**
 * More flags from TUNING_LAB_CHROMIUM_ARGS, separated by spaces: a GPU node may need some to reach its
 * real adapter (for example `--enable-features=Vulkan --use-angle=vulkan`; see docs/scale-out.md).
 * @param {string | undefined} text
 * @returns {string[]}
 */
export function extraArgs(text) {
	return (text ?? '').split(/\s+/).filter((arg) => arg !== '');
}
