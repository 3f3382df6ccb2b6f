import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers';

interface DraftFile {
	search: { trials: number };
	params: { name: string; scale?: string }[];
}

async function draftFile(page: Page): Promise<DraftFile> {
	return JSON.parse(await page.getByTestId('draft-json').inputValue()) as DraftFile;
}

test('design a study: form and file stay in step, errors are named, the preview plans it, save queues it', async ({
	page
}) => {
	await openLab(page);
	await page.getByTestId('design-study').click();
	await expect(page).toHaveURL(/\/design$/);
	const json = page.getByTestId('draft-json');
	await expect(json).toBeVisible();

	// A preset replaces the draft.
	await page.getByTestId('design-preset').selectOption('adam-by-budget');
	await expect(page.getByTestId('draft-name')).toHaveValue('Adam, 20 trials');
	await expect.poll(async () => (await draftFile(page)).search.trials).toBe(20);
	const names = (await draftFile(page)).params.map((p) => p.name);
	expect(names).toEqual(['learningRate', 'beta1']);

	// Editing the form re-renders the file.
	await page.getByTestId('draft-trials').fill('12');
	await expect.poll(async () => (await draftFile(page)).search.trials).toBe(12);
	await expect(page.getByTestId('design-status')).toHaveText('Valid: 12 trials.');

	// A broken file is named by path; the form keeps its last valid values.
	const valid = await json.inputValue();
	const broken = JSON.parse(valid) as DraftFile;
	broken.params[0]!.scale = 'cubic';
	broken.search.trials = 99;
	await json.fill(JSON.stringify(broken, null, '\t'));
	const textErrors = page.getByTestId('draft-json-errors');
	await expect(textErrors).toContainText('$.params[0].scale');
	await expect(textErrors).toContainText('cubic');
	await expect(page.getByTestId('draft-json-state')).toContainText('the form keeps its last valid values');
	await expect(page.getByTestId('draft-trials')).toHaveValue('12');
	await expect(page.getByTestId('param-scale').first()).toHaveValue('log');
	await expect(page.getByTestId('design-save')).toBeDisabled();
	await expect(page.getByTestId('preview-row')).toHaveCount(12);

	// Fixing the text brings the form along (here: its trial count), and the errors go.
	broken.params[0]!.scale = 'log';
	broken.search.trials = 10;
	await json.fill(JSON.stringify(broken, null, '\t'));
	await expect(textErrors).toHaveCount(0);
	await expect(page.getByTestId('draft-trials')).toHaveValue('10');
	await page.getByTestId('draft-trials').fill('12');
	await expect.poll(async () => (await draftFile(page)).search.trials).toBe(12);

	// The preview lists every trial and draws one point per trial in the single pair.
	await expect(page.getByTestId('preview-row')).toHaveCount(12);
	await expect(page.getByTestId('pair-panel')).toHaveCount(1);
	await expect(page.getByTestId('pair-plot').locator('circle')).toHaveCount(12);

	// Form errors are shown beside their fields and in the list.
	await page.getByTestId('param-max').first().fill('0.00001');
	await expect(page.getByTestId('design-problems')).toContainText('$.params[0].max');
	await expect(page.getByTestId('param-editor').first()).toContainText('greater than min');
	await expect(page.getByTestId('design-save')).toBeDisabled();
	await page.getByTestId('param-max').first().fill('0.1');
	await expect(page.getByTestId('design-problems')).toHaveCount(0);

	// Saving lands on the study page with every trial queued.
	await expect(page.getByTestId('design-save')).toBeEnabled();
	await page.getByTestId('design-save').click();
	await expect(page).toHaveURL(/\/study\?id=/);
	await expect(page.getByTestId('study-name')).toHaveText('Adam, 20 trials');
	await expect(page.getByTestId('study-trial-row')).toHaveCount(12);
	const statuses = await page
		.getByTestId('study-trial-row')
		.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
	expect(new Set(statuses)).toEqual(new Set(['queued']));

	// The saved study can be the start of the next design.
	const id = new URL(page.url()).searchParams.get('id');
	await page.goto(`/design?from=${id}`);
	await expect(page.getByTestId('draft-name')).toHaveValue('Adam, 20 trials');
	await expect(page.getByTestId('draft-trials')).toHaveValue('12');
	await expect(page.getByTestId('design-notice')).toContainText('Started from');
});

test('conditional parameters: points are left out of pairs where a parameter is inactive', async ({
	page
}) => {
	await page.goto('/design');
	await page.getByTestId('design-preset').selectOption('optimizer-comparison');
	await expect(page.getByTestId('design-status')).toHaveText('Valid: 24 trials.');
	// optimizer, learningRate (one per optimizer) and momentum (Nesterov only): three pairs.
	await expect(page.getByTestId('pair-panel')).toHaveCount(3);
	const counts = await page
		.getByTestId('pair-panel')
		.evaluateAll((panels) => panels.map((svg) => svg.querySelectorAll('circle').length));
	// optimizer × learningRate: all 24; the pairs with momentum: the 12 Nesterov trials.
	expect(counts).toEqual([24, 12, 12]);
	// Axis titles in words from the one vocabulary, "(log)" on the log-scaled rate (issue 24, item 3).
	const titles = await page
		.getByTestId('pair-panel')
		.evaluateAll((panels) =>
			panels.map((svg) => [...svg.querySelectorAll('text.axis-label')].map((t) => t.textContent))
		);
	expect(titles).toEqual([
		['optimizer', 'learning rate (log)'],
		['optimizer', 'momentum'],
		['learning rate (log)', 'momentum']
	]);
	// Tick labels of one axis never overlap (each box against every other on the same axis).
	const overlaps = await page.getByTestId('pair-panel').evaluateAll((panels) =>
		panels.flatMap((svg) =>
			[...svg.querySelectorAll('.axis-bottom, .axis-left')].flatMap((axis) => {
				const boxes = [...axis.querySelectorAll(':scope > .tick text')].map((t) => ({
					text: t.textContent,
					box: t.getBoundingClientRect()
				}));
				const out: string[] = [];
				for (let i = 0; i < boxes.length; i++)
					for (let j = i + 1; j < boxes.length; j++) {
						const a = boxes[i]!.box;
						const b = boxes[j]!.box;
						if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
							out.push(`${boxes[i]!.text} / ${boxes[j]!.text}`);
					}
				return out;
			})
		)
	);
	expect(overlaps).toEqual([]);
	await expect(page.getByTestId('preview-row')).toHaveCount(24);
});

test('opening a study file loads it into the draft, or lists its problems', async ({ page }) => {
	await page.goto('/design');
	await expect(page.getByTestId('draft-json')).toBeVisible();
	const text = await page.getByTestId('draft-json').inputValue();
	const file = JSON.parse(text) as DraftFile & { name: string };
	file.name = 'From a file';
	await page.getByTestId('design-file-input').setInputFiles({
		name: 'mine.study.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(file))
	});
	await expect(page.getByTestId('draft-name')).toHaveValue('From a file');
	await page.getByTestId('design-file-input').setInputFiles({
		name: 'bad.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{ "format": "tuning-lab.study", ')
	});
	await expect(page.getByTestId('draft-json-errors')).toContainText(/invalid JSON at line 1/);
	await expect(page.getByTestId('draft-name')).toHaveValue('From a file');
});
