// Model export (issue 10, item 5) end to end: train a short study trial in the lab, press "Download
// model" for its best checkpoint, then load the downloaded files in Node, outside the lab (with
// tf.loadLayersModel for an MLP, tf.loadGraphModel for the transformer), and score them on the
// validation split: the loss and accuracy must be the ones the lab stored for those weights at that step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, test, type Page } from '@playwright/test';
import { loadDataset } from '../src/lib/datasets/load-dataset';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

const readStatic = async (path: string) =>
	new Uint8Array(readFileSync(join('static', path.replace(/^\//, ''))));

/** Mean cross-entropy (nats) and top-1 accuracy of logits [n, classes] against labels [n]. */
function score(
	logits: tf.Tensor,
	labels: ArrayLike<number>,
	classes: number
): { loss: number; accuracy: number } {
	return tf.tidy(() => {
		const flat = logits.reshape([-1, classes]);
		const y = tf.tensor1d(Array.from(labels), 'int32');
		const nll = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y, classes), tf.logSoftmax(flat)), 1)));
		const correct = tf.mean(tf.cast(tf.equal(tf.argMax(flat, 1), y), 'float32'));
		return { loss: nll.dataSync()[0]!, accuracy: correct.dataSync()[0]! };
	});
}

/** Presses "Download model" for trial 0's best checkpoint and unpacks the ZIP into `dir`. */
async function downloadBestModel(page: Page, dir: string, weights: 'raw' | 'ema'): Promise<string> {
	await page.locator('[data-testid="study-trial-row"][data-index="0"]').click();
	const panel = page.getByTestId('model-export');
	await expect(panel.getByTestId('model-export-step')).toContainText('(best)');
	await panel.getByTestId('model-export-weights').selectOption(weights);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		panel.getByTestId('download-model').click()
	]);
	expect(download.suggestedFilename()).toMatch(new RegExp(`-step\\d+-${weights}\\.tfjs\\.zip$`));
	const zipPath = join(dir, 'model.zip');
	await download.saveAs(zipPath);
	// Unpacked by Python's zipfile, an implementation independent of the lab's writer.
	const unzip = spawnSync(
		'python3',
		['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipPath, dir],
		{ encoding: 'utf8' }
	);
	expect(unzip.status, unzip.stderr).toBe(0);
	return readFileSync(join(dir, 'README.md'), 'utf8');
}

/** The validation loss and accuracy the lab stored for the exported weights (the README quotes them). */
function storedMetrics(readme: string): { loss: number; accuracy: number } {
	return {
		loss: Number(readme.match(/validation loss \(cross-entropy, nats\): (\S+)/)![1]),
		accuracy: Number(readme.match(/validation accuracy: (\S+)/)![1])
	};
}

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

		const readme = await downloadBestModel(page, dir, 'ema');
		expect(readme).toContain('with the exponential moving average (EMA) of the weights');
		const stored = storedMetrics(readme);
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
		const data = await loadDataset('digits', readStatic);
		if (data.kind !== 'classification') throw new Error('digits should be a classification dataset');
		const x = tf.tensor2d(data.val.inputs, [data.val.count, data.features]);
		const logits = model.predict(x) as tf.Tensor;
		const { loss, accuracy } = score(logits, data.val.labels, data.classes);
		tf.dispose([x, logits]);
		model.dispose();
		expect(Math.abs(loss - stored.loss)).toBeLessThan(1e-4);
		expect(Math.abs(accuracy - stored.accuracy)).toBeLessThan(1e-6);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('a transformer checkpoint downloads as a graph model that tf.loadGraphModel loads from a URL and that scores as in the lab', async ({
	page
}) => {
	test.setTimeout(300_000);
	const dir = mkdtempSync(join(tmpdir(), 'tuning-lab-graph-'));
	const contextLength = 32;
	const study = twoTrialStudy('Transformer export', {
		maxTrainSteps: 60,
		evalEvery: 30,
		checkpointEvery: 30,
		keepBestCheckpoints: 1
	});
	study.workload = { dataset: 'moby-dick', model: 'transformer' };
	study.fixed = {
		optimizer: 'adam',
		schedule: 'constant',
		batchSize: 16,
		contextLength,
		nHead: 2,
		nLayer: 1
	};
	study.params = [{ name: 'dModel', role: 'scientific', type: 'discrete', values: [16] }];
	(study.search as { trials: number }).trials = 1;
	// The unpacked folder behind a static server: the model loads by URL, as its README says.
	const server = createServer((request, response) => {
		const name = (request.url ?? '').slice(1);
		if (['model.json', 'weights.bin', 'vocabulary.json'].includes(name))
			response.end(readFileSync(join(dir, name)));
		else response.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await openLab(page);
		await importStudy(page, study);
		await runStudyOnWasm(page);
		await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 240_000 });
		const readme = await downloadBestModel(page, dir, 'raw');
		expect(readme).toContain('tf.loadGraphModel');
		const stored = storedMetrics(readme);

		await tf.setBackend('cpu');
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const model = await tf.loadGraphModel(`${base}/model.json`);
		const vocabulary = (await (await fetch(`${base}/vocabulary.json`)).json()) as string[];
		const data = await loadDataset('moby-dick', readStatic);
		if (data.kind !== 'text') throw new Error('moby-dick should be a text dataset');
		expect(vocabulary).toEqual(data.vocab);
		// The lab scores the non-overlapping windows of the first 32,768 validation characters (+1 for
		// the last target): window w reads characters [wT, wT + T) and predicts [wT + 1, wT + T].
		const windows = Math.floor((Math.min(data.val.length, 32_768 + 1) - 1) / contextLength);
		const x = data.val.slice(0, windows * contextLength);
		const y = data.val.slice(1, windows * contextLength + 1);
		const tokens = tf.tensor2d(x, [windows, contextLength], 'int32');
		const logits = model.execute({ tokens }) as tf.Tensor;
		const { loss, accuracy } = score(logits, y, vocabulary.length);
		tf.dispose([tokens, logits]);
		model.dispose();
		console.log(
			`exported transformer in Node: loss ${loss} (lab ${stored.loss}), accuracy ${accuracy} (lab ${stored.accuracy})`
		);
		// Trained, not the uniform guess (ln 83 = 4.42 nats): the weights really came through.
		expect(loss).toBeLessThan(Math.log(vocabulary.length) - 0.5);
		expect(Math.abs(loss - stored.loss)).toBeLessThan(1e-4);
		// The lab scored on wasm, this on cpu: a near tie in argmax may fall the other way for a label or two.
		expect(Math.abs(accuracy - stored.accuracy)).toBeLessThan(3 / (windows * contextLength));
	} finally {
		server.close();
		rmSync(dir, { recursive: true, force: true });
	}
});
