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
	await expect(page.getByTestId('study-list').locator('tr', { hasText: studyName })).toContainText(
		'finished'
	);
});

test('throughput probe: a batch that runs out of memory is reported, and the lab trains again afterwards', async ({
	page
}) => {
	// A transformer over 512 characters with 16 heads: at batch 512 one attention-score tensor alone is
	// 512·16·512·512 floats = 8.6 GB, far past the 4 GB a wasm module can address, so tfjs-wasm runs out of
	// memory on the first step, a real failure, not a simulated one. After it the wasm instance answers
	// every call with "memory access out of bounds", so the worker must be replaced for training to go on.
	await openLab(page);
	await page.getByTestId('dataset-picker').selectOption('moby-dick');
	await page.getByTestId('model-picker').selectOption('transformer');
	await page.getByTestId('context-length').fill('512');
	await page.getByTestId('n-head').fill('16');
	await page.getByRole('link', { name: 'Procedures' }).click();
	const probe = page.getByTestId('throughput-probe');
	await expect(probe.getByTestId('probe-workload')).toContainText('moby-dick · transformer');
	await probe.getByTestId('probe-backend').selectOption('wasm');
	await probe.getByTestId('probe-min-exponent').fill('9');
	await probe.getByTestId('probe-max-exponent').fill('10');
	await probe.getByTestId('probe-steps').fill('60');
	await probe.getByTestId('run-probe').click();
	await expect(probe.getByTestId('probe-failure')).toContainText(
		'Batch 512 failed: out of memory on the wasm backend',
		{ timeout: 90_000 }
	);
	const rows = probe.getByTestId('probe-row');
	await expect(rows).toHaveCount(2);
	await expect(rows.nth(0)).toHaveAttribute('data-status', 'failed');
	await expect(rows.nth(1)).toHaveAttribute('data-status', 'cancelled');
	await expect(rows.nth(1)).toContainText('the probe stops at the first batch size that fails (batch 512)');
	console.log('failure:', await probe.getByTestId('probe-failure').textContent());

	// The same study runner (and its worker slot) now trains an ordinary study to the end.
	await page.getByRole('link', { name: 'Tuning Lab' }).click();
	const budget = { maxTrainSteps: 40, evalEvery: 20, checkpointEvery: 40, keepBestCheckpoints: 1 };
	await importStudy(page, twoTrialStudy('After the failure', budget));
	await expect(page.getByTestId('study-name')).toHaveText('After the failure');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 60_000 });
	await expect(page.locator('[data-testid="study-trial-row"][data-status="completed"]')).toHaveCount(2);
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
		// The seed with the best value is marked, once.
		await expect(section.locator('[data-testid="variance-row"][data-best="true"]')).toHaveCount(1);
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
