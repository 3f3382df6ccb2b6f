// The scaling-law procedure with a learning rate per size read from an earlier study: an imported,
// recorded study of digits widths × learning rates gives each width its best completed trial's rate; a
// width it never completed is named before anything is created, and the study that runs trains each
// width at its own rate (read back from the export).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { importStudy, openLab } from './helpers';

const STEPS = 60;

/** A recorded trial of the CLI fixture's study whose validation loss bottoms out at `best`. */
function trial(index: number, hiddenWidth: number, learningRate: number, status: string, best: number) {
	const evals = [0, 30, 60].map((step) => ({
		step,
		valLoss: step === 30 ? best : best + 0.5,
		valAccuracy: 0.5
	}));
	return {
		index,
		params: { hiddenWidth, learningRate },
		config: {
			dataset: 'digits',
			model: 'mlp',
			hiddenWidth,
			depth: 1,
			batchSize: 64,
			maxTrainSteps: STEPS,
			evalEvery: 30,
			seed: index + 1,
			backend: 'auto',
			optimizer: 'sgd',
			learningRate,
			schedule: 'constant'
		},
		seed: index + 1,
		status,
		metrics: { train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] }, evals }
	};
}

test('scaling law with each width’s best learning rate from an earlier study', async ({ page }) => {
	test.setTimeout(240_000);
	const earlier = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	// Width 32 is best at 0.01 (loss 1.0 against 1.2), width 64 at 0.003 (0.9; its rate-50 trial
	// diverged and is not completed); width 128 has no completed trial.
	earlier.name = 'Widths × rates, recorded';
	earlier.trials = [
		trial(0, 32, 0.003, 'completed', 1.2),
		trial(1, 32, 0.01, 'completed', 1.0),
		trial(2, 64, 0.003, 'completed', 0.9),
		trial(3, 64, 50, 'infeasible', 0.1),
		trial(4, 128, 0.01, 'infeasible', 0.2)
	];
	await openLab(page);
	await importStudy(page, earlier);
	await expect(page.getByTestId('study-name')).toHaveText('Widths × rates, recorded');

	await page.goto('/procedures');
	const section = page.getByTestId('scaling-law');
	await section.getByTestId('sl-backend').selectOption('wasm');
	await section.getByTestId('sl-sizes').fill('32, 64, 128');
	await section.getByTestId('sl-rate-tuned').check();
	await section.getByTestId('sl-rate-study').selectOption({ index: 1 });
	await expect(section.getByTestId('sl-rate-study').locator('option')).toHaveCount(2);
	await section.getByTestId('sl-warmup').fill('5');
	await section.getByTestId('sl-steps').fill('40');
	// Two branch points spanning 2×: steps 20 and 40.
	await section.getByTestId('sl-points').fill('2');
	await section.getByTestId('sl-span').fill('2');
	await section.getByTestId('run-scaling-law').click();
	await expect(section.getByTestId('sl-problems')).toContainText(
		'the earlier study “Widths × rates, recorded” has no completed trial with a valLoss at hiddenWidth 128'
	);
	await expect(section.getByTestId('sl-study-link')).toHaveCount(0);
	// Nothing was created: no scaling study is offered to reopen.
	await expect(section.getByTestId('sl-earlier')).toHaveCount(0);

	await section.getByTestId('sl-sizes').fill('32, 64');
	await section.getByTestId('run-scaling-law').click();
	await expect(section.getByTestId('sl-points-count')).toContainText('4 points from 2 model sizes', {
		timeout: 180_000
	});
	await section.getByTestId('sl-study-link').click();
	await expect(page.getByTestId('study-status')).toHaveText('finished');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const file = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
	expect(file.search.algorithm).toBe('quasi-random');
	const rates = (file.trials as { config: { hiddenWidth: number; learningRate: number } }[])
		.map((t) => [t.config.hiddenWidth, t.config.learningRate])
		.sort((a, b) => a[0]! - b[0]!);
	expect(rates).toEqual([
		[32, 0.01],
		[64, 0.003]
	]);
});
