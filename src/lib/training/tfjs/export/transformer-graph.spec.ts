import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { exportTransformer } from './transformer-graph';
import { createTransformer } from '../models/transformer';
import type { Model } from '../models/model';

const SHAPE = { vocab: 7, contextLength: 8, dModel: 8, nHead: 2, nLayer: 2 };
const CONFIG: TrialConfig = {
	...DEFAULT_TRIAL_CONFIG,
	model: 'transformer',
	dataset: 'moby-dick',
	contextLength: SHAPE.contextLength,
	dModel: SHAPE.dModel,
	nHead: SHAPE.nHead,
	nLayer: SHAPE.nLayer
};

let server: Server;
let files: { modelJson: string; weights: Uint8Array } = { modelJson: '{}', weights: new Uint8Array() };
let baseUrl = '';

beforeAll(async () => {
	await tf.setBackend('cpu');
	// A static server for the exported files: the model is loaded from a URL, the way the README says.
	server = createServer((request, response) => {
		if (request.url === '/model.json') response.end(files.modelJson);
		else if (request.url === '/weights.bin') response.end(Buffer.from(files.weights));
		else response.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Every parameter moved off its init (gains 1, biases 0), so a swapped or skipped one shows. */
function randomised(seed: number): Model {
	const lab = createTransformer(SHAPE, seed);
	lab.params.forEach((p, i) => p.assign(tf.randomNormal(p.shape, 0, 0.3, 'float32', seed * 100 + i)));
	return lab;
}

function saved(model: Model) {
	return { paramNames: model.paramNames, params: model.params.map((p) => p.dataSync() as Float32Array) };
}

async function exportedAndLoaded(lab: Model): Promise<tf.GraphModel> {
	files = exportTransformer(CONFIG, SHAPE.vocab, saved(lab));
	return tf.loadGraphModel(`${baseUrl}/model.json`);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	expect(a.length).toBe(b.length);
	let worst = 0;
	for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
	return worst;
}

describe('exportTransformer', () => {
	it('writes a graph model that tf.loadGraphModel runs with the lab forward pass’s logits', async () => {
		const lab = randomised(3);
		const model = await exportedAndLoaded(lab);
		expect(JSON.parse(files.modelJson).format).toBe('graph-model');
		expect(model.inputs.map((i) => i.name)).toEqual(['tokens']);
		expect(model.outputs.map((o) => o.name)).toEqual(['logits']);
		// A full window and a shorter one (the first steps of sampling), batch 3 and 2.
		for (const [batch, length] of [
			[3, 8],
			[2, 5],
			[1, 1]
		] as const) {
			const tokens = tf.randomUniformInt([batch, length], 0, SHAPE.vocab, batch * 10 + length);
			const expected = lab.forward(tokens as tf.Tensor2D, false);
			const got = model.execute({ tokens }) as tf.Tensor;
			expect(got.shape).toEqual([batch, length, SHAPE.vocab]);
			expect(maxDiff(got.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
			// The logits are not trivially equal (e.g. all zeros): they vary across the vocabulary.
			expect(tf.moments(got).variance.dataSync()[0]).toBeGreaterThan(0.01);
			tf.dispose([tokens, expected, got]);
		}
		model.dispose();
		lab.dispose();
	});

	it('stays causal: changing a later token leaves the earlier positions’ logits unchanged', async () => {
		const lab = randomised(5);
		const model = await exportedAndLoaded(lab);
		const a = tf.tensor2d([[1, 2, 3, 4, 5, 6]], undefined, 'int32');
		const b = tf.tensor2d([[1, 2, 3, 0, 0, 0]], undefined, 'int32');
		const [la, lb] = [model.execute({ tokens: a }) as tf.Tensor, model.execute({ tokens: b }) as tf.Tensor];
		const first3 = (t: tf.Tensor) => t.slice([0, 0, 0], [1, 3, -1]).dataSync();
		const last = (t: tf.Tensor) => t.slice([0, 5, 0], [1, 1, -1]).dataSync();
		expect(maxDiff(first3(la), first3(lb))).toBeLessThan(1e-6);
		expect(maxDiff(last(la), last(lb))).toBeGreaterThan(1e-3);
		tf.dispose([a, b, la, lb]);
		model.dispose();
		lab.dispose();
	});

	it('stores every parameter once plus the mask and a few constants', () => {
		const lab = randomised(7);
		const out = exportTransformer(CONFIG, SHAPE.vocab, saved(lab));
		const params = lab.params.reduce((sum, p) => sum + p.size, 0);
		const mask = SHAPE.contextLength ** 2;
		const json = JSON.parse(out.modelJson) as { weightsManifest: { weights: { dtype: string }[] }[] };
		const floatBytes = 4 * (params + mask);
		// The rest are small constants (axes, shapes, scalars), 4 bytes each: well under a kilobyte.
		expect(out.weights.length).toBeGreaterThan(floatBytes);
		expect(out.weights.length - floatBytes).toBeLessThan(1024);
		expect(json.weightsManifest[0]!.weights.some((w) => w.dtype === 'int32')).toBe(true);
		lab.dispose();
	});

	it('refuses weights that do not fit the configuration, naming what differs', () => {
		const lab = randomised(9);
		const weights = saved(lab);
		expect(() => exportTransformer({ ...CONFIG, nLayer: 1 }, SHAPE.vocab, weights)).toThrow(
			/the checkpoint holds parameters \[.*block1\/norm1\/gain.*\], the transformer needs/
		);
		expect(() => exportTransformer(CONFIG, SHAPE.vocab + 1, weights)).toThrow(
			`parameter embed/tokens has ${7 * 8} values, the model needs ${8 * 8}`
		);
		expect(() => exportTransformer({ ...CONFIG, model: 'mlp' }, SHAPE.vocab, weights)).toThrow(
			'a mlp trial is not a transformer'
		);
		lab.dispose();
	});
});
