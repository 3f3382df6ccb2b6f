import { expect, test, type Page } from '@playwright/test';
import { openLab, readStoredMetrics, runTrialAndWait } from './helpers';

async function expectLossFell(page: Page, id: string, factor: number) {
	const { evals } = await readStoredMetrics(page, id);
	expect(evals.length).toBeGreaterThanOrEqual(2);
	expect(evals[evals.length - 1]!.valLoss).toBeLessThan(evals[0]!.valLoss * factor);
}

test('a tiny transformer trains on WebGPU (software adapter) and samples text from its best checkpoint', async ({
	page
}) => {
	test.setTimeout(540_000);
	await openLab(page);
	await page.getByTestId('dataset-picker').selectOption('moby-dick');
	await expect(page.getByTestId('model-picker')).toHaveValue('transformer');
	await page.getByTestId('backend-picker').selectOption('webgpu');
	await page.getByTestId('n-layer').fill('1');
	await page.getByTestId('n-head').fill('2');
	await page.getByTestId('d-model').fill('16');
	await page.getByTestId('context-length').fill('16');
	await page.getByLabel('Batch size').fill('16');
	await page.getByTestId('learning-rate').fill('0.01');
	await page.getByTestId('steps').fill('20');
	await page.getByTestId('eval-every').fill('20');
	const started = Date.now();
	const id = await runTrialAndWait(page, 420_000);
	console.log(`transformer trial on webgpu: ${(Date.now() - started) / 1000} s`);
	// The backend the worker actually trained on, not the one asked for.
	await expect(page.getByTestId('trial-row').first()).toContainText('webgpu');
	await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
	const { evals } = await readStoredMetrics(page, id);
	expect(evals[0]!.valLoss).toBeCloseTo(Math.log(83), 0); // uniform over 83 characters at init
	await expectLossFell(page, id, 0.85);
	const stored = (await readStoredMetrics(page, id)).evals as { valLoss: number; valBitsPerChar?: number }[];
	expect(stored[1]!.valBitsPerChar).toBeCloseTo(stored[1]!.valLoss / Math.LN2, 6);

	const panel = page.getByTestId('sample-text-panel');
	await expect(panel).toContainText('best checkpoint');
	await panel.getByLabel('Characters').fill('20');
	const sampling = Date.now();
	await page.getByTestId('sample-text').click();
	const output = page.getByTestId('sample-output');
	await expect(output).toBeVisible({ timeout: 120_000 });
	console.log(`sampling 20 characters on webgpu: ${(Date.now() - sampling) / 1000} s`);
	const text = (await output.textContent()) ?? '';
	expect(text.startsWith('The whale ')).toBe(true);
	expect(Array.from(text).length).toBe('The whale '.length + 20);
});

test('a CNN trains on Fashion-MNIST and a model/data mismatch cannot be picked', async ({ page }) => {
	test.setTimeout(180_000);
	await openLab(page);
	await page.getByTestId('dataset-picker').selectOption('fashion-mnist');
	await page.getByTestId('model-picker').selectOption('cnn');
	await page.getByTestId('backend-picker').selectOption('wasm');
	await page.getByTestId('cnn-width').fill('8');
	await page.getByLabel('Batch size').fill('32');
	await page.getByTestId('steps').fill('40');
	await page.getByTestId('eval-every').fill('20');
	await page.getByTestId('dropout').fill('0.2');
	await page.getByTestId('label-smoothing').fill('0.1');
	const id = await runTrialAndWait(page, 150_000);
	await expectLossFell(page, id, 0.7);
	// Tables offer only the MLP; switching to one moves the model back to it.
	await page.getByTestId('dataset-picker').selectOption('iris');
	await expect(page.getByTestId('model-picker')).toHaveValue('mlp');
	await expect(page.getByTestId('model-picker').locator('option')).toHaveCount(1);
});
