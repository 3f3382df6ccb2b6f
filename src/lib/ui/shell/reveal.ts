import { tick } from 'svelte';

/**
 * Brings what a click asked for into view and moves keyboard focus there: after the page updated,
 * the first element matching `selector` is scrolled to the top of the window and focused (made
 * focusable by script only, tabindex -1, if it was not), so the next Tab continues from it.
 */
export async function reveal(selector: string): Promise<HTMLElement | null> {
	await tick();
	const el = document.querySelector<HTMLElement>(selector);
	if (!el) return null;
	if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
	el.scrollIntoView({ block: 'start' });
	el.focus({ preventScroll: true });
	return el;
}
