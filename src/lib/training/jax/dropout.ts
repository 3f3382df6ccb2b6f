// Inverted dropout for the compiled engine: keep each unit with probability `keep` and scale kept
// units by 1/keep, so expected activations match evaluation (no dropout). One key per step is split into
// as many subkeys as the model has dropout sites, so each site draws an independent mask.
import { numpy as np, random } from '@jax-js/jax';

/** What a forward pass needs of dropout: the next site's mask applied to `x` (consumed). */
export interface DropoutSites {
	apply(x: np.Array): np.Array;
}

export class Dropout implements DropoutSites {
	readonly #keys: np.Array;
	readonly #keep: np.Array;
	readonly #sites: number;
	#next = 0;

	/** Takes ownership of `key` (a PRNG key) and `keep` (a scalar in (0, 1]). */
	constructor(key: np.Array, keep: np.Array, sites: number) {
		this.#keys = random.split(key, Math.max(1, sites));
		this.#keep = keep;
		this.#sites = sites;
	}

	/** Masks `x` (consumed) with the next site's subkey. */
	apply(x: np.Array): np.Array {
		if (this.#next >= this.#sites) throw new Error(`more than ${this.#sites} dropout sites`);
		const subkey = this.#keys.ref.slice(this.#next++);
		const mask = random.bernoulli(subkey, this.#keep.ref, x.shape);
		return np.where(mask, x.div(this.#keep.ref), 0);
	}

	/** Releases the keys and the rate; call once the forward pass is built. */
	dispose(): void {
		this.#keys.dispose();
		this.#keep.dispose();
	}
}

/** Applies `dropout` when there is one (training with a rate above 0), else returns `x` unchanged. */
export function maybeDrop(dropout: DropoutSites | null, x: np.Array): np.Array {
	return dropout ? dropout.apply(x) : x;
}
