import { describe, expect, it } from 'vitest';
import { fetchStudyText, resolveStudyLink, withoutStudyLink } from './study-link';

const page = new URL('http://localhost:4173/?study=x');

describe('resolveStudyLink', () => {
	it('accepts paths and full addresses on the page’s own origin', () => {
		const path = resolveStudyLink('/studies/default-digits.study.json', page);
		expect(path.kind === 'url' && path.url.href).toBe(
			'http://localhost:4173/studies/default-digits.study.json'
		);
		const relative = resolveStudyLink('studies/a.json', new URL('http://localhost:4173/lab/'));
		expect(relative.kind === 'url' && relative.url.pathname).toBe('/lab/studies/a.json');
		const full = resolveStudyLink('http://localhost:4173/s.json', page);
		expect(full.kind).toBe('url');
	});

	it('refuses other hosts, ports and schemes, and says why', () => {
		for (const link of [
			'https://evil.example/s.json',
			'//evil.example/s.json',
			'http://localhost:9999/s.json',
			'https://localhost:4173/s.json'
		]) {
			const target = resolveStudyLink(link, page);
			expect(target.kind, link).toBe('refused');
			if (target.kind === 'refused')
				expect(target.message).toMatch(/must not make the lab\s+fetch from hosts/);
		}
		const script = resolveStudyLink('javascript:alert(1)', page);
		expect(script.kind === 'refused' && script.message).toMatch(/^The study link uses javascript: addresses/);
		expect(resolveStudyLink('data:application/json,{}', page).kind).toBe('refused');
		expect(resolveStudyLink('   ', page)).toEqual({ kind: 'refused', message: 'The study link is empty.' });
	});

	it('treats a value starting with "{" as a pasted study file', () => {
		expect(resolveStudyLink(' {"format": 1} ', page)).toEqual({ kind: 'text', text: '{"format": 1}' });
	});

	it('drops only the study parameter from the address', () => {
		expect(withoutStudyLink(new URL('http://localhost:4173/?a=1&study=%2Fx.json#top'))).toBe('/?a=1#top');
	});
});

describe('fetchStudyText', () => {
	const url = new URL('http://localhost:4173/studies/a.json');
	const fetcher = (response: Response) => (() => Promise.resolve(response)) as unknown as typeof fetch;

	it('reads a small file', async () => {
		expect(await fetchStudyText(url, fetcher(new Response('{"a": "é"}')))).toEqual({
			ok: true,
			text: '{"a": "é"}'
		});
	});

	it('reports HTTP errors with the path', async () => {
		expect(await fetchStudyText(url, fetcher(new Response('no', { status: 404 })))).toEqual({
			ok: false,
			message: 'Could not load /studies/a.json (HTTP 404).'
		});
	});

	it('refuses a declared length over the limit without reading the body', async () => {
		let pulled = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled += 1;
				controller.enqueue(new Uint8Array(10));
			}
		});
		const response = new Response(body, { headers: { 'content-length': String(100 * 2 ** 20) } });
		const result = await fetchStudyText(url, fetcher(response));
		expect(result.ok === false && result.message).toMatch(
			/^\$: \/studies\/a\.json is 100 MiB, over the 64 MiB limit/
		);
		expect(pulled).toBeLessThanOrEqual(1);
	});

	it('stops a body without a length as soon as it passes the limit', async () => {
		let pulled = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled += 1;
				controller.enqueue(new Uint8Array(1000));
			}
		});
		const result = await fetchStudyText(url, fetcher(new Response(body)), 4500);
		expect(result.ok).toBe(false);
		// Five chunks of 1,000 bytes cross 4,500; the stream is cancelled there, not read to its end.
		expect(pulled).toBeLessThanOrEqual(6);
	});
});
