// Study links: `/?study=/studies/some.study.json` opens a study file served by the same site, so a
// study can be shared as a link to a static file; `?study={…}` carries a (small) study file in the
// link itself. Only same-origin addresses are fetched: a link is written by someone else, and it must
// not be able to make the lab send requests to hosts the person never chose. Pure apart from the
// fetch it is given, so it is tested without a browser.

/** The query parameter of a study link. */
export const STUDY_LINK_PARAM = 'study';
import { MAX_STUDY_FILE_BYTES, studyFileSizeProblem } from './file-limits';

export type StudyLinkTarget =
	{ kind: 'url'; url: URL } | { kind: 'text'; text: string } | { kind: 'refused'; message: string };

/** What a `?study=` value points at, judged against the page's own address. */
export function resolveStudyLink(value: string, page: URL): StudyLinkTarget {
	const trimmed = value.trim();
	if (trimmed === '') return { kind: 'refused', message: 'The study link is empty.' };
	if (trimmed.startsWith('{')) return { kind: 'text', text: trimmed };
	let url: URL;
	try {
		url = new URL(trimmed, page);
	} catch {
		return { kind: 'refused', message: 'The study link is not a valid address.' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {
			kind: 'refused',
			message: `The study link uses ${url.protocol.slice(0, 20)} addresses; only files on this site (${page.origin}) can be opened.`
		};
	}
	if (url.origin !== page.origin) {
		return {
			kind: 'refused',
			message:
				`The study link points at another site (${url.host.slice(0, 80)}). The lab only opens study ` +
				`files from its own site (${page.origin}): a link someone sends you must not make the lab ` +
				'fetch from hosts you did not choose. Download the file and open it with "Open study file…" instead.'
		};
	}
	return { kind: 'url', url };
}

export type FetchedStudy = { ok: true; text: string } | { ok: false; message: string };

/**
 * Fetches a same-origin study file, refusing it without reading further as soon as it is known to
 * exceed the study file limit (from its Content-Length, or while the body streams in).
 */
export async function fetchStudyText(
	url: URL,
	fetcher: typeof fetch = fetch,
	limit = MAX_STUDY_FILE_BYTES
): Promise<FetchedStudy> {
	let response: Response;
	try {
		response = await fetcher(url, { credentials: 'same-origin' });
	} catch (error) {
		return { ok: false, message: `Could not load ${url.pathname}: ${(error as Error).message ?? error}` };
	}
	if (response.redirected && new URL(response.url).origin !== url.origin) {
		return { ok: false, message: `${url.pathname} redirects to another site; it was not read.` };
	}
	if (!response.ok)
		return { ok: false, message: `Could not load ${url.pathname} (HTTP ${response.status}).` };
	const tooLarge = (bytes: number) =>
		bytes > limit ? (studyFileSizeProblem(bytes, url.pathname) ?? `${url.pathname} is too large`) : undefined;
	const declared = Number(response.headers.get('content-length'));
	const early = Number.isFinite(declared) ? tooLarge(declared) : undefined;
	if (early) {
		await response.body?.cancel();
		return { ok: false, message: early };
	}
	if (!response.body) return { ok: true, text: await response.text() };
	const reader = response.body.getReader();
	const parts: Uint8Array[] = [];
	let received = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		received += value.byteLength;
		const over = tooLarge(received);
		if (over) {
			await reader.cancel();
			return { ok: false, message: over.replace(/ is [\d.]+ MiB,/, ' is larger than that,') };
		}
		parts.push(value);
	}
	const bytes = new Uint8Array(received);
	let offset = 0;
	for (const part of parts) {
		bytes.set(part, offset);
		offset += part.byteLength;
	}
	return { ok: true, text: new TextDecoder().decode(bytes) };
}

/** The page's address without the study link (after it was handled, so a reload does not repeat it). */
export function withoutStudyLink(page: URL): string {
	const next = new URL(page);
	next.searchParams.delete(STUDY_LINK_PARAM);
	return `${next.pathname}${next.search}${next.hash}`;
}
