// Model export (issue 10, item 5) end to end: train a short study trial with EMA in the lab, press
// "Download model" for its best checkpoint's EMA weights, then load the downloaded files with
// tf.loadLayersModel in Node, outside the lab, and score them on the validation split: the loss and
// accuracy must be the ones the lab stored for those weights at that step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, test } from '@playwright/test';
import { loadDataset } from '../src/lib/datasets/load-dataset';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

test('a trial checkpoint downloads as a model that tf.loadLayersModel loads and that scores as in the lab', async ({
	page
}) => {
	const dir = mkdtempSync(join(tmpdir(), 'tuning-lab-model-'));
	try {
		const study = twoTrialStudy('Model export', {
			maxTrainSteps: 120,
			evalEvery: 40,
			checkpointEvery: 40,
			keepBestCheckpoints: 1
		});
		study.fixed.emaDecay = 0.9;
		await openLab(page);
		await importStudy(page, study);
		await runStudyOnWasm(page);
		await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 120_000 });

		await page.locator('[data-testid="study-trial-row"][data-index="0"]').click();
		const panel = page.getByTestId('model-export');
		await expect(panel.getByTestId('model-export-step')).toContainText('(best)');
		await panel.getByTestId('model-export-weights').selectOption('ema');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			panel.getByTestId('download-model').click()
		]);
		expect(download.suggestedFilename()).toMatch(/-step\d+-ema\.tfjs\.zip$/);
		const zipPath = join(dir, 'model.zip');
		await download.saveAs(zipPath);

		// Unpacked by Python's zipfile, an implementation independent of the lab's writer.
		const unzip = spawnSync(
			'python3',
			['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipPath, dir],
			{ encoding: 'utf8' }
		);
		expect(unzip.status, unzip.stderr).toBe(0);
		const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
		const weights = readFileSync(join(dir, 'weights.bin'));
		const readme = readFileSync(join(dir, 'README.md'), 'utf8');
		expect(readme).toContain('with the exponential moving average (EMA) of the weights');
		const storedLoss = Number(readme.match(/validation loss \(cross-entropy, nats\): (\S+)/)![1]);
		const storedAccuracy = Number(readme.match(/validation accuracy: (\S+)/)![1]);

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
			async (path) => new Uint8Array(readFileSync(join('static', path.replace(/^\//, ''))))
		);
		if (data.kind !== 'classification') throw new Error('digits should be a classification dataset');
		const { loss, accuracy } = tf.tidy(() => {
			const x = tf.tensor2d(data.val.inputs, [data.val.count, data.features]);
			const labels = tf.tensor1d(data.val.labels, 'int32');
			const logits = model.predict(x) as tf.Tensor2D;
			const nll = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, data.classes), tf.logSoftmax(logits)), 1)));
			const correct = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
			return { loss: nll.dataSync()[0]!, accuracy: correct.dataSync()[0]! };
		});
		model.dispose();
		expect(Math.abs(loss - storedLoss)).toBeLessThan(1e-4);
		expect(Math.abs(accuracy - storedAccuracy)).toBeLessThan(1e-6);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
