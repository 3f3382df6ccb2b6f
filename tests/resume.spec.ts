import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, storedTrials, twoTrialStudy } from './helpers';

// One short study, run twice: once straight through, once cut off by a reload and resumed.
const resumableStudy = () =>
	twoTrialStudy('Resume after a closed tab', {
		maxTrainSteps: 1200,
		evalEvery: 100,
		checkpointEvery: 200,
		keepBestCheckpoints: 2
	});

async function importAndRun(page: Page) {
	await openLab(page);
	await importStudy(page, resumableStudy(), 'resume.json');
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await runStudyOnWasm(page);
}

test('a study cut off by a closed tab resumes from its checkpoints and matches an uninterrupted run exactly', async ({
	browser
}) => {
	const straight = await browser.newContext();
	const a = await straight.newPage();
	await importAndRun(a);
	await expect(a.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	const reference = await storedTrials(a);
	await straight.close();
	expect(reference.map((t) => t.status)).toEqual(['completed', 'completed']);
	// Latest (1200) plus the two best by validation loss are kept; the rest were dropped.
	expect(reference[0]!.checkpoints.length).toBeLessThanOrEqual(3);
	expect(reference[0]!.checkpoints.map((c) => c.step)).toContain(1200);

	const cut = await browser.newContext();
	const b = await cut.newPage();
	await importAndRun(b);
	// Wait for at least one checkpoint of trial 0, then close the page mid-trial.
	await expect
		.poll(async () => (await storedTrials(b))[0]!.checkpoints.length, { timeout: 60_000, intervals: [100] })
		.toBeGreaterThan(0);
	const before = (await storedTrials(b))[0]!;
	expect(before.status).toBe('running');
	expect(before.lastStep).toBeLessThan(1200);
	const studyUrl = b.url();
	await b.close();

	const c = await cut.newPage();
	await c.goto(studyUrl);
	await expect(c.getByTestId('study-status')).toHaveText('paused');
	await expect(c.locator('[data-testid="study-trial-row"][data-index="0"]')).toHaveAttribute(
		'data-status',
		'queued'
	);
	await c.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await c.getByTestId('run-study').click();
	await expect(c.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	const resumed = await storedTrials(c);
	await cut.close();

	for (const [i, trial] of resumed.entries()) {
		// Every step exactly once, and the same numbers as the run that was never interrupted.
		expect(trial.trainSteps).toEqual(Array.from({ length: 1200 }, (_, s) => s));
		expect(trial.trainLoss).toEqual(reference[i]!.trainLoss);
		expect(trial.evals).toEqual(reference[i]!.evals);
	}
});
