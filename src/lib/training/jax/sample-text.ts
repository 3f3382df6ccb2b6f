// Generation from a trained character model on the compiled engine, as the TF.js engine does it: feed
// the prompt, then repeatedly draw the next character from softmax(logits / temperature) of the last
// position (sampling.ts, seeded) and append it, keeping at most contextLength characters in view.
// Every forward pass gets one full window, the text left-aligned and padded with token 0 after it
// (causal attention keeps the padding from reaching the position read), so the forward pass is
// compiled once.
import { jit, numpy as np } from '@jax-js/jax';
import type { TrainingData } from '$lib/datasets/classification-data';
import { Random } from '$lib/math/random';
import type { TrialConfig } from '$lib/study/trial-config';
import type { SavedWeights } from '../checkpoint-data';
import { promptTokens, sampleIndex, type SampleOptions } from '../sampling';
import { modelSpecOf } from '../model-spec';
import { jaxModel } from './models';
import { toArrays } from './params';

export async function sampleTextJax(
	config: TrialConfig,
	data: TrainingData,
	weights: SavedWeights,
	options: SampleOptions
): Promise<string> {
	if (data.kind !== 'text')
		throw new Error(`${config.dataset} is not a text dataset; only language models sample text`);
	const spec = modelSpecOf(config, data);
	if (spec.kind !== 'transformer') throw new Error('only the transformer generates text');
	const model = jaxModel(spec);
	const names = model.params.map((p) => p.name);
	if (weights.paramNames.join() !== names.join()) {
		throw new Error(`weights ${weights.paramNames.join(', ')} do not match ${names.join(', ')}`);
	}
	const vocab = data.vocab;
	const tokens = promptTokens(vocab, options.prompt);

	const T = spec.contextLength;
	const V = vocab.length;
	const random = new Random(options.seed);
	const params = toArrays(model.params, weights.params);
	const forward = jit((ps: np.Array[], x: np.Array) => model.forward(ps, x, null));
	const padded = new Int32Array(T);
	let generated = '';
	try {
		for (let i = 0; i < options.length; i++) {
			const window = tokens.slice(-T);
			padded.fill(0);
			padded.set(window);
			const x = np.array(new Int32Array(padded), { dtype: np.int32 }).reshape([1, T]);
			// Logits [T, V]: the row of the window's last character predicts the next one.
			const logits = await forward(
				params.map((p) => p.ref),
				x
			).data();
			const row = logits.subarray((window.length - 1) * V, window.length * V);
			const next = sampleIndex(row, options.temperature, random.next());
			tokens.push(next);
			generated += vocab[next]!;
		}
	} finally {
		for (const p of params) p.dispose();
		forward.dispose();
	}
	return generated;
}
