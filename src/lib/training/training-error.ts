// Turns the raw text of an exception thrown while training into a message a practitioner can act on.
// Backends report running out of memory in their own words, some of them far from obvious.

/** Raw messages that mean the backend could not get the memory it asked for, per backend. */
const OUT_OF_MEMORY_PATTERNS: readonly RegExp[] = [
	// tfjs-wasm: a failed allocation surfaces as a trap of the module (it is 32-bit: at most 4 GiB).
	/memory access out of bounds/i,
	/table index is out of bounds/i,
	/cannot enlarge memory/i,
	/out of memory/i,
	// jax-js on wasm refuses an allocation past its 32-bit address space in so many words.
	/allocation exceeds the .*memory32 limit/i,
	// WebGPU and WebGL refuse buffers or textures above their device limits.
	/GPUOutOfMemoryError/i,
	/exceeds? (the )?max(imum)?[ _]?(buffer|storage|texture)/i,
	/greater than WebGL maximum/i
];

export function isOutOfMemory(raw: string): boolean {
	return OUT_OF_MEMORY_PATTERNS.some((pattern) => pattern.test(raw));
}

/**
 * The message stored as a failed trial's reason: out-of-memory errors say so and what to try, with the
 * backend's own words kept in parentheses; anything else is passed on unchanged.
 */
export function describeTrainingError(raw: string, backend: string | undefined): string {
	if (!isOutOfMemory(raw)) return raw;
	const on = backend ? ` on the ${backend} backend` : '';
	return `out of memory${on} (${raw}); a smaller batch size or model fits in less`;
}
