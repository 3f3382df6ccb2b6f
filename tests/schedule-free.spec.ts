import { expect, test } from '@playwright/test';
import { configureShortTrial, openLab, readStoredMetrics, runTrialAndWait } from './helpers';

test('a schedule-free AdamW trial trains on digits (wasm): its validation loss falls and it saves the average', async ({
	page
}) => {
	await openLab(page);
	await configureShortTrial(page, 'wasm', 120, 30);
	await page.getByTestId('optimizer-picker').selectOption('schedule-free-adamw');
	await expect(page.getByTestId('schedule-free-hint')).toBeVisible();
	await page.getByTestId('learning-rate').fill('0.005');
	await page.getByTestId('schedule-picker').selectOption('constant');
	await page.getByLabel('Warmup steps').fill('10');
	const id = await runTrialAndWait(page, 120_000);

	const metrics = await readStoredMetrics(page, id);
	expect(metrics.evals.map((e) => e.step)).toEqual([0, 30, 60, 90, 120]);
	const losses = metrics.evals.map((e) => e.valLoss);
	// Ten digit classes start near ln 10 ≈ 2.30 nats; the average must have learned well below that.
	expect(losses[0]!).toBeGreaterThan(2);
	expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
	expect(metrics.evals.at(-1)!.valAccuracy).toBeGreaterThan(0.7);

	// What the worker stored: the optimizer's keys, and a checkpoint holding x as the weights with z, v
	// and Σγ² beside them (read straight from IndexedDB).
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
		const checkpoints = await get<
			{
				step: number;
				state: {
					params: Float32Array[];
					optimizer: { slots: Record<string, Float32Array[]>; rateSquaredSum?: number };
				};
			}[]
		>('checkpoints', IDBKeyRange.bound([trialId, -Infinity], [trialId, Infinity]));
		db.close();
		const last = checkpoints.at(-1)!;
		const x = last.state.params[0]!;
		const z = last.state.optimizer.slots.z![0]!;
		return {
			config: trial!.config,
			step: last.step,
			slots: Object.keys(last.state.optimizer.slots).sort(),
			rateSquaredSum: last.state.optimizer.rateSquaredSum,
			gapXZ: Math.max(...Array.from(x, (v, i) => Math.abs(v - z[i]!)))
		};
	}, id);
	expect(stored.config).toMatchObject({
		optimizer: 'schedule-free-adamw',
		learningRate: 0.005,
		warmupSteps: 10
	});
	expect(stored.config).not.toHaveProperty('momentum');
	expect(stored.step).toBe(120);
	expect(stored.slots).toEqual(['v', 'z']);
	// Σγ² over 120 updates with γ ≤ 0.005: positive and at most 120 · 0.005².
	expect(stored.rateSquaredSum).toBeGreaterThan(0);
	expect(stored.rateSquaredSum).toBeLessThanOrEqual(120 * 0.005 ** 2);
	// The saved weights are the average x, not the base sequence z.
	expect(stored.gapXZ).toBeGreaterThan(1e-4);
});
