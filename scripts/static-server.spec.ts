import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface StaticServer {
	port: number;
	close(): Promise<void>;
}
// Plain JavaScript without type annotations, loaded by address like the CLI and the offline test do.
const SERVER_MODULE = new URL('./static-server.mjs', import.meta.url).href;

let dir = '';
let server: StaticServer;
// A request the server never answers fails after 5 s instead of at the test timeout.
const get = (path: string) =>
	fetch(`http://127.0.0.1:${server.port}${path}`, { signal: AbortSignal.timeout(5_000) });

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'tuning-lab-static-'));
	writeFileSync(join(dir, 'index.html'), '<p>shell</p>');
	writeFileSync(join(dir, 'data.json'), '{"a":1}');
	const { startStaticServer } = (await import(SERVER_MODULE)) as {
		startStaticServer(options: { dir: string; port?: number }): Promise<StaticServer>;
	};
	server = await startStaticServer({ dir, port: 0 });
});
afterAll(async () => {
	await server.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('static server', () => {
	it('serves files with their type, and the app shell for any other path', async () => {
		const data = await get('/data.json');
		expect(data.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await data.text()).toBe('{"a":1}');
		expect(await (await get('/study?id=7')).text()).toBe('<p>shell</p>');
	});

	it('answers a path with a malformed %-escape with 400 and keeps serving', async () => {
		const bad = await get('/%E0%A4%A');
		expect(bad.status).toBe(400);
		expect(await bad.text()).toBe('URI malformed');
		expect((await get('/data.json')).status).toBe(200);
	});
});
