// Every page of the lab at a desktop and a phone size, first as a new user sees it (no studies), then with a
// finished study loaded (the 24-trial analysis fixture of the end-to-end tests). Files are named
// <viewport>-<state>-<page>.png in tour/screenshots/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const OUT = fileURLToPath(new URL('screenshots/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../tests/fixtures/analysis-params.study.json', import.meta.url));
const VIEWPORTS = [
	{ name: 'desktop', width: 1440, height: 900 },
	{ name: 'phone', width: 390, height: 844 }
];
const PAGES = ['/', '/design', '/schedules', '/procedures', '/log'];

const fileName = (path: string) => (path === '/' ? 'studies' : path.slice(1).replace(/[^a-z0-9]+/gi, '-'));

async function shoot(page: Page, viewport: string, state: string, name: string): Promise<void> {
	// Let charts lay out and fonts settle before the picture.
	await page.waitForLoadState('networkidle');
	await page.screenshot({ path: `${OUT}${viewport}-${state}-${name}.png`, fullPage: true });
}

for (const viewport of VIEWPORTS) {
	test(`tour at ${viewport.width}×${viewport.height}`, async ({ page }) => {
		test.setTimeout(180_000);
		await page.setViewportSize({ width: viewport.width, height: viewport.height });
		for (const path of PAGES) {
			await page.goto(path);
			await expect(page.getByRole('navigation', { name: 'Site' })).toBeVisible();
			await shoot(page, viewport.name, 'empty', fileName(path));
		}

		await page.goto('/');
		await page.getByTestId('study-file-input').setInputFiles(FIXTURE);
		await expect(page.getByTestId('study-name')).toBeVisible();
		await shoot(page, viewport.name, 'study', 'studies');
		await page.getByTestId('open-analysis').click();
		await expect(page.getByTestId('analysis-page')).toBeVisible();
		await shoot(page, viewport.name, 'study', 'analysis');
		const id = new URL(page.url()).searchParams.get('id');
		expect(id).toBeTruthy();
		await page.goto(`/study?id=${encodeURIComponent(id!)}`);
		await expect(page.getByTestId('study-name')).toBeVisible();
		await shoot(page, viewport.name, 'study', 'study');
		for (const path of PAGES.slice(1)) {
			await page.goto(path);
			await shoot(page, viewport.name, 'study', fileName(path));
		}
		readFileSync(FIXTURE); // the fixture is part of the repository; fail loudly if it moves
	});
}
