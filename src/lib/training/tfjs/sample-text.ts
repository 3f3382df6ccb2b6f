// Generation from a trained character model: feed the prompt, then repeatedly sample the next
// character from softmax(logits / temperature) of the last position and append it, keeping at most
// contextLength characters in view. Sampling is seeded, so the same checkpoint, prompt and seed give
// the same text.
import * as tf from '@tensorflow/tfjs';
import { Random } from '$lib/math/random';
import { promptTokens, sampleIndex, type SampleOptions } from '../sampling';
import type { Model } from './models/model';

export async function sampleText(
	model: Model,
	vocab: readonly string[],
	contextLength: number,
	options: SampleOptions
): Promise<string> {
	const tokens = promptTokens(vocab, options.prompt);
	const random = new Random(options.seed);
	let generated = '';
	// Every forward pass gets a full window, the text left-aligned and padded with token 0 after it:
	// causal attention keeps the padding from affecting the position read, and one input shape lets
	// backends that compile per shape (WebGPU) compile once instead of once per length.
	const padded = new Int32Array(contextLength);
	for (let i = 0; i < options.length; i++) {
		const window = tokens.slice(-contextLength);
		padded.fill(0);
		padded.set(window);
		const last = tf.tidy(() => {
			const logits = model.forward(tf.tensor2d(padded, [1, contextLength], 'int32'), false);
			return logits.slice([window.length - 1, 0], [1, vocab.length]);
		});
		const values = await last.data();
		last.dispose();
		const next = sampleIndex(values, options.temperature, random.next());
		tokens.push(next);
		generated += vocab[next]!;
	}
	return generated;
}
