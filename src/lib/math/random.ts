// Seeded, serialisable randomness for weight init and data order. The whole generator state is one
// uint32, so a checkpoint can store it and a resumed trial draws exactly the same numbers.

/** Mixes a user seed into a well-spread 32-bit state (so seeds 1 and 2 do not start out correlated). */
export function hashSeed(seed: number): number {
	let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

/** Mulberry32: a 32-bit-state generator; fast and good enough for shuffles and init (not crypto). */
export class Random {
	state: number;

	constructor(seed: number) {
		this.state = hashSeed(seed);
	}

	static fromState(state: number): Random {
		const r = new Random(0);
		r.state = state >>> 0;
		return r;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** Standard normal by Box–Muller (one draw per call; the partner value is discarded to keep state one number). */
	normal(): number {
		const u = 1 - this.next(); // (0, 1]: log never sees 0
		const v = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}
}

/** Fisher–Yates permutation of 0..n−1. */
export function permutation(n: number, random: Random): Uint32Array {
	const order = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	for (let i = n - 1; i > 0; i--) {
		const j = random.int(i + 1);
		const tmp = order[i]!;
		order[i] = order[j]!;
		order[j] = tmp;
	}
	return order;
}

/** Derives an independent stream for a named purpose (init, data order…) from one trial seed. */
export function streamSeed(seed: number, purpose: string): number {
	let h = hashSeed(seed);
	for (let i = 0; i < purpose.length; i++) h = hashSeed(h ^ purpose.charCodeAt(i));
	return h;
}
