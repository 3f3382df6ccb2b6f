import { expect, test } from '@playwright/test';
import { importStudy, openLab, twoTrialStudy } from './helpers';

// A study that starts says at once what it is doing; per-trial bars never read "0/0"; the ETA appears
// once steps were trained (its smoothing is unit-tested in src/lib/runner/eta.spec.ts).
test('a starting study says what it does from the first second, and its bars never read 0/0', async ({
	page
}) => {
	test.setTimeout(240_000);
	await openLab(page);
	const study = twoTrialStudy('Feedback study', {
		// Long enough (a few seconds even when auto batches both trials on the compiled engine) that the
		// once-a-second ETA sampling sees steps trained.
		maxTrainSteps: 8000,
		evalEvery: 2000,
		checkpointEvery: 4000,
		keepBestCheckpoints: 1
	});
	study.fixed.engine = 'auto';
	study.fixed.backend = 'wasm';
	await importStudy(page, study);
	await expect(page.getByTestId('study-trial-row')).toHaveCount(2);
	await page.getByTestId('concurrency').fill('1');
	// Record every text the run shows, from before the click to the end, in the page itself.
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { seen: string[] }).seen = seen;
		const read = () => {
			for (const sel of ['[data-testid="study-activity"]', '.running li', '[data-testid="study-progress"]']) {
				for (const el of Array.from(document.querySelectorAll(sel)))
					seen.push(el.textContent!.replace(/\s+/g, ' ').trim());
			}
		};
		new MutationObserver(read).observe(document.body, {
			subtree: true,
			childList: true,
			characterData: true
		});
	});
	const started = Date.now();
	await page.getByTestId('run-study').click();
	await expect(page.getByTestId('study-activity')).toHaveText('Measuring backends for mlp on digits…');
	expect(Date.now() - started, 'the first words came late').toBeLessThan(2_000);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 200_000 });
	const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
	expect(seen.filter((t) => /\b0\s*\/\s*0\b/.test(t))).toEqual([]);
	// The running trial's line, before and after its first step.
	expect(seen.some((t) => /^trial \d+: \d+\/8000/.test(t))).toBe(true);
	// The study line gained an ETA from measured throughput while the trials trained.
	expect(seen.some((t) => /about (\d+ s|\d+ min \d\d s) left/.test(t))).toBe(true);
});
