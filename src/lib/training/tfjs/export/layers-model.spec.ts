import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { createCnn } from '../models/cnn';
import { exportLayersModel, type ExportInput } from './layers-model';
import { modelReadme } from './readme';
import { crc32, zipStored } from '../../export/zip';
import { availableWeights, weightsOf } from '../../export/weights';
import type { TrialCheckpoint } from '../../checkpoint-data';
import { createMlp } from '../models/mlp';
import type { Model } from '../models/model';
import { createEma } from '../weight-averaging';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

/** Loads the exported files the way a user's code does: model.json parsed, weights.bin as its bytes. */
async function loadExported(files: { modelJson: string; weights: Uint8Array }): Promise<tf.LayersModel> {
	const json = JSON.parse(files.modelJson) as {
		format: string;
		modelTopology: object;
		weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
	};
	expect(json.format).toBe('layers-model');
	expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
	const bytes = files.weights.slice().buffer;
	return tf.loadLayersModel(
		tf.io.fromMemory({
			modelTopology: json.modelTopology,
			weightSpecs: json.weightsManifest[0]!.weights,
			weightData: bytes
		})
	);
}

function saved(model: Model) {
	return { paramNames: model.paramNames, params: model.params.map((p) => p.dataSync() as Float32Array) };
}

/** The largest absolute difference between two equally long arrays. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	expect(a.length).toBe(b.length);
	let worst = 0;
	for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
	return worst;
}

/** EMA weights after two updates: 0.5·(first) + 0.5·(second), through the lab's own averager. */
function emaWeights(model: Model): { paramNames: string[]; params: Float32Array[] } {
	const ema = createEma(0.5);
	const state = ema.init(model.params);
	ema.update(model.params, state, 1);
	const shifted = model.params.map((p) =>
		tf.tidy(() => tf.add(p, tf.randomNormal(p.shape, 0, 0.1, 'float32', 7)))
	);
	ema.update(shifted, state, 2);
	const params = state.average.map((v) => v.dataSync() as Float32Array);
	tf.dispose([...shifted, ...state.average]);
	return { paramNames: model.paramNames, params };
}

async function expectSamePredictions(
	config: TrialConfig,
	input: ExportInput,
	lab: Model,
	x: tf.Tensor2D,
	weights = saved(lab)
) {
	// The lab's forward pass with these weights…
	lab.params.forEach((p, i) => p.assign(tf.tensor(weights.params[i]!, p.shape)));
	const expected = lab.forward(x, false).dataSync();
	// …and the exported model's, loaded back from its files.
	const files = await exportLayersModel(config, input, weights);
	const loaded = await loadExported(files);
	const fed = input.image ? x.reshape([-1, input.image.height, input.image.width, 1]) : x;
	const got = (loaded.predict(fed) as tf.Tensor).dataSync();
	expect(maxDiff(got, expected)).toBeLessThan(1e-5);
	loaded.dispose();
	return files;
}

describe('exportLayersModel', () => {
	it('writes a logistic regression whose logits match a hand calculation', async () => {
		const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, depth: 0 };
		// kernel [[1, -1], [2, 0.5]] (2 inputs × 2 classes), bias [0.5, -1]; x = [3, -2]:
		// logit0 = 3·1 + (−2)·2 + 0.5 = −0.5; logit1 = 3·(−1) + (−2)·0.5 − 1 = −5.
		const weights = {
			paramNames: ['output/kernel', 'output/bias'],
			params: [new Float32Array([1, -1, 2, 0.5]), new Float32Array([0.5, -1])]
		};
		const files = await exportLayersModel(config, { features: 2, classes: 2 }, weights);
		expect(files.inputShape).toEqual([2]);
		expect(files.weights.length).toBe(6 * 4); // six float32 values
		const model = await loadExported(files);
		expect(Array.from((model.predict(tf.tensor2d([[3, -2]])) as tf.Tensor).dataSync())).toEqual([-0.5, -5]);
	});

	it('matches the lab MLP on its raw and its EMA weights', async () => {
		const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, hiddenWidth: 16, depth: 2 };
		const input = { features: 64, classes: 10 };
		const lab = createMlp({ inputSize: 64, hiddenWidth: 16, depth: 2, classes: 10 }, 3);
		const x = tf.randomNormal([5, 64], 0, 1, 'float32', 11) as tf.Tensor2D;
		await expectSamePredictions(config, input, lab, x);
		await expectSamePredictions(config, input, lab, x, emaWeights(lab));
		lab.dispose();
	});

	it('matches the lab CNN (im2col conv, odd image sizes) on its raw and its EMA weights', async () => {
		const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, model: 'cnn', cnnWidth: 4, cnnDepth: 2 };
		// 9×7 images: both pools drop an odd row or column, as 'valid' pooling does.
		const input = { features: 63, classes: 3, image: { height: 9, width: 7 } };
		const lab = createCnn({ height: 9, width: 7, classes: 3, filters: 4, blocks: 2 }, 5);
		const x = tf.randomUniform([4, 63], 0, 1, 'float32', 13) as tf.Tensor2D;
		const files = await expectSamePredictions(config, input, lab, x);
		expect(files.inputShape).toEqual([9, 7, 1]);
		await expectSamePredictions(config, input, lab, x, emaWeights(lab));
		lab.dispose();
	});

	it('refuses weights that do not fit the architecture, naming the parameter', async () => {
		const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, depth: 0 };
		const weights = {
			paramNames: ['output/kernel', 'output/bias'],
			params: [new Float32Array(5), new Float32Array(2)]
		};
		await expect(exportLayersModel(config, { features: 2, classes: 2 }, weights)).rejects.toThrow(
			'parameter output/kernel has 5 values, the model needs 4'
		);
	});

	it('sends the transformer to the graph-model export', async () => {
		const config: TrialConfig = { ...DEFAULT_TRIAL_CONFIG, model: 'transformer' };
		await expect(
			exportLayersModel(
				config,
				{ features: 2, classes: 2 },
				saved(createMlp({ inputSize: 2, hiddenWidth: 2, depth: 0, classes: 2 }, 1))
			)
		).rejects.toThrow('the transformer has no Layers form');
	});
});

describe('zipStored', () => {
	it('computes the standard CRC-32 check value', () => {
		// The catalogued check value of CRC-32/ISO-HDLC for the ASCII digits 1…9.
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
	});

	it('writes an archive that Python’s zipfile reads back byte for byte', () => {
		const dir = mkdtempSync(join(tmpdir(), 'zip-'));
		try {
			const weights = new Uint8Array(1000).map((_, i) => (i * 37) % 256);
			const archive = zipStored([
				{ name: 'model.json', data: new TextEncoder().encode('{"a":1}') },
				{ name: 'weights.bin', data: weights },
				{ name: 'README.md', data: new TextEncoder().encode('# café\n') }
			]);
			writeFileSync(join(dir, 'm.zip'), archive);
			const script =
				'import sys, zipfile, json, hashlib\n' +
				'z = zipfile.ZipFile(sys.argv[1])\n' +
				'assert z.testzip() is None\n' +
				'print(json.dumps({i.filename: [i.file_size, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()}))';
			const run = spawnSync('python3', ['-c', script, join(dir, 'm.zip')], { encoding: 'utf8' });
			expect(run.stderr).toBe('');
			const listed = JSON.parse(run.stdout) as Record<string, [number, string]>;
			expect(Object.keys(listed)).toEqual(['model.json', 'weights.bin', 'README.md']);
			expect(listed['weights.bin']![0]).toBe(1000);
			expect(listed['README.md']![0]).toBe(8); // "# café\n" is 8 bytes in UTF-8
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('modelReadme', () => {
	it('names the weights, the step, the metrics of those weights and how to load the model', () => {
		const text = modelReadme({
			trialLabel: 'Trial 3',
			studyName: 'Widths',
			config: { ...DEFAULT_TRIAL_CONFIG, emaDecay: 0.99 },
			step: 200,
			weights: 'ema',
			evalRow: { step: 200, valLoss: 0.5, valAccuracy: 0.8, emaValLoss: 0.4, emaValAccuracy: 0.85 },
			inputShape: [64],
			classes: 10,
			exportedAt: new Date('2026-01-02T03:04:05Z')
		});
		expect(text).toContain('# Tuning Lab model: Trial 3 of “Widths”');
		expect(text).toContain('saved at step 200 of 300, with the exponential moving average');
		expect(text).toContain('- validation loss (cross-entropy, nats): 0.4');
		expect(text).toContain('- validation accuracy: 0.85');
		expect(text).not.toContain('0.5\n');
		expect(text).toContain("tf.loadLayersModel('http://localhost:8080/model.json')");
		expect(text).toContain('tf.zeros([1, 64])');
		expect(text).toContain('"emaDecay": 0.99');
	});
});

describe('weightsOf', () => {
	const checkpoint = {
		step: 40,
		paramNames: ['output/kernel', 'output/bias'],
		params: [new Float32Array([1, 2]), new Float32Array([3])],
		averagers: [
			{
				kind: 'ema' as const,
				state: { updates: 40, average: [new Float32Array([5, 6]), new Float32Array([7])] }
			},
			{ kind: 'swa' as const, state: { updates: 0, average: [new Float32Array(2), new Float32Array(1)] } }
		]
	} as unknown as TrialCheckpoint;

	it('gives the raw weights and every average that has sampled', () => {
		expect(availableWeights(checkpoint)).toEqual(['raw', 'ema']);
		expect(Array.from(weightsOf(checkpoint, 'raw').params[0]!)).toEqual([1, 2]);
		expect(Array.from(weightsOf(checkpoint, 'ema').params[1]!)).toEqual([7]);
	});

	it('refuses an average that has not sampled yet', () => {
		expect(() => weightsOf(checkpoint, 'swa')).toThrow('the checkpoint at step 40 holds no SWA weights');
	});
});
