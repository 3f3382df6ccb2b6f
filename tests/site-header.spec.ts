import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { importStudy, openLab } from './helpers';

const PAGES = [
	{ path: '/', link: 'Studies' },
	{ path: '/design', link: 'Design' },
	{ path: '/schedules', link: 'Schedules' },
	{ path: '/procedures', link: 'Procedures' },
	{ path: '/log', link: 'Tuning log' }
];

test('the header links every page and marks the one you are on', async ({ page }) => {
	for (const here of PAGES) {
		await page.goto(here.path);
		const nav = page.getByRole('navigation', { name: 'Site' });
		await expect(nav.getByRole('link')).toHaveText(PAGES.map((p) => p.link));
		for (const other of PAGES) {
			const link = nav.getByRole('link', { name: other.link, exact: true });
			if (other === here) await expect(link).toHaveAttribute('aria-current', 'page');
			else await expect(link).not.toHaveAttribute('aria-current');
		}
	}
	// Keyboard: the links are in the tab order, and Enter follows one.
	await page.goto('/');
	const design = page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Design' });
	await design.focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/design$/);
});

/** WCAG contrast ratio of an element's text against the first opaque background behind it. */
async function contrastOf(element: Locator): Promise<number> {
	return element.evaluate((el) => {
		const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
		const luminance = ([r, g, b]: number[]) => {
			const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
			return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
		};
		let node: Element | null = el;
		let background = [255, 255, 255];
		while (node) {
			const parts = rgb(getComputedStyle(node).backgroundColor);
			if (parts.length >= 3 && (parts.length === 3 || parts[3]! > 0)) {
				background = parts.slice(0, 3);
				break;
			}
			node = node.parentElement;
		}
		const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background)];
		return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
	});
}

test('the analysis page names its study in readable text', async ({ page }) => {
	await openLab(page);
	const text = readFileSync('tests/fixtures/analysis-params.study.json', 'utf8');
	await importStudy(page, text, 'analysis-params.study.json');
	await page.getByTestId('open-analysis').click();
	const title = page.getByTestId('analysis-page').getByRole('heading', { level: 2 }).first();
	await expect(title).toHaveText(`Analysis: ${(JSON.parse(text) as { name: string }).name}`);
	// WCAG AA for normal text; the title used to be white on white (ratio 1).
	expect(await contrastOf(title)).toBeGreaterThanOrEqual(4.5);
	// The site header keeps its light-on-dark colours.
	expect(await contrastOf(page.locator('.site-header h1'))).toBeGreaterThanOrEqual(4.5);
	await expect(
		page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Studies' })
	).toHaveAttribute('aria-current', 'page');
});
