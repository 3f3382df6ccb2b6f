import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { visitEveryPage } from './every-page';
import { importStudy, twoTrialStudy } from './helpers';

// Every page passes axe-core's audit with no serious or critical violation, empty and with a study loaded.

/** axe-core's serious and critical violations on the page as it stands, one readable line each. */
async function seriousViolations(page: Page): Promise<string[]> {
	await page.waitForLoadState('networkidle');
	const { violations } = await new AxeBuilder({ page }).analyze();
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.help} — ${v.nodes
					.slice(0, 4)
					.map((n) => n.target.join(' '))
					.join(', ')}`
		);
}

test('every page passes the axe-core audit, empty and with a study loaded', async ({ page }) => {
	test.setTimeout(180_000);
	const found: string[] = [];
	const audit = async (label: string) => {
		for (const line of await seriousViolations(page)) found.push(`${label}: ${line}`);
	};
	await visitEveryPage(page, audit);
	expect(found, found.join('\n')).toEqual([]);
});

test('the keyboard starts a trial in four presses, and focus stays on the control that replaces Run/Stop', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByTestId('run')).toBeVisible();
	await page.keyboard.press('Tab');
	await expect(page.getByTestId('skip-link')).toBeFocused();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await expect(page.getByTestId('run-first')).toBeFocused();
	await page.keyboard.press('Enter');
	// The same button now reads Stop and still holds focus: Enter again stops the trial.
	await expect(page.getByTestId('stop-first')).toBeFocused();
	await expect(page.getByTestId('trial-row').first()).toHaveAttribute('data-status', 'running');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('run-first')).toBeFocused();
	await expect(page.getByTestId('trial-row').first()).not.toHaveAttribute('data-status', 'running');
});

test('a study run started from the keyboard hands focus to Pause, and Pause hands it back to Resume', async ({
	page
}) => {
	await page.goto('/');
	await importStudy(
		page,
		twoTrialStudy('focus study', {
			maxTrainSteps: 3000,
			evalEvery: 500,
			checkpointEvery: 500,
			keepBestCheckpoints: 1
		})
	);
	await expect(page.getByTestId('study-name')).toBeVisible();
	await page.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	// One trial at a time: Pause lets the running one finish and leaves the other queued, to resume.
	await page.getByTestId('concurrency').fill('1');
	await page.getByTestId('run-study').focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('pause-study')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('run-study')).toHaveText('Resume', { timeout: 60_000 });
	await expect(page.getByTestId('run-study')).toBeFocused();
});

test('an unavailable button says why, to the eye and to assistive technology', async ({ page }) => {
	await page.goto('/procedures');
	const button = page.getByTestId('run-round-two');
	await expect(button).toHaveAttribute('aria-disabled', 'true');
	await expect(button).toBeDisabled();
	const reason = page.getByTestId('run-round-two-reason');
	await expect(reason).toBeVisible();
	await expect(reason).toHaveText('Choose a study first.');
	await expect(button).toHaveAttribute('aria-describedby', (await reason.getAttribute('id'))!);
	// It still takes focus, so a keyboard user meets it and hears the reason.
	await button.focus();
	await expect(button).toBeFocused();
});
