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
 * More flags from TUNING_LAB_CHROMIUM_ARGS, separated by spaces: a GPU node may need some to reach its
 * real adapter (for example `--enable-features=Vulkan --use-angle=vulkan`; see docs/scale-out.md).
 * @param {string | undefined} text
 * @returns {string[]}
 */
export function extraArgs(text) {
	return (text ?? '').split(/\s+/).filter((arg) => arg !== '');
}
