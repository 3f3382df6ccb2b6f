import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, test } from '@playwright/test';
import { loadDataset } from '../src/lib/datasets/load-dataset';
import {
	configureShortTrial,
	importStudy,
	openLab,
	readStoredMetrics,
	runStudyOnWasm,
	runTrialAndWait,
	twoTrialStudy
} from './helpers';

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

/** Mean cross-entropy (nats) and top-1 accuracy of logits [n, classes] against labels [n]. */
function score(logits: tf.Tensor, labels: ArrayLike<number>, classes: number) {
	return tf.tidy(() => {
		const flat = logits.reshape([-1, classes]);
		const y = tf.tensor1d(Array.from(labels), 'int32');
		const nll = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y, classes), tf.logSoftmax(flat)), 1)));
		const correct = tf.mean(tf.cast(tf.equal(tf.argMax(flat, 1), y), 'float32'));
		return { loss: nll.dataSync()[0]!, accuracy: correct.dataSync()[0]! };
	});
}

test('checkpoint averaging (issue 21, item 2): a finished schedule-free trial averages its kept checkpoints, and the averaged model scores as the lab says', async ({
	page
}) => {
	const dir = mkdtempSync(join(tmpdir(), 'tuning-lab-average-'));
	try {
		const study = twoTrialStudy('Checkpoint average', {
			maxTrainSteps: 120,
			evalEvery: 40,
			checkpointEvery: 40,
			keepBestCheckpoints: 3
		});
		study.fixed = {
			optimizer: 'schedule-free-adamw',
			learningRate: 0.005,
			schedule: 'constant',
			warmupSteps: 10
		};
		study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32] }];
		(study.search as { trials: number }).trials = 1;
		await openLab(page);
		await importStudy(page, study);
		await runStudyOnWasm(page);
		await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });
		await page.locator('[data-testid="study-trial-row"][data-index="0"]').click();

		const panel = page.getByTestId('checkpoint-average');
		await panel.getByTestId('average-run').click();
		await expect(panel.getByTestId('average-row')).toContainText('average of steps 40, 80, 120');
		// Beside the raw score of the best checkpoint.
		await expect(panel.getByTestId('average-result')).toContainText('raw (best, step');
		await panel.getByTestId('average-from').fill('80');
		await panel.getByTestId('average-run').click();
		await expect(panel.getByTestId('average-row')).toContainText('average of steps 80, 120');
		const cells = await panel.getByTestId('average-row').locator('td').allTextContents();
		const shownLoss = Number(cells[1]);
		expect(shownLoss).toBeGreaterThan(0);
		expect(shownLoss).toBeLessThan(1.5);
		await panel.getByTestId('average-from').fill('130');
		await panel.getByTestId('average-run').click();
		await expect(panel.getByRole('alert')).toContainText(
			'no kept checkpoint lies in steps 130–∞ (kept: 40, 80, 120)'
		);

		// The averaged model of steps 80 and 120, loaded outside the lab, scores what the lab showed.
		await panel.getByTestId('average-from').fill('80');
		await panel.getByTestId('average-run').click();
		await expect(panel.getByTestId('average-row')).toContainText('average of steps 80, 120');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			panel.getByTestId('average-download').click()
		]);
		expect(download.suggestedFilename()).toMatch(/-average-steps80-120\.tfjs\.zip$/);
		const zipPath = join(dir, 'model.zip');
		await download.saveAs(zipPath);
		const unzip = spawnSync(
			'python3',
			['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipPath, dir],
			{ encoding: 'utf8' }
		);
		expect(unzip.status, unzip.stderr).toBe(0);
		const readme = readFileSync(join(dir, 'README.md'), 'utf8');
		expect(readme).toContain('the uniform average of kept checkpoints of this trial');
		const storedLoss = Number(readme.match(/validation loss \(cross-entropy, nats\): (\S+)/)![1]);
		expect(Math.abs(storedLoss - shownLoss)).toBeLessThan(1e-4); // the table shows 4 decimals

		const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
		const weights = readFileSync(join(dir, 'weights.bin'));
		await tf.setBackend('cpu');
		const model = await tf.loadLayersModel(
			tf.io.fromMemory({
				modelTopology: modelJson.modelTopology,
				weightSpecs: modelJson.weightsManifest[0].weights,
				weightData: new Uint8Array(weights).buffer
			})
		);
		const data = await loadDataset(
			'digits',
			async (path: string) => new Uint8Array(readFileSync(join('static', path.replace(/^\//, ''))))
		);
		if (data.kind !== 'classification') throw new Error('digits should be a classification dataset');
		const x = tf.tensor2d(data.val.inputs, [data.val.count, data.features]);
		const logits = model.predict(x) as tf.Tensor;
		const { loss } = score(logits, data.val.labels, data.classes);
		tf.dispose([x, logits]);
		model.dispose();
		expect(Math.abs(loss - storedLoss)).toBeLessThan(1e-4);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
