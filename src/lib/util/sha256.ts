// SHA-256 through Web Crypto, which the page, the workers and Node (the CLI and the unit tests) all
// provide as `crypto.subtle`.

/** Lowercase hexadecimal SHA-256 (64 digits) of the bytes, or of the UTF-8 encoding of the text. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
	const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
	const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
