import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers';

const FIXTURE = 'tests/fixtures/cli-run-digits.study.json';
const STEPS = 100;
const EVAL_EVERY = 10;

/** A recorded trial whose validation loss is lowest, and accuracy highest, at `bestStep` (evaluations every 10 steps). */
function trial(index: number, bestStep: number, status: string) {
	const evals = [];
	for (let step = 0; step <= STEPS; step += EVAL_EVERY) {
		evals.push({
			step,
			valLoss: 1 + Math.abs(step - bestStep) / STEPS,
			valAccuracy: 0.9 - Math.abs(step - bestStep) / (10 * STEPS)
		});
	}
	return {
		index,
		params: { hiddenWidth: 32, learningRate: 0.01 },
		config: {
			dataset: 'digits',
			model: 'mlp',
			hiddenWidth: 32,
			depth: 1,
			batchSize: 64,
			maxTrainSteps: STEPS,
			evalEvery: EVAL_EVERY,
			seed: index + 1,
			backend: 'auto',
			optimizer: 'sgd',
			learningRate: 0.01,
			schedule: 'constant'
		},
		seed: index + 1,
		status,
		metrics: { train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] }, evals }
	};
}

/** The fixture's study with recorded results: four completed trials (three late) and one infeasible. */
function studyWithResults(name: string, metric: 'valLoss' | 'valAccuracy') {
	const study = JSON.parse(readFileSync(FIXTURE, 'utf8'));
	return JSON.stringify({
		...study,
		name,
		objective: { metric, goal: metric === 'valLoss' ? 'minimize' : 'maximize' },
		budget: { ...study.budget, maxTrainSteps: STEPS, evalEvery: EVAL_EVERY },
		trials: [
			trial(0, 80, 'completed'),
			trial(1, 90, 'completed'),
			trial(2, 100, 'completed'),
			trial(3, 20, 'completed'),
			trial(4, 10, 'infeasible')
		]
	});
}

async function importStudy(page: Page, text: string) {
	await page
		.getByTestId('study-file-input')
		.setInputFiles({ name: 'study.json', mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('the best-step report reads an imported study: most best steps late, so train longer', async ({
	page
}) => {
	await openLab(page);
	await importStudy(page, studyWithResults('Best steps: late', 'valLoss'));
	await expect(page.getByTestId('study-name')).toHaveText('Best steps: late');

	const report = page.getByTestId('best-step-report');
	await expect(report.getByTestId('best-step-count')).toHaveText('4');
	await expect(report.getByTestId('best-step-excluded')).toHaveText('1 infeasible');
	await expect(report.getByTestId('best-step-reading')).toHaveAttribute('data-reading', 'train-longer');
	await expect(report.getByTestId('best-step-reading')).toContainText(
		'Deciding how long to train when training is not compute-bound'
	);
	await expect(report.getByTestId('best-step-flagged').getByRole('button')).toHaveText(['#0', '#1', '#2']);

	const chart = report.getByTestId('best-step-histogram');
	await expect(chart).toHaveAttribute('aria-label', /^Best steps of 4 completed trials/);
	await expect(chart).toHaveAttribute('aria-label', /0 in the first 10%, 3 in the last 25%\.$/);
	const counts = await chart
		.locator('rect.bar')
		.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
	expect(counts).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 2]);

	// A flagged trial opens its curves.
	await report.getByTestId('best-step-flagged').getByRole('button', { name: '#2' }).click();
	await expect(page.getByRole('heading', { name: 'Trial 2: completed' })).toBeVisible();
});

test('for a valAccuracy study the report reads where the best accuracy was reached', async ({ page }) => {
	await openLab(page);
	await importStudy(page, studyWithResults('Best steps: accuracy', 'valAccuracy'));
	await expect(page.getByTestId('study-name')).toHaveText('Best steps: accuracy');

	const report = page.getByTestId('best-step-report');
	await expect(report.getByTestId('best-step-objective')).toContainText('valAccuracy');
	await expect(report.getByTestId('best-step-count')).toHaveText('4');
	await expect(report.getByTestId('best-step-reading')).toHaveAttribute('data-reading', 'train-longer');
	const counts = await report
		.getByTestId('best-step-histogram')
		.locator('rect.bar')
		.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
	expect(counts).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 2]);
	// The trial table shows each trial's best accuracy and its step.
	const third = page.locator('[data-testid="study-trial-row"][data-index="2"]');
	await expect(third.getByTestId('best-at-step')).toHaveText('100');
	await expect(third.getByTestId('best-value')).toHaveText('0.9');
});
