// Fetches and decodes one bundled text (gzip, UTF-8) into the language model's token form.
import { DatasetFormatError, gunzipIfNeeded } from './idx';
import type { FetchBytes } from './image-dataset';
import type { TextDatasetSpec } from './registry';
import { encodeText, type TextData } from './text-data';

export function decodeUtf8(bytes: Uint8Array, source: string): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new DatasetFormatError(source, 'not valid UTF-8 text');
	}
}

export async function loadTextDataset(spec: TextDatasetSpec, fetchBytes: FetchBytes): Promise<TextData> {
	const text = decodeUtf8(await gunzipIfNeeded(await fetchBytes(spec.file)), spec.file);
	const data = encodeText(text, spec.file);
	const chars = data.train.length + data.val.length;
	if (chars !== spec.chars) {
		throw new DatasetFormatError(spec.file, `${chars} characters, expected ${spec.chars}`);
	}
	return data;
}
