// Small IDX files for the user-data tests (Node only: uses Buffer).

export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array<ArrayBuffer> {
	const header = Buffer.alloc(4 + 4 * dims.length);
	header[2] = 0x08;
	header[3] = dims.length;
	dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
	return new Uint8Array(Buffer.concat([header, Buffer.from(Uint8Array.from(data))]));
}

/** `n` images of 2×3 pixels, image i filled with the value i·10 (n ≤ 25), labelled `labelOf(i)`. */
export function idxPair(n: number, labelOf: (i: number) => number = (i) => i % 3) {
	const pixels = Array.from({ length: n * 6 }, (_, k) => Math.floor(k / 6) * 10);
	return {
		images: idxBytes([n, 2, 3], pixels),
		labels: idxBytes(
			[n],
			Array.from({ length: n }, (_, i) => labelOf(i))
		)
	};
}
