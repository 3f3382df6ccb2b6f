import { expect, test, type Page } from '@playwright/test';
import { visitEveryPage } from './every-page';

// A phone held upright: no page may scroll sideways; wide tables and plots scroll inside their own box.
const PHONE = { width: 390, height: 844 };

/** How far the document reaches past the window's right edge, in CSS pixels (0 when it fits). */
async function overflow(page: Page): Promise<{ extra: number; culprit: string }> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		let culprit = '';
		let widest = width;
		/** Inside a box that scrolls or clips, an element cannot widen the page. */
		const clipped = (el: Element) => {
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== 'visible') return true;
			}
			return false;
		};
		for (const el of Array.from(document.querySelectorAll('body *'))) {
			if (clipped(el)) continue;
			const right = el.getBoundingClientRect().right;
			if (right > widest + 0.5) {
				widest = right;
				const id = el.getAttribute('data-testid') ?? el.className.toString();
				culprit = `${el.tagName.toLowerCase()}${id ? ` (${id})` : ''}`;
			}
		}
		return { extra: document.documentElement.scrollWidth - width, culprit };
	});
}

test('at 390 px no page scrolls sideways, empty or with a study loaded', async ({ page }) => {
	test.setTimeout(120_000);
	await page.setViewportSize(PHONE);
	const check = async (label: string) => {
		await page.waitForLoadState('networkidle');
		const { extra, culprit } = await overflow(page);
		expect(extra, `${label} is ${extra} px wider than the window (widest: ${culprit})`).toBeLessThanOrEqual(
			0
		);
	};
	await visitEveryPage(page, check);
});
