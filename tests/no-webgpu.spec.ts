import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { openLab } from './helpers';

// Without --enable-unsafe-webgpu, headless Chromium offers no WebGPU adapter.
test.use({
	launchOptions: {
		executablePath: process.env.TUNING_LAB_CHROMIUM ?? '/usr/bin/chromium',
		args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu')
	}
});

test('auto falls back past a missing WebGPU and says why; forcing webgpu reports the failure', async ({
	page
}) => {
	await openLab(page);
	const name = page.getByTestId('backend-name');
	await expect(name).not.toHaveText('webgpu', { timeout: 60_000 });
	await expect(name).toHaveText(/webgl|wasm|cpu/);
	await page.getByTestId('backend-attempts').locator('summary').click();
	await expect(page.getByTestId('backend-attempts')).toContainText(
		/webgpu: .*adapter|webgpu: .*navigator\.gpu/
	);

	await page.getByTestId('backend-picker').selectOption('webgpu');
	await expect(page.getByTestId('backend-error')).toContainText(/could not start the webgpu backend/);
});
