import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, storedTrials, twoTrialStudy } from './helpers';

test('a cooldown branch from a checkpoint, drawn over its trial; then the trial extended past its length', async ({
	page
}) => {
	const study = twoTrialStudy(
		'Branches',
		{ maxTrainSteps: 400, evalEvery: 50, checkpointEvery: 100, keepBestCheckpoints: 3 },
		0.02
	);
	await openLab(page);
	await importStudy(page, study);
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
	await expect(page.locator('[data-index="0"] [data-testid="best-checkpoint"]')).toContainText(/step \d+:/);

	await page.locator('[data-testid="study-trial-row"][data-index="0"]').click();
	await page.getByTestId('branch-from').selectOption('200');
	await page.getByTestId('branch-length').fill('100');
	await page.getByTestId('branch-panel').getByLabel('Shape').selectOption('linear');
	await page.getByTestId('start-branch').click();
	await expect(page.getByTestId('branch-list').locator('li')).toHaveAttribute('data-status', 'completed', {
		timeout: 60_000
	});
	await expect(page.locator('path[data-series="branch-0-train"]')).toHaveAttribute('d', /M.+L/);

	const trials = await storedTrials(page);
	const parent = trials.find((t) => t.index === 0 && !t.branch)!;
	const branch = trials.find((t) => t.branch)!;
	expect(branch.branch).toMatchObject({ fromStep: 200, length: 100 });
	expect(branch.trainSteps).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i));
	// Linear cooldown from the constant 0.02: 0.01 halfway, ~0 at the end.
	expect(branch.lr[0]).toBeCloseTo(0.02, 8);
	expect(branch.lr[50]).toBeCloseTo(0.01, 8);
	expect(branch.lr[99]).toBeCloseTo(0.0002, 8);
	// The branch starts from the same weights and data order: its first step's loss is the parent's.
	expect(branch.trainLoss[0]).toBe(parent.trainLoss[200]);

	await page.getByTestId('extend-to').fill('600');
	await page.getByTestId('extend-trial').click();
	await expect(page.locator('[data-testid="study-trial-row"][data-index="0"]')).toContainText('600/600', {
		timeout: 60_000
	});
	await expect(page.locator('[data-testid="study-trial-row"][data-index="0"]')).toHaveAttribute(
		'data-status',
		'completed'
	);
	const extended = (await storedTrials(page)).find((t) => t.id === parent.id)!;
	expect(extended.trainSteps).toEqual(Array.from({ length: 600 }, (_, i) => i));
	expect(extended.trainLoss.slice(0, 400)).toEqual(parent.trainLoss);
});

test('automatic cooldown branches run for every trial, travel in the export and come back on import', async ({
	page,
	browser
}) => {
	const study = twoTrialStudy(
		'Automatic branches',
		{ maxTrainSteps: 200, evalEvery: 50, checkpointEvery: 100, keepBestCheckpoints: 1 },
		0.02
	);
	study.cooldownBranches = { at: [0.3, 1], length: 0.25, shape: '1-sqrt' };
	await openLab(page);
	await importStudy(page, study);
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });

	const branches = (await storedTrials(page)).filter((t) => t.branch);
	// Two trials × branch points at steps 60 and 200, each 50 steps long.
	expect(branches.map((b) => [b.branch!.fromStep, b.branch!.length, b.status]).sort()).toEqual([
		[200, 50, 'completed'],
		[200, 50, 'completed'],
		[60, 50, 'completed'],
		[60, 50, 'completed']
	]);
	await page.locator('[data-testid="study-trial-row"][data-index="1"]').click();
	await expect(page.getByTestId('branch-list').locator('li')).toHaveCount(2);

	const downloadPromise = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const exported = readFileSync(await (await downloadPromise).path(), 'utf8');
	const file = JSON.parse(exported);
	expect(file.cooldownBranches).toEqual(study.cooldownBranches);
	expect(file.trials[0].branches.map((b: { fromStep: number }) => b.fromStep)).toEqual([60, 200]);
	expect(file.trials[0].branches[0].metrics.train.step[0]).toBe(60);

	const fresh = await browser.newContext();
	const other = await fresh.newPage();
	await openLab(other);
	await importStudy(other, exported, 'exported.json');
	await other.locator('[data-testid="study-trial-row"][data-index="0"]').click();
	await expect(other.getByTestId('branch-list').locator('li')).toHaveCount(2);
	await expect(other.locator('path[data-series="branch-1-train"]')).toHaveAttribute('d', /M.+L/);
	await fresh.close();
});
