import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab } from './helpers';

// Issue 24, item 5: no traps in the designer, and /schedules shows the cooldown it draws.

interface DraftFile {
	notes?: string;
	fixed: Record<string, unknown>;
	params: { name: string; type: string; min?: number; max?: number; scale?: string }[];
}

async function draftFile(page: Page): Promise<DraftFile> {
	return JSON.parse(await page.getByTestId('draft-json').inputValue()) as DraftFile;
}

test('switching the model offers to fix or drop the keys it does not read', async ({ page }) => {
	await page.goto('/design');
	await expect(page.getByTestId('draft-json')).toBeVisible();
	// The default study is an MLP with depth fixed and hiddenWidth searched.
	expect((await draftFile(page)).fixed.depth).toBe(1);
	await expect(page.getByTestId('stray-model-keys')).toHaveCount(0);
	await page.getByTestId('draft-model').selectOption('cnn');
	const offer = page.getByTestId('stray-model-keys');
	await expect(offer).toContainText('The cnn model does not read depth (fixed), hiddenWidth (searched).');
	await expect(page.getByTestId('fix-model-keys')).toHaveText('Use depth → cnnDepth, hiddenWidth → cnnWidth');
	await page.getByTestId('fix-model-keys').click();
	await expect(offer).toHaveCount(0);
	await expect
		.poll(async () => (await draftFile(page)).params.map((p) => p.name))
		.toEqual(['cnnWidth', 'learningRate']);
	const file = await draftFile(page);
	expect(file.fixed.cnnDepth).toBe(2);
	expect(file.fixed.depth).toBeUndefined();

	// Back to the MLP: this time drop them.
	await page.getByTestId('draft-model').selectOption('mlp');
	await page.getByTestId('drop-model-keys').click();
	await expect(offer).toHaveCount(0);
	await expect.poll(async () => (await draftFile(page)).params.map((p) => p.name)).toEqual(['learningRate']);
	expect((await draftFile(page)).fixed.cnnDepth).toBeUndefined();
});

test('renaming a parameter keeps its type, values and range', async ({ page }) => {
	await page.goto('/design');
	await expect(page.getByTestId('draft-json')).toBeVisible();
	const before = (await draftFile(page)).params.find((p) => p.name === 'learningRate')!;
	expect(before).toMatchObject({ type: 'float', scale: 'log' });
	const editor = page.getByTestId('param-editor').nth(1);
	await editor.getByTestId('param-name').selectOption('weightDecay');
	await expect
		.poll(async () => (await draftFile(page)).params[1])
		.toEqual({ ...before, name: 'weightDecay' });
});

test('a study designed from another does not inherit its notes unless asked', async ({ page }) => {
	await openLab(page);
	const study = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	study.name = 'Notes source';
	study.notes = 'Trial 3 diverged because of the old data loader.';
	await importStudy(page, study);
	await expect(page.getByTestId('study-name')).toHaveText('Notes source');
	const id = new URL(page.url()).searchParams.get('id')!;
	await page.goto(`/design?from=${encodeURIComponent(id)}`);
	await expect(page.getByTestId('design-notice')).toContainText(
		'Started from “Notes source”. Its notes stay with it.'
	);
	await expect(page.getByTestId('draft-name')).toHaveValue('Notes source');
	expect((await draftFile(page)).notes).toBeUndefined();
	await page.getByTestId('copy-source-notes').click();
	await expect.poll(async () => (await draftFile(page)).notes).toBe(study.notes);
});

test('/schedules shows the cooldown a wsd run really draws, not "off"', async ({ page }) => {
	await page.goto('/schedules');
	await page.getByTestId('preview-schedule').selectOption('wsd');
	// 10,000 steps and the default fraction 0.2: the last 2000 steps cool down.
	await expect(page.getByTestId('preview-cooldown-steps')).toHaveAttribute(
		'placeholder',
		'2000 (from the fraction)'
	);
	await expect(page.getByTestId('preview-cooldown-fraction')).toHaveAttribute('placeholder', '0.2 (default)');
	await expect(page.getByTestId('schedule-summary')).toHaveText(
		'Drawn: wsd from 0.003, warmup 500 steps, cooldown the last 2000 steps (20%, linear) to 0 × the rate; branch from step 6000 for 2000 steps, 1-sqrt to 0 × the rate.'
	);
	await page.getByTestId('preview-cooldown-steps').fill('1500');
	await expect(page.getByTestId('preview-cooldown-fraction')).toHaveAttribute(
		'placeholder',
		'0.15 (from the steps)'
	);
	await expect(page.getByTestId('schedule-summary')).toContainText(
		'cooldown the last 1500 steps (15%, linear)'
	);
});
