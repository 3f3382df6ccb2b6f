// What "the same curve" means for batched trials on the compiled engine in Chromium, shared by the
// batched-trials e2e tests.
//
// In Node the batched and the single step agree bit for bit on wasm (training/jax/batched-trials.spec.ts);
// in Chromium's wasm they do not: the batched products round differently in the last bits (the largest relative difference
// tests/batched-trials.spec.ts measured over 60 steps was 3.5e-7, three float32 ulps). The tolerance,
// 1e-5 relative, is about 84 float32 ulps (2^-23 ≈ 1.19e-7 each): rounding, far below any difference
// of learning rate or seed (those change the loss in the second or third digit).
// A trial whose batch shrank from four trials to one as the others were paused or cancelled ended at most
// 7.4e-7 relative from the same trial in a batch that stayed at four (1,500 steps,
// tests/batched-trials-control.spec.ts with a temporary log of the largest difference); there, cooldown
// branches batched and alone were equal bit for bit.
import { readFileSync } from 'node:fs';

export const RELATIVE_TOLERANCE = 1e-5;

/**
 * Where two metric records differ by more than rounding: paths whose structure (keys, lengths, steps,
 * nulls) differs, or whose numbers differ by more than RELATIVE_TOLERANCE of the larger.
 */
export function farApart(a: unknown, b: unknown, path = '$'): string[] {
	if (typeof a === 'number' && typeof b === 'number') {
		const scale = Math.max(Math.abs(a), Math.abs(b));
		return Math.abs(a - b) <= RELATIVE_TOLERANCE * scale ? [] : [`${path}: ${a} against ${b}`];
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length) return [`${path}: ${a.length} values against ${b.length}`];
		return a.flatMap((x, i) => farApart(x, b[i], `${path}[${i}]`));
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		const keys = Object.keys(a).sort();
		if (keys.join() !== Object.keys(b).sort().join()) return [`${path}: keys differ`];
		return keys.flatMap((k) => farApart((a as never)[k], (b as never)[k], `${path}.${k}`));
	}
	return a === b ? [] : [`${path}: ${String(a)} against ${String(b)}`];
}

/** The digits MLP study of the CLI fixture on the compiled engine (wasm), with these overrides. */
export function digitsJaxStudy(name: string, overrides: Record<string, unknown>): Record<string, unknown> {
	const base = JSON.parse(readFileSync('tests/fixtures/cli-run-digits.study.json', 'utf8'));
	return {
		...base,
		name,
		fixed: { ...base.fixed, hiddenWidth: 32, engine: 'jax', backend: 'wasm' },
		...overrides
	};
}
