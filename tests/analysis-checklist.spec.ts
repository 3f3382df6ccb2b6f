import { expect, test } from '@playwright/test';
import { analyzeStudy } from '../src/lib/analysis/checklist';
import { syntheticStudy, type SyntheticTrial } from '../src/lib/testing/synthetic-study';
import { serializeStudy } from '../src/lib/study/study-file';
import type { Study } from '../src/lib/study/study';
import { importStudy, openLab } from './helpers';

// A crafted study with results, built from formulas: twelve 300-step trials over learning rates
// 1e-4…1e-1 whose quality peaks at the top of the range (boundary), whose validation loss climbs after
// a third of the run while the training loss keeps falling (overfitting), and one trial (3) that clips
// two of every three steps (aggressive-clipping).
function craftedStudy(): Study {
	const T = 300;
	const trials = Array.from({ length: 12 }, (_, i): SyntheticTrial => {
		const learningRate = 10 ** (-4 + (3 * (i + 0.5)) / 12);
		const penalty = 1 + 0.1 * (Math.log10(learningRate) + 1) ** 2;
		return {
			params: { learningRate, weightDecay: 10 ** (-4 + (4 * (((i * 5) % 12) + 0.5)) / 12) },
			trainLoss: (t) => penalty * (0.2 + 2.1 * Math.exp(-t / 100)),
			valLoss: (t) => penalty * (0.5 + 1.8 * Math.exp(-t / 30) + 1.5 * Math.max(0, t / T - 0.35)),
			...(i === 3 ? { gradNorm: (s: number) => 1 + (s % 3), clipAt: 1.5 } : {})
		};
	});
	return { ...syntheticStudy(trials, { maxTrainSteps: T, evalEvery: 25 }), name: 'Crafted checklist study' };
}

test('the checklist lists the findings of an imported study and drafts the next study from one', async ({
	page
}) => {
	const study = craftedStudy();
	const expected = analyzeStudy(study).map((f) => f.id);
	expect(expected).toEqual(expect.arrayContaining(['boundary', 'overfitting', 'aggressive-clipping']));

	await openLab(page);
	await importStudy(page, serializeStudy(study), 'crafted.study.json');
	await expect(page.getByTestId('study-name')).toHaveText('Crafted checklist study');
	await page.getByTestId('open-analysis').click();

	// The page computes the same findings, in the same order, in its worker.
	const checklist = page.getByTestId('checklist');
	await expect(checklist.getByTestId('finding')).toHaveCount(expected.length);
	const shown = await checklist
		.getByTestId('finding')
		.evaluateAll((items) => items.map((item) => item.getAttribute('data-finding-id')));
	expect(shown).toEqual(expected);
	await expect(checklist.locator('[data-finding-id="boundary"]')).toContainText(
		'Identifying bad search space boundaries'
	);

	// An evidence button picks the trial the stability panel shows.
	const stability = page.getByTestId('stability-panel');
	await expect(stability.getByTestId('grad-norm-histogram')).toBeVisible();
	await expect(stability.getByTestId('histogram-marker')).toBeVisible();
	await checklist
		.locator('[data-finding-id="aggressive-clipping"]')
		.getByRole('button', { name: 'Show trial 3' })
		.click();
	await expect(stability.getByTestId('stability-trial')).toHaveValue('3');
	await expect(stability.getByTestId('clipped-fraction')).toHaveAttribute('data-aggressive', 'true');
	await expect(stability.getByTestId('clipped-fraction')).toContainText('66.7%');

	// "Create next study" stores the draft with the learning-rate range one decade wider and opens it.
	const boundary = checklist.locator('[data-finding-id="boundary"][data-parameter="learningRate"]');
	await boundary.getByTestId('create-next-study').focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/study\?id=/);
	await expect(page.getByTestId('study-name')).toHaveText('Crafted checklist study · wider learningRate');
	await expect(page.getByTestId('study-goal')).toContainText('upper edge');
	const id = new URL(page.url()).searchParams.get('id');
	const stored = await page.evaluate(async (studyId) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('tuning-lab');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const record = await new Promise<{ imported: boolean; definition: Study }>((resolve, reject) => {
			const request = db.transaction('studies').objectStore('studies').get(studyId!);
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		db.close();
		return record;
	}, id);
	expect(stored.imported).toBe(false);
	expect(stored.definition.params[0]).toMatchObject({ name: 'learningRate', min: 1e-4, max: 1 });
	expect(stored.definition.params[1]).toMatchObject({ name: 'weightDecay', min: 1e-4, max: 1 });
	expect(stored.definition.trials).toEqual([]);
	await expect(page.getByTestId('study-trial-row')).toHaveCount(study.search.trials);
});
