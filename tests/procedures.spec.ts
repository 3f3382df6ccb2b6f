// The Procedures page end to end: the throughput probe and the trial variance procedure run on wasm,
// show their results, and leave ordinary studies behind in the list on the first page.
import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

test('throughput probe: digits MLP on wasm, batch 8–64, table, suggestion and a study left behind', async ({
	page
}) => {
	await page.goto('/procedures');
	const probe = page.getByTestId('throughput-probe');
	await expect(probe.getByTestId('probe-workload')).toContainText('digits · mlp');
	await probe.getByTestId('probe-backend').selectOption('wasm');
	await probe.getByTestId('probe-min-exponent').fill('3');
	await probe.getByTestId('probe-max-exponent').fill('6');
	await probe.getByTestId('probe-steps').fill('60');
	await probe.getByTestId('run-probe').click();
	await expect(probe.getByTestId('probe-suggestion')).toContainText('Suggested batch size', {
		timeout: 90_000
	});

	const rows = probe.getByTestId('probe-row');
	await expect(rows).toHaveCount(4);
	const measured = await rows.evaluateAll((trs) =>
		trs.map((tr) => ({
			batch: Number(tr.getAttribute('data-batch-size')),
			examplesPerSecond: Number(tr.getAttribute('data-examples-per-second')),
			cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim())
		}))
	);
	expect(measured.map((r) => r.batch)).toEqual([8, 16, 32, 64]);
	for (const row of measured) expect(row.examplesPerSecond).toBeGreaterThan(0);
	console.log('probe rows', JSON.stringify(measured.map((r) => r.cells)));
	await expect(probe.getByTestId('probe-plot')).toBeVisible();
	const studyName = (await probe.getByTestId('probe-study-link').textContent())!.trim();
	expect(studyName).toContain('Throughput probe: digits mlp, batch 8–64 on wasm');

	await page.getByRole('link', { name: 'Tuning Lab' }).click();
	await expect(page.getByTestId('study-list')).toContainText(studyName);
	await expect(page.getByTestId('study-list').locator('li', { hasText: studyName })).toContainText(
		'finished'
	);
});

test('trial variance: three seeds of a study trial give mean ± sd, a study, and an adopt reading', async ({
	page
}) => {
	await openLab(page);
	const budget = { maxTrainSteps: 40, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 1 };
	await importStudy(page, twoTrialStudy('Variance source', budget, 0.05));
	await expect(page.getByTestId('study-name')).toHaveText('Variance source');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 60_000 });
	const sourceId = new URL(page.url()).searchParams.get('id')!;

	const runVariance = async (trial: number) => {
		await page.goto(`/procedures?study=${encodeURIComponent(sourceId)}&trial=${trial}`);
		const section = page.getByTestId('trial-variance');
		await expect(section.getByTestId('variance-trial')).toHaveValue(String(trial));
		await section.getByTestId('variance-seeds').fill('3');
		await section.getByTestId('variance-backend').selectOption('wasm');
		await section.getByTestId('run-variance').click();
		await expect(section.getByTestId('variance-mean-sd')).toHaveText(/^\d+\.\d+ ± \d+\.\d+$/, {
			timeout: 60_000
		});
		await expect(section.getByTestId('variance-row')).toHaveCount(3);
		console.log(`variance of trial ${trial}:`, await section.getByTestId('variance-summary').textContent());
		return (await section.getByTestId('variance-study-link').textContent())!.trim();
	};
	const baseline = await runVariance(0);
	const candidate = await runVariance(1);
	expect(candidate).toBe('Trial variance: trial 1 of “Variance source”');

	const section = page.getByTestId('trial-variance');
	await section.getByTestId('adopt-baseline').selectOption({ label: baseline });
	await section.getByTestId('adopt-candidate').selectOption({ label: candidate });
	await section.getByTestId('run-adopt').click();
	await expect(section.getByTestId('adopt-stats')).toContainText('t =');
	await expect(section.getByTestId('adopt-reading')).toHaveAttribute(
		'data-verdict',
		/adopt|lean-adopt|no-difference|keep-baseline/
	);
	console.log('adopt:', await section.getByTestId('adopt-stats').textContent());
	console.log('reading:', await section.getByTestId('adopt-reading').textContent());

	await page.getByRole('link', { name: 'Tuning Lab' }).click();
	await expect(page.getByTestId('study-list')).toContainText(baseline);
	await expect(page.getByTestId('study-list')).toContainText(candidate);
});
