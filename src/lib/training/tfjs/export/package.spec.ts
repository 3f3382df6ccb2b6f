import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeText } from '$lib/datasets/text-data';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { modelPackage } from './package';
import { createTransformer } from '../models/transformer';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

/** The archive's files as text, read back by Python's zipfile (independent of the lab's writer). */
function unzipText(archive: Uint8Array): Record<string, string> {
	const dir = mkdtempSync(join(tmpdir(), 'package-'));
	try {
		writeFileSync(join(dir, 'm.zip'), archive);
		const script =
			'import sys, zipfile, json\n' +
			'z = zipfile.ZipFile(sys.argv[1])\n' +
			"print(json.dumps({i.filename: z.read(i).decode('utf-8', 'replace') for i in z.infolist()}))";
		const run = spawnSync('python3', ['-c', script, join(dir, 'm.zip')], { encoding: 'utf8' });
		expect(run.stderr).toBe('');
		return JSON.parse(run.stdout) as Record<string, string>;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

describe('modelPackage', () => {
	it('packs a transformer as a graph model with its vocabulary and a README that says how to load it', async () => {
		const data = encodeText('the whale, the sea; '.repeat(60), 'test');
		const config: TrialConfig = {
			...DEFAULT_TRIAL_CONFIG,
			model: 'transformer',
			dataset: 'moby-dick',
			contextLength: 16,
			dModel: 8,
			nHead: 2,
			nLayer: 1
		};
		const lab = createTransformer(
			{ vocab: data.vocab.length, contextLength: 16, dModel: 8, nHead: 2, nLayer: 1 },
			1
		);
		const weights = {
			paramNames: lab.paramNames,
			params: lab.params.map((p) => p.dataSync() as Float32Array)
		};
		lab.dispose();
		const files = unzipText(
			await modelPackage(
				{
					config,
					weights,
					which: 'raw',
					step: 40,
					evalRow: { step: 40, valLoss: 1.25, valAccuracy: 0.5 },
					trialLabel: 'Trial 0'
				},
				data
			)
		);
		expect(Object.keys(files)).toEqual(['model.json', 'weights.bin', 'vocabulary.json', 'README.md']);
		expect(JSON.parse(files['vocabulary.json']!)).toEqual([' ', ',', ';', 'a', 'e', 'h', 'l', 's', 't', 'w']);
		expect(JSON.parse(files['model.json']!).format).toBe('graph-model');
		const readme = files['README.md']!;
		expect(readme).toContain("tf.loadGraphModel('http://localhost:8080/model.json')");
		expect(readme).toContain('1 ≤ length ≤ 16');
		expect(readme).toContain('float32 [batch, length, 10]');
		expect(readme).toContain('- validation loss (cross-entropy, nats): 1.25');
	});

	it('refuses a transformer paired with a table, and an MLP paired with text', async () => {
		const request = {
			config: { ...DEFAULT_TRIAL_CONFIG, model: 'transformer' as const },
			weights: { paramNames: [], params: [] },
			which: 'raw' as const,
			step: 1,
			evalRow: { step: 1, valLoss: 1, valAccuracy: 0 },
			trialLabel: 'Trial 0'
		};
		const table = { kind: 'classification', features: 2, classes: 2 } as never;
		await expect(modelPackage(request, table)).rejects.toThrow('the transformer needs a text dataset');
		const text = encodeText('x'.repeat(1000), 'test');
		await expect(
			modelPackage({ ...request, config: { ...DEFAULT_TRIAL_CONFIG, dataset: 'digits' } }, text)
		).rejects.toThrow('digits is not a classification dataset');
	});
});
