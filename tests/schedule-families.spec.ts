import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

// The schedule-family comparison end to end on digits (wasm), kept short: 2 trials per family, 40
// steps. It must fill every view: the time-to-target table (checked against the exported study,
// recomputed here from its evaluations), the best curves of the four families, the isolation plot of
// the family, and the per-family learning-rate isolation panels.
interface ExportedEval {
	step: number;
	valLoss: number | null;
}
interface ExportedTrial {
	index: number;
	status: string;
	params: { family?: string; learningRate?: number };
	config: { optimizer: string; schedule: string; cooldownShape?: string };
	metrics?: { evals: ExportedEval[] };
	branches?: { fromStep: number; length: number; status: string; metrics?: { evals: ExportedEval[] } }[];
}

test('schedule-family comparison on digits: every view filled, time to target as recomputed', async ({
	page
}) => {
	test.setTimeout(240_000);
	await page.goto('/procedures');
	const section = page.getByTestId('schedule-families');
	await section.getByTestId('families-backend').selectOption('wasm');
	await section.getByTestId('families-trials').fill('2');
	await section.getByTestId('families-steps').fill('40');
	await section.getByTestId('run-families').click();
	const result = section.getByTestId('families-result');
	await expect(result).toBeVisible({ timeout: 200_000 });

	// Time to target: one row per family, each with a finite time at the suggested target (the worst
	// family's best, which every family reaches).
	const rows = result.getByTestId('families-time-row');
	await expect(rows).toHaveCount(4);
	const target = Number(await result.getByTestId('families-target').inputValue());
	expect(Number.isFinite(target) && target > 0).toBe(true);
	const shown = Object.fromEntries(
		await rows.evaluateAll((trs) =>
			trs.map((tr) => [tr.getAttribute('data-family'), Number(tr.getAttribute('data-steps'))])
		)
	) as Record<string, number>;
	expect(Object.keys(shown)).toEqual(['cosine', 'wsd', 'constant', 'schedule-free-adamw']);
	console.log(
		`time to target ${target}:`,
		await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ')))
	);

	// Recompute from the exported study: per family, the fewest steps any finished trial needed before a
	// validation loss at or below the target (a constant trial's branch counts, at its own steps).
	const studyLink = result.getByTestId('families-study');
	await studyLink.click();
	await expect(page.getByTestId('study-status')).toHaveText('finished');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-study').click();
	const file = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { trials: ExportedTrial[] };
	expect(file.trials).toHaveLength(8);
	const expected: Record<string, number> = {};
	for (const trial of file.trials) {
		const family = trial.params.family!;
		const fam = trial.config;
		// Each trial is configured as its family.
		if (family === 'schedule-free-adamw')
			expect([fam.optimizer, fam.schedule]).toEqual(['schedule-free-adamw', 'constant']);
		else expect(fam.optimizer).toBe('adam');
		if (family === 'wsd') expect([fam.schedule, fam.cooldownShape]).toEqual(['wsd', '1-sqrt']);
		// Only the constant trials were branched, once, from their last step (40) for 20% (8 steps).
		if (family === 'constant') {
			expect(trial.branches?.map((b) => [b.fromStep, b.length, b.status])).toEqual([[40, 8, 'completed']]);
			expect(Math.min(...trial.branches![0]!.metrics!.evals.map((e) => e.step))).toBeGreaterThan(40);
		} else expect(trial.branches ?? []).toEqual([]);
		if (trial.status !== 'completed' && trial.status !== 'infeasible') continue;
		const evals = [
			...(trial.metrics?.evals ?? []),
			...(trial.branches ?? []).flatMap((b) => b.metrics?.evals ?? [])
		];
		const reached = evals.filter((e) => e.valLoss !== null && e.valLoss <= target).map((e) => e.step);
		const steps = reached.length > 0 ? Math.min(...reached) : Infinity;
		expected[family] = Math.min(expected[family] ?? Infinity, steps);
	}
	expect(shown).toEqual(expected);
	for (const value of Object.values(shown)) expect(Number.isFinite(value)).toBe(true);
	// The analysis page links a family study to its result page, which opens it again from the database.
	await page.getByTestId('open-analysis').click();
	await page.getByTestId('families-results-link').click();
	const again = page.getByTestId('schedule-families');
	const reopened = again.getByTestId('families-result');
	await expect(reopened.getByTestId('families-time-row')).toHaveCount(4);
	expect(
		Object.fromEntries(
			await reopened
				.getByTestId('families-time-row')
				.evaluateAll((trs) =>
					trs.map((tr) => [tr.getAttribute('data-family'), Number(tr.getAttribute('data-steps'))])
				)
		)
	).toEqual(expected);

	// The best curve of every family on one chart, the constant family's branch dashed after it.
	const curves = reopened.getByTestId('family-curves');
	await expect(curves.locator('path.line:not(.branch)')).toHaveCount(4);
	await expect(curves.locator('path.branch')).toHaveCount(1);
	await expect(curves.locator('path.branch')).toHaveAttribute('data-family', 'constant');
	await expect(curves.getByTestId('family-target')).toHaveCount(1);
	const svg = page.waitForEvent('download');
	await curves.getByTestId('export-svg').click();
	const svgFile = await svg;
	expect(svgFile.suggestedFilename()).toBe('family-best-curves.svg');
	expect(readFileSync(await svgFile.path(), 'utf8')).toContain('schedule-free-adamw (trial #');

	// The isolation plot of the family: one best point per family.
	const isolation = reopened.getByTestId('families-isolation');
	await expect(isolation.getByTestId('isolation-plot')).toHaveAttribute('data-param', 'family');
	await expect(isolation.locator('circle.best')).toHaveCount(4);

	// Each family's learning-rate isolation plot, side by side: four panels, two finished trials in each.
	const panels = reopened.getByTestId('family-isolation-panel');
	await expect(panels).toHaveCount(4);
	for (let k = 0; k < 4; k++) await expect(panels.nth(k).locator('circle.best')).not.toHaveCount(0);
	const counts = await panels.evaluateAll((gs) =>
		gs.map((g) =>
			[...g.querySelectorAll('text.count')].reduce((n, t) => {
				// "n=2" or "n=1 ×1": trials with a value, then infeasible ones.
				const m = /n=(\d+)(?: ×(\d+))?/.exec(t.textContent ?? '');
				return n + Number(m?.[1] ?? 0) + Number(m?.[2] ?? 0);
			}, 0)
		)
	);
	expect(counts).toEqual([2, 2, 2, 2]);

	// On a phone held upright the result page does not scroll sideways (wide plots and the table
	// scroll inside their own boxes).
	await page.setViewportSize({ width: 390, height: 844 });
	const extra = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(extra).toBeLessThanOrEqual(0);

	// A stricter target that only part of the trials reach changes the table.
	await reopened.getByTestId('families-target').fill('0.0001');
	await expect(reopened.getByTestId('families-time-row').first()).toContainText('not reached');
});
