// Choosing the next character of generated text, the same for every engine: the engine computes the
// logits of the last position, this draws from softmax(logits / temperature) with the lab's seeded
// random numbers, so the same checkpoint, prompt and seed give the same text.

export interface SampleOptions {
	prompt: string;
	/** Characters to generate after the prompt. */
	length: number;
	/** Divides the logits; below 1 sharpens the distribution, above 1 flattens it. 0 = always the likeliest. */
	temperature: number;
	seed: number;
}

/** The prompt as token ids; throws, naming them, on characters outside the vocabulary, or on an empty prompt. */
export function promptTokens(vocab: readonly string[], prompt: string): number[] {
	const ids = new Map(vocab.map((c, i) => [c, i]));
	const chars = Array.from(prompt);
	const unknown = [...new Set(chars.filter((c) => !ids.has(c)))];
	if (unknown.length > 0) {
		throw new Error(
			`the prompt uses characters the model never saw: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`
		);
	}
	if (chars.length === 0) throw new Error('the prompt is empty; give the model at least one character');
	return chars.map((c) => ids.get(c)!);
}

/** Index drawn from softmax(logits / temperature) with one uniform number u in [0, 1). */
export function sampleIndex(logits: ArrayLike<number>, temperature: number, u: number): number {
	let best = 0;
	for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
	if (temperature === 0) return best;
	// Subtract the max before exp (float64 here) so large logits do not overflow.
	const weights = Array.from(logits, (l) => Math.exp((l - logits[best]!) / temperature));
	const total = weights.reduce((a, b) => a + b, 0);
	let cumulative = 0;
	for (let i = 0; i < weights.length; i++) {
		cumulative += weights[i]! / total;
		if (u < cumulative) return i;
	}
	return weights.length - 1;
}
