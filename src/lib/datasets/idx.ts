// Reading IDX files (the MNIST family's format) with validation. Pure: bytes in, typed arrays out.
// Layout: 0x00 0x00, a type code, the rank, `rank` big-endian uint32 dimensions, then the data.

export interface IdxArray {
	dims: number[];
	data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const GZIP_MAGIC = [0x1f, 0x8b];

export class DatasetFormatError extends Error {
	constructor(source: string, problem: string) {
		super(`${source}: ${problem}`);
		this.name = 'DatasetFormatError';
	}
}

export function isGzip(bytes: Uint8Array): boolean {
	return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Gunzips when the bytes start with the gzip magic number. Some static servers already undo the
 * compression (Content-Encoding: gzip), so plain IDX bytes pass through untouched.
 */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
	if (!isGzip(bytes)) return bytes;
	const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parses an unsigned-byte IDX file; `expectedDims` entries of -1 match any size. */
export function parseIdx(bytes: Uint8Array, source: string, expectedDims?: number[]): IdxArray {
	if (bytes.length < 4) throw new DatasetFormatError(source, `only ${bytes.length} bytes; not an IDX file`);
	if (bytes[0] !== 0 || bytes[1] !== 0) {
		throw new DatasetFormatError(source, 'bad magic number (an IDX file starts with two zero bytes)');
	}
	if (bytes[2] !== UNSIGNED_BYTE) {
		throw new DatasetFormatError(
			source,
			`element type 0x${bytes[2]!.toString(16)} is not supported (expected 0x08, unsigned byte)`
		);
	}
	const rank = bytes[3]!;
	const headerLength = 4 + 4 * rank;
	if (rank === 0 || bytes.length < headerLength)
		throw new DatasetFormatError(source, `truncated header (rank ${rank})`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
	const expectedLength = dims.reduce((a, b) => a * b, 1);
	const actualLength = bytes.length - headerLength;
	if (actualLength !== expectedLength) {
		throw new DatasetFormatError(
			source,
			`header says [${dims.join('×')}] = ${expectedLength} bytes of data but the file holds ${actualLength}`
		);
	}
	if (expectedDims) {
		const matches =
			expectedDims.length === dims.length && expectedDims.every((d, i) => d === -1 || d === dims[i]);
		if (!matches) {
			const want = expectedDims.map((d) => (d === -1 ? 'N' : String(d))).join('×');
			throw new DatasetFormatError(source, `shape [${dims.join('×')}] does not match the expected [${want}]`);
		}
	}
	return { dims, data: bytes.subarray(headerLength) };
}
