// Sharing studies (issue 10, items 2 and 3): imported history is read-only and clones to re-run;
// names and notes with markup are shown as text; `/?study=` opens a same-origin file or a study carried
// in the link, without duplicating it, and refuses other hosts.
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, storedTrials, twoTrialStudy } from './helpers';

const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Shared <b>width</b> study';
const HOSTILE_NOTES = '<script>window.__pwned=2</script><svg onload="window.__pwned=3"></svg>';
const HOSTILE_TRIAL_NOTES = '<iframe src="javascript:window.__pwned=4"></iframe> looks best';

/** The default digits study with two recorded trials, and markup in every free-text field. */
function sharedStudyText(): string {
	const study = JSON.parse(readFileSync('static/studies/default-digits.study.json', 'utf8'));
	const trial = (index: number, hiddenWidth: number, learningRate: number, final: number) => ({
		index,
		params: { hiddenWidth, learningRate },
		config: {
			dataset: 'digits',
			model: 'mlp',
			hiddenWidth,
			depth: 1,
			batchSize: 64,
			maxTrainSteps: 300,
			evalEvery: 25,
			seed: 100 + index,
			backend: 'wasm',
			optimizer: 'adam',
			learningRate,
			schedule: 'constant'
		},
		seed: 100 + index,
		status: 'completed',
		backend: 'wasm',
		metrics: {
			train: {
				step: [0, 1, 2],
				loss: [2.3, 2.1, 1.9],
				lr: [learningRate, learningRate, learningRate],
				gradNorm: [1, 1, 1],
				clipped: [0, 0, 0]
			},
			evals: [
				{ step: 0, valLoss: 2.3, valAccuracy: 0.1 },
				{ step: 300, valLoss: final, valAccuracy: 0.8 }
			]
		},
		...(index === 0 ? { notes: HOSTILE_TRIAL_NOTES } : {})
	});
	study.name = HOSTILE_NAME;
	study.notes = HOSTILE_NOTES;
	study.conclusion = '<b>wider</b> wins';
	study.changedBaseline = false;
	study.trials = [trial(0, 32, 0.01, 0.5), trial(1, 128, 0.003, 0.4)];
	return JSON.stringify(study, null, '\t');
}

async function importFile(page: Page, name: string, text: string) {
	await page
		.getByTestId('study-file-input')
		.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** No markup from the file became an element, and none of its scripts ran. */
async function expectNoInjectedMarkup(page: Page) {
	const injected = await page.evaluate(() => ({
		pwned: (window as unknown as { __pwned?: number }).__pwned,
		elements: document.querySelectorAll('img[src="x"], iframe, [onload], [onerror]').length,
		scripts: Array.from(document.scripts).filter((s) => s.text.includes('__pwned')).length
	}));
	expect(injected).toEqual({ pwned: undefined, elements: 0, scripts: 0 });
}

test('an imported study shows markup as text, is read-only, and clones to a study to re-run', async ({
	page
}) => {
	await openLab(page);
	const text = sharedStudyText();
	await importFile(page, 'shared.study.json', text);

	await expect(page.getByTestId('study-name')).toHaveText(HOSTILE_NAME);
	await expect(page.getByTestId('study-name').locator('*')).toHaveCount(0);
	await expect(page.getByTestId('study-notes')).toHaveValue(HOSTILE_NOTES);
	await expect(page.getByTestId('read-only-badge')).toContainText('Imported history, read-only.');
	await expect(page.getByTestId('study-notes')).toHaveAttribute('readonly', '');
	await expect(page.getByTestId('run-study')).toHaveCount(0);
	await expectNoInjectedMarkup(page);
	const importedUrl = page.url();

	// The trial's notes travel with the file, also shown as text and read-only.
	await page.getByTestId('study-trial-row').first().click();
	await expect(page.getByTestId('trial-notes')).toHaveValue(HOSTILE_TRIAL_NOTES);
	await expect(page.getByTestId('trial-notes')).toHaveAttribute('readonly', '');
	await expectNoInjectedMarkup(page);

	// The first page lists it as text too; importing the same file again opens the same copy.
	await openLab(page);
	const listed = page.getByTestId('study-list').getByRole('link', { name: HOSTILE_NAME, exact: true });
	await expect(listed).toHaveCount(1);
	await expect(page.getByTestId('study-list')).toContainText('imported, read-only');
	await expectNoInjectedMarkup(page);
	await importFile(page, 'again.study.json', text);
	await expect(page.getByTestId('study-name')).toHaveText(HOSTILE_NAME);
	expect(page.url()).toBe(importedUrl);
	await openLab(page);
	await expect(listed).toHaveCount(1);

	// Clone to re-run: a new, ordinary study with the same design and every trial queued. Its notes start
	// empty unless asked for (issue 24, item 5): the source's notes describe the source's results.
	await listed.click();
	await expect(page.getByTestId('clone-copy-notes')).not.toBeChecked();
	await expect(page.getByTestId('clone-notes-hint')).toHaveText(
		'The clone starts with empty notes; these stay with this study.'
	);
	await page.getByRole('button', { name: 'Clone to re-run' }).click();
	await expect(page.getByTestId('study-name')).toHaveText(`${HOSTILE_NAME} (re-run)`);
	await expect(page.getByTestId('study-notes')).toHaveValue('');
	expect(page.url()).not.toBe(importedUrl);
	await expect(page.getByTestId('read-only-badge')).toHaveCount(0);
	await expect(page.getByTestId('run-study')).toHaveText('Run study');
	const statuses = await page
		.getByTestId('study-trial-row')
		.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
	expect(statuses).toEqual(Array(6).fill('queued'));
	await expectNoInjectedMarkup(page);
	const firstCloneUrl = page.url();

	// Ticked, the notes travel into a second clone, still as text.
	await page.goto(importedUrl);
	await page.getByTestId('clone-copy-notes').check();
	await expect(page.getByTestId('clone-notes-hint')).toHaveText('The clone starts with these notes.');
	await page.getByRole('button', { name: 'Clone to re-run' }).click();
	await expect(page.getByTestId('study-name')).toHaveText(`${HOSTILE_NAME} (re-run)`);
	expect(page.url()).not.toBe(firstCloneUrl);
	expect(page.url()).not.toBe(importedUrl);
	await expect(page.getByTestId('study-notes')).toHaveValue(HOSTILE_NOTES);
	await expect(page.getByTestId('study-notes')).not.toHaveAttribute('readonly', '');
	await expectNoInjectedMarkup(page);
});

test('/?study= opens a same-origin study file after confirming, and a second visit adds no copy', async ({
	page
}) => {
	await page.goto('/?study=/studies/default-digits.study.json');
	const preview = page.getByTestId('study-link-preview');
	await expect(preview).toContainText('/studies/default-digits.study.json');
	await expect(page.getByTestId('study-link-name')).toHaveText('Digits MLP: hidden width');
	await expect(preview).toContainText('6 trials, none run yet');
	// Nothing is stored before the confirmation.
	await expect(page.getByTestId('study-list')).toHaveCount(0);
	await page.getByTestId('study-link-import').click();
	await expect(page.getByTestId('study-name')).toHaveText('Digits MLP: hidden width');
	await expect(page.getByTestId('run-study')).toHaveText('Run study');
	const firstUrl = page.url();

	await page.goto('/?study=/studies/default-digits.study.json');
	await expect(preview).toContainText('already holds this study');
	await page.getByTestId('study-link-open').click();
	await expect(page.getByTestId('study-name')).toHaveText('Digits MLP: hidden width');
	expect(page.url()).toBe(firstUrl);
	await page.goto('/');
	await expect(
		page.getByTestId('study-list').getByRole('link', { name: 'Digits MLP: hidden width' })
	).toHaveCount(1);
});

test('/?study= refuses other hosts without contacting them', async ({ page }) => {
	const contacted: string[] = [];
	page.on('request', (request) => {
		if (!request.url().startsWith('http://127.0.0.1')) contacted.push(request.url());
	});
	await page.goto(`/?study=${encodeURIComponent('https://example.com/evil.study.json')}`);
	const problems = page.getByTestId('study-link-problems');
	await expect(problems).toContainText('points at another site (example.com)');
	await expect(problems).toContainText('must not make the lab fetch from hosts you did not choose');
	expect(contacted).toEqual([]);
	await problems.getByRole('button', { name: 'Dismiss' }).click();
	await expect(problems).toHaveCount(0);
	expect(new URL(page.url()).search).toBe('');
});

test('a study carried in the link, or pasted, imports as history once', async ({ page }) => {
	const text = sharedStudyText();
	await page.goto(`/?study=${encodeURIComponent(text)}`);
	await expect(page.getByTestId('study-link-preview')).toContainText('this link');
	await expect(page.getByTestId('study-link-name')).toHaveText(HOSTILE_NAME);
	await expect(page.getByTestId('study-link-preview')).toContainText('2 trials with results');
	await expectNoInjectedMarkup(page);
	await page.getByTestId('study-link-import').click();
	await expect(page.getByTestId('read-only-badge')).toBeVisible();
	const fromLink = page.url();

	await openLab(page);
	await page.getByTestId('paste-study-toggle').click();
	await page.getByTestId('paste-study-text').fill(text);
	await page.getByTestId('paste-study-import').click();
	await expect(page.getByTestId('study-name')).toHaveText(HOSTILE_NAME);
	expect(page.url()).toBe(fromLink);

	// A broken paste says what is wrong and where, and saves nothing.
	await openLab(page);
	await page.getByTestId('paste-study-toggle').click();
	await page.getByTestId('paste-study-text').fill(text.replace('"completed"', '"exploded"'));
	await page.getByTestId('paste-study-import').click();
	await expect(page.getByTestId('import-problems')).toContainText('nothing was saved');
	await expect(page.getByTestId('import-problems')).toContainText('$.trials[0].status: expected one of');
	await expect(page.getByTestId('study-list').getByRole('link')).toHaveCount(1);
});

test('a study shared with its best checkpoints imports elsewhere with those checkpoints', async ({
	page,
	browser
}) => {
	await openLab(page);
	await importStudy(
		page,
		twoTrialStudy('Shared with checkpoints', {
			maxTrainSteps: 20,
			evalEvery: 10,
			checkpointEvery: 10,
			keepBestCheckpoints: 1
		})
	);
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	await page.getByTestId('share-trials').fill('1');
	const downloads: Download[] = [];
	page.on('download', (d) => downloads.push(d));
	await page.getByTestId('export-with-checkpoints').click();
	await expect.poll(() => downloads.length).toBe(2);
	const files = await Promise.all(
		downloads.map(async (d) => ({
			name: d.suggestedFilename(),
			buffer: readFileSync((await d.path())!)
		}))
	);
	expect(files.map((f) => f.name).sort()).toEqual([
		'Shared-with-checkpoints.checkpoints.json',
		'Shared-with-checkpoints.study.json'
	]);
	const checkpoints = JSON.parse(files.find((f) => f.name.endsWith('.checkpoints.json'))!.buffer.toString());
	expect(checkpoints.checkpoints).toHaveLength(1);

	// Another browser profile: both files chosen at once (checkpoints first, to show the order is handled).
	const other = await browser.newContext();
	const elsewhere = await other.newPage();
	await openLab(elsewhere);
	await elsewhere.getByTestId('study-file-input').setInputFiles(
		[...files]
			.sort((a) => (a.name.endsWith('.checkpoints.json') ? -1 : 1))
			.map((f) => ({
				name: f.name,
				mimeType: 'application/json',
				buffer: f.buffer
			}))
	);
	await expect(elsewhere.getByTestId('study-name')).toHaveText('Shared with checkpoints');
	await expect(elsewhere.getByTestId('read-only-badge')).toBeVisible();
	const stored = await storedTrials(elsewhere);
	const withCheckpoint = stored.filter((t) => t.checkpoints.length > 0);
	expect(withCheckpoint.map((t) => [t.index, t.checkpoints.map((c) => c.step)])).toEqual([
		[checkpoints.checkpoints[0].index, [checkpoints.checkpoints[0].step]]
	]);
	await other.close();
});
