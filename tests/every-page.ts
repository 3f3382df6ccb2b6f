import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/** The pages the site header links to, in its order. */
export const SITE_PAGES = ['/', '/design', '/schedules', '/procedures', '/log'];

/**
 * Visits every page as a person would see it, first empty and then with a finished study loaded (the
 * analysis fixture: its study page, analysis, the designer opened from it, and the other pages with it
 * stored), calling `check` with a label of what is shown. Audits that must hold on every page (the
 * accessibility audit, the narrow-window check) share this one walk.
 */
export async function visitEveryPage(page: Page, check: (label: string) => Promise<void>): Promise<void> {
	for (const path of SITE_PAGES) {
		await page.goto(path);
		await expect(page.getByRole('navigation', { name: 'Site' })).toBeVisible();
		await check(`${path} (empty)`);
	}
	await page.goto('/');
	await page.getByTestId('study-file-input').setInputFiles({
		name: 'analysis-params.study.json',
		mimeType: 'application/json',
		buffer: readFileSync('tests/fixtures/analysis-params.study.json')
	});
	await expect(page.getByTestId('study-name')).toBeVisible();
	await check('/ with a study');
	await page.getByTestId('open-analysis').click();
	await expect(page.getByTestId('parameter-plots')).toBeVisible();
	await check('/analysis');
	const id = new URL(page.url()).searchParams.get('id')!;
	await page.goto(`/study?id=${encodeURIComponent(id)}`);
	await expect(page.getByTestId('study-name')).toBeVisible();
	await check('/study');
	await page.goto(`/design?from=${encodeURIComponent(id)}`);
	await check('/design (from the study)');
	for (const path of SITE_PAGES.slice(1)) {
		await page.goto(path);
		await check(`${path} (with a study stored)`);
	}
}
