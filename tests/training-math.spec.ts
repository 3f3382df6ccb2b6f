import { expect, test } from '@playwright/test';
import { configureShortTrial, newestTrialId, openLab } from './helpers';

test('a trial with warmup + cosine, clipping and EMA shows its learning rate, gradient norms and EMA loss', async ({
	page
}) => {
	await openLab(page);
	await configureShortTrial(page, 'wasm', 80, 40);
	await page.getByTestId('optimizer-picker').selectOption('momentum');
	await page.getByTestId('learning-rate').fill('0.05');
	await page.getByTestId('schedule-picker').selectOption('cosine');
	await page.getByLabel('Warmup steps').fill('20');
	await page.getByTestId('grad-clip').fill('0.5');
	await page.getByTestId('ema-decay').fill('0.9');
	await page.getByTestId('run').click();
	await expect(page.getByTestId('trial-row').first()).toHaveAttribute('data-status', 'completed', {
		timeout: 120_000
	});

	// What the worker stored is what the form asked for.
	const id = await newestTrialId(page);
	const stored = await page.evaluate(async (trialId) => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const get = <T>(store: string, query: IDBValidKey | IDBKeyRange) =>
			new Promise<T>((resolve) => {
				const r = db.transaction(store).objectStore(store).getAll(query);
				r.onsuccess = () => resolve(r.result as T);
			});
		const [trial] = await get<{ config: Record<string, unknown> }[]>('trials', trialId);
		const chunks = await get<
			{ train: { lr: number[]; clipped: number[] }; evals: { emaValLoss?: number }[] }[]
		>('metrics', IDBKeyRange.bound([trialId, -Infinity], [trialId, Infinity]));
		return {
			config: trial!.config,
			lr: chunks.flatMap((c) => c.train.lr),
			clipped: chunks.flatMap((c) => c.train.clipped),
			ema: chunks.flatMap((c) => c.evals).map((e) => e.emaValLoss)
		};
	}, id);
	expect(stored.config).toMatchObject({
		optimizer: 'momentum',
		schedule: 'cosine',
		warmupSteps: 20,
		gradClipNorm: 0.5
	});
	expect(stored.config).not.toHaveProperty('beta1'); // Adam's defaults do not leak into a momentum trial
	expect(stored.lr[10]).toBeCloseTo(0.025, 10); // halfway through the warmup
	expect(stored.lr[50]).toBeCloseTo(0.025, 10); // halfway through the cosine decay (steps 20..80)
	expect(stored.clipped).toContain(1);
	expect(stored.ema[0]).toBeUndefined();
	expect(stored.ema[1]).toBeGreaterThan(0);

	await expect(page.locator('[data-chart="Learning rate"] path[data-series="lr"]')).toHaveAttribute(
		'd',
		/M.+L/
	);
	await expect(page.locator('[data-chart="Gradient norm"] path[data-series="grad-norm"]')).toHaveAttribute(
		'd',
		/M.+L/
	);
	await expect(page.locator('[data-chart="Gradient norm"]')).toContainText(/clipped \(\d+ of 80 steps\)/);
	await expect(page.locator('[data-chart="Loss"] path[data-series="ema"]')).toHaveAttribute(
		'stroke-dasharray',
		'5 3'
	);
});

test('the schedule preview draws a cooldown branch over a constant run and rejects bad keys by name', async ({
	page
}) => {
	await page.goto('/schedules');
	await expect(page.locator('path[data-series="base"]')).toHaveAttribute('d', /M.+L/);
	await expect(page.locator('path[data-series="branch"]')).toHaveAttribute('d', /M.+L/);
	await expect(page.getByTestId('preview-command')).toContainText(`"schedule":"constant"`);
	await page.getByTestId('branch-start').fill('20000');
	await expect(page.getByTestId('preview-problems')).toContainText('branch start');
	await expect(page.locator('path[data-series="branch"]')).toHaveCount(0);
});
